import ODAGCore

/// Pairs declared elements of Qlik's arrays (`bindings`, each `properties` key's per-context array) with
/// live ones, and names them in diff paths.
///
/// A declared element states only the fields it manages: it equals a live element when every field it
/// states is equal, whatever else the server filled in. Read-only fields (`streamName`, `sheetName`)
/// are never compared.
enum QseowElements {
    /// Property element fields the server fills from the id beside them; never compared, never sent.
    static let readOnlyKeys: Set<String> = ["streamName", "sheetName"]

    /// Whether `live` has every member `declared` states (but `skipping`), each equal.
    static func statesSame(_ declared: JSONValue, _ live: JSONValue, skipping: Set<String> = readOnlyKeys) -> Bool {
        guard case .object(let members) = declared, case .object(let liveMembers) = live else {
            return declared == live
        }
        for (key, value) in members where !skipping.contains(key) {
            guard let current = liveMembers[key], current == value else { return false }
        }
        return true
    }

    /// For each declared binding, the live binding it equals on the fields it states, such that as many
    /// as possible are paired and no live binding is paired twice (augmenting paths: a greedy choice can
    /// take the live binding another declared one needed).
    static func exactBindingPairs(declared: [JSONValue], live: [JSONValue]) -> [Int?] {
        let fits = declared.map { binding in live.indices.filter { statesSame(binding, live[$0], skipping: []) } }
        var owner = [Int?](repeating: nil, count: live.count)
        func place(_ index: Int, _ visited: inout [Bool]) -> Bool {
            for candidate in fits[index] where !visited[candidate] {
                visited[candidate] = true
                if let other = owner[candidate] {
                    guard place(other, &visited) else { continue }
                }
                owner[candidate] = index
                return true
            }
            return false
        }
        for index in declared.indices {
            var visited = [Bool](repeating: false, count: live.count)
            _ = place(index, &visited)
        }
        var pairs = [Int?](repeating: nil, count: declared.count)
        for (liveIndex, declaredIndex) in owner.enumerated() {
            if let declaredIndex { pairs[declaredIndex] = liveIndex }
        }
        return pairs
    }

    /// Whether the declared bindings are the live ones as a set: as many, each equal to its own live
    /// binding on the fields it states.
    static func sameBindings(declared: [JSONValue], live: [JSONValue]) -> Bool {
        guard declared.count == live.count else { return false }
        // Most bindings come back in the order they were declared.
        if zip(declared, live).allSatisfy({ statesSame($0, $1, skipping: []) }) { return true }
        return !exactBindingPairs(declared: declared, live: live).contains(nil)
    }

    /// Each declared binding's live base: the live binding it equals, else an unpaired live binding of
    /// the same `templateAppVarName` (the one the declaration changes), else none.
    static func bindingPairs(declared: [JSONValue], live: [JSONValue]) -> [Int?] {
        var pairs = exactBindingPairs(declared: declared, live: live)
        var used = Set(pairs.compactMap { $0 })
        for index in declared.indices where pairs[index] == nil {
            guard let name = declared[index]["templateAppVarName"] else { continue }
            if let match = live.indices.first(where: { !used.contains($0) && live[$0]["templateAppVarName"] == name }) {
                pairs[index] = match
                used.insert(match)
            }
        }
        return pairs
    }

    /// Each declared property element's live element: the first unpaired one of the same `context`.
    static func contextPairs(declared: [JSONValue], live: [JSONValue]) -> [Int?] {
        var used = Set<Int>()
        return declared.map { element in
            guard let context = element["context"]?.stringValue else { return nil }
            let match = live.indices.first { !used.contains($0) && live[$0]["context"]?.stringValue == context }
            if let match { used.insert(match) }
            return match
        }
    }

    /// Whether a declared per-context array equals the live one: as many elements, each declared one
    /// paired by `context` and equal on the fields it states.
    static func sameContexts(declared: [JSONValue], live: [JSONValue]) -> Bool {
        guard declared.count == live.count else { return false }
        let pairs = contextPairs(declared: declared, live: live)
        return declared.indices.allSatisfy { index in
            pairs[index].map { statesSame(declared[index], live[$0]) } ?? false
        }
    }

    /// `declared`'s members over `base`'s (`nil`: none), without read-only members.
    static func overlay(_ declared: JSONValue, on base: JSONValue?) -> JSONValue {
        guard case .object(let members) = declared else { return declared }
        var merged = base?.objectValue ?? [:]
        for (key, value) in members { merged[key] = value }
        return withoutReadOnly(.object(merged))
    }

    /// `element` without its read-only members.
    static func withoutReadOnly(_ element: JSONValue) -> JSONValue {
        guard case .object(var members) = element, members.keys.contains(where: readOnlyKeys.contains) else {
            return element
        }
        for key in readOnlyKeys { members[key] = nil }
        return .object(members)
    }

    /// An element's place in a diff path: `[templateAppVarName=Region]`, `[context=User_*]`, or its
    /// value as a JSON string when it holds `[`, `]`, `=`, `"`, `.`, `\` or spaces
    /// (`[context="User.name = joe"]`); `[index]` when the element does not name its `key`.
    static func label(_ element: JSONValue, key: String, index: Int) -> String {
        guard let value = element[key]?.stringValue else { return "[\(index)]" }
        let plain =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy { scalar in
                !"[]=\".\\".unicodeScalars.contains(scalar) && scalar.value > 0x20 && !SafeText.isUnsafe(scalar)
            }
        return "[" + key + "=" + (plain ? value : JSONWriter.string(.string(value))) + "]"
    }
}

import ODAGCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Compares declared properties with live ones and builds what to send (SPEC §5): only declared
/// fields are compared, `bindings` as a whole and order-insensitive, `ignore` paths not at all.
public enum PropertyComparison {
    /// The path of the bindings array, compared as a whole.
    static let bindingsPath = bindingsParent + "." + bindingsKey
    static let bindingsParent = "properties"
    static let bindingsKey = "bindings"
    /// The binding members compared; anything else a server adds to a binding is not.
    static let bindingKeys = ["selectionField", "templateField", "selectionType"]

    /// The differences between the `declared` value at `path` and the `live` one.
    public static func diffs(declared: JSONValue, live: JSONValue?, path: String, ignore: Set<String>) -> [FieldDiff] {
        if ignore.contains(path) { return [] }
        if path == bindingsPath {
            return sameBindings(declared, live) ? [] : [FieldDiff(path: path, before: live, after: declared)]
        }
        if case .object(let declaredMembers) = declared {
            let liveMembers = live?.objectValue
            if live != nil && liveMembers == nil {
                return [FieldDiff(path: path, before: live, after: declared)]
            }
            var result: [FieldDiff] = []
            for key in declaredMembers.keys.sorted() {
                guard let value = declaredMembers[key] else { continue }
                let childPath = JSONPath.appending(key: key, to: path)
                result += diffs(declared: value, live: liveMembers?[key], path: childPath, ignore: ignore)
            }
            return result
        }
        return declared == live ? [] : [FieldDiff(path: path, before: live, after: declared)]
    }

    /// Whether ``diffs(declared:live:path:ignore:)`` is certainly empty, found without building paths,
    /// sorting keys or making diffs; `false` means "not sure" as well as "different". Planning asks this
    /// first because almost every declared link matches its live one.
    static func certainlyUnchanged(declared: JSONValue, live: JSONValue?, path: String?, ignore: Set<String>) -> Bool {
        if let path, !ignore.isEmpty, ignore.contains(path) { return true }
        if path == bindingsPath { return sameBindings(declared, live) }
        guard case .object(let declaredMembers) = declared else { return declared == live }
        guard case .object(let liveMembers)? = live else { return false }
        for (key, value) in declaredMembers {
            // A path is needed only to look it up in `ignore`, or to recognise the bindings.
            let childPath: String?
            if let path, !ignore.isEmpty {
                childPath = JSONPath.appending(key: key, to: path)
            } else if path == bindingsParent && key == bindingsKey {
                childPath = bindingsPath
            } else {
                childPath = nil
            }
            guard certainlyUnchanged(declared: value, live: liveMembers[key], path: childPath, ignore: ignore) else {
                return false
            }
        }
        return true
    }

    /// The live value at `path` overlaid with the declared one: objects are merged member by member,
    /// everything else (arrays included) is replaced; ignored paths keep their live value.
    /// Returns `nil` when the result is absent.
    public static func overlay(live: JSONValue?, declared: JSONValue?, path: String, ignore: Set<String>) -> JSONValue?
    {
        if ignore.contains(path) { return live }
        guard let declared else { return live }
        guard path != bindingsPath, case .object(let declaredMembers) = declared,
            case .object(var merged) = live ?? .object([:])
        else { return declared }
        for (key, value) in declaredMembers {
            let childPath = JSONPath.appending(key: key, to: path)
            merged[key] = overlay(live: merged[key], declared: value, path: childPath, ignore: ignore)
        }
        return .object(merged)
    }

    /// Whether two bindings arrays hold the same bindings in any order.
    static func sameBindings(_ declared: JSONValue, _ live: JSONValue?) -> Bool {
        guard let declaredList = declared.arrayValue else { return declared == live }
        guard let liveList = live?.arrayValue else { return declaredList.isEmpty && live == nil }
        guard declaredList.count == liveList.count else { return false }
        // Most bindings come back in the order they were declared: then no canonical strings are needed.
        // Identical values in the same order always give identical canonical strings.
        if zip(declaredList, liveList).allSatisfy({ sameProjection($0, $1) }) { return true }
        return canonical(declaredList) == canonical(liveList)
    }

    /// Whether two bindings are identical over the compared members (so their canonical strings are equal).
    static func sameProjection(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        guard case .object(let left) = lhs, case .object(let right) = rhs else { return identical(lhs, rhs) }
        for key in bindingKeys {
            switch (left[key], right[key]) {
            case (nil, nil): continue
            case (let a?, let b?) where identical(a, b): continue
            default: return false
            }
        }
        return true
    }

    /// Whether two values are written as the same JSON text: stricter than `==`, which equates `1` and
    /// `1.0`, and canonically equivalent but differently encoded strings.
    static func identical(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return sameBytes(a, b)
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { identical($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && a.allSatisfy { key, value in b[key].map { identical(value, $0) } ?? false }
        default: return false
        }
    }

    /// Whether two strings have the same UTF-8 bytes (`==` also equates canonically equivalent strings).
    static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        // `String.UTF8View.elementsEqual` went through the generic iterator byte by byte and was a quarter
        // of planning's instructions.
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                guard let a = left.baseAddress, let b = right.baseAddress else { return left.count == right.count }
                return memcmp(a, b, left.count) == 0
            }
        }
    }

    /// Bindings as sorted canonical strings over the compared members.
    static func canonical(_ bindings: [JSONValue]) -> [String] {
        bindings.map { binding -> String in
            guard case .object(let members) = binding else { return JSONWriter.string(binding) }
            var projected: [String: JSONValue] = [:]
            for key in bindingKeys { projected[key] = members[key] }
            return JSONWriter.string(.object(projected))
        }.sorted()
    }

    /// The declared value flattened to leaf paths, for showing what a create sets.
    public static func leaves(of value: JSONValue, path: String) -> [FieldDiff] {
        if path != bindingsPath, case .object(let members) = value, !members.isEmpty {
            return members.keys.sorted().flatMap { key -> [FieldDiff] in
                guard let member = members[key] else { return [] }
                return leaves(of: member, path: JSONPath.appending(key: key, to: path))
            }
        }
        return [FieldDiff(path: path, before: nil, after: value)]
    }
}

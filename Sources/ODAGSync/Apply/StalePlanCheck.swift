import ODAGCore

/// Checks a saved plan against the live links read again before applying it (SPEC §6): any planned
/// link that changed, disappeared or appeared since makes the plan stale, and nothing is applied.
///
/// Links are compared as the planner compares them: names by their exact Unicode scalars, and
/// `properties.bindings` in any order (a server that returns the same bindings reordered has changed
/// nothing). A link in Qlik's shape (`qseow`) is compared as the server sent it, `modifiedDate`
/// included: Qlik moves it on every change, and the plan's bodies carry it.
public enum StalePlanCheck {
    /// One line per planned link that is no longer as planned, naming it and what changed. A planned
    /// create is stale when a link of exactly that name now exists in `scope`.
    public static func problems(plan: Plan, live: [OdagLink], scope: LinkScope) -> [String] {
        var byId: [String: OdagLink] = [:]
        var byName: [NameKey: [OdagLink]] = [:]
        for link in live {
            if let id = link.id { byId[id.lowercased()] = link }
            // A retired link is invisible to a qseow plan, so it cannot make a create stale.
            if link.qseow != nil && link.status == "decommissioned" { continue }
            if scope.contains(link) { byName[NameKey(link.name ?? ""), default: []].append(link) }
        }
        var problems: [String] = []
        for change in plan.changes {
            switch change.action {
            case .create:
                if let appeared = byName[NameKey(change.name)]?.first {
                    problems.append(
                        "link \(quoted(change.name)) appeared on the server since the plan was made (id \(DisplayText.sanitized(appeared.id ?? "unknown")))"
                    )
                }
            case .update, .replace, .delete, .retire:
                guard let id = change.id else { continue }
                guard let now = byId[id.lowercased()] else {
                    problems.append(
                        "link \(quoted(change.name)) (id \(DisplayText.sanitized(id))) was deleted since the plan was made"
                    )
                    continue
                }
                guard let before = change.before.map(comparable) else { continue }
                let current = comparable(now.json)
                guard before != current else { continue }
                let differences = differences(before: before, now: current)
                let detail = differences.isEmpty ? "" : ": " + differences.joined(separator: "; ")
                problems.append(
                    "link \(quoted(change.name)) (id \(DisplayText.sanitized(id))) changed since the plan was made\(detail)"
                )
            }
        }
        return problems
    }

    /// `link` with its bindings in one canonical order, so that two versions compare equal when they
    /// differ only in the order of their bindings.
    static func comparable(_ link: JSONValue) -> JSONValue {
        guard case .object(var members) = link, !isQseow(members),
            case .object(var properties)? = members["properties"],
            case .array(let bindings)? = properties["bindings"], bindings.count > 1
        else { return link }
        let keyed = bindings.map { (key: JSONWriter.string($0), binding: $0) }
        properties["bindings"] = .array(keyed.sorted { $0.key < $1.key }.map(\.binding))
        members["properties"] = .object(properties)
        return .object(members)
    }

    /// Whether a link's JSON is in Qlik's shape (an object `owner` or `templateApp`), which is compared as sent.
    static func isQseow(_ members: [String: JSONValue]) -> Bool {
        members["owner"]?.objectValue != nil || members["templateApp"]?.objectValue != nil
    }

    /// Leaf differences between two versions of a link, as `path: before → after`.
    static func differences(before: JSONValue, now: JSONValue, path: String = "") -> [String] {
        if case .object(let old) = before, case .object(let new) = now {
            let keys = Set(old.keys).union(new.keys).sorted()
            return keys.flatMap { key -> [String] in
                let childPath = JSONPath.appending(key: key, to: path)
                switch (old[key], new[key]) {
                case (let a?, let b?): return differences(before: a, now: b, path: childPath)
                case (let a?, nil): return ["\(DisplayText.sanitized(childPath)): \(DisplayText.value(a)) → (absent)"]
                case (nil, let b?): return ["\(DisplayText.sanitized(childPath)): (absent) → \(DisplayText.value(b))"]
                case (nil, nil): return []
                }
            }
        }
        // JSONValue compares strings by their exact Unicode scalars, as names are matched.
        return before == now
            ? []
            : [
                "\(DisplayText.sanitized(JSONPath.display(path))): \(DisplayText.value(before)) → \(DisplayText.value(now))"
            ]
    }
}

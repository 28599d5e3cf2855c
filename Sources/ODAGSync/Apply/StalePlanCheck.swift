import ODAGCore

/// Checks a saved plan against the live links read again before applying it (SPEC §6): any planned
/// link that changed, disappeared or appeared since makes the plan stale, and nothing is applied.
public enum StalePlanCheck {
    /// One line per planned link that is no longer as planned, naming it and what changed. A planned
    /// create is stale when a link of that name now exists in `scope`.
    public static func problems(plan: Plan, live: [OdagLink], scope: LinkScope) -> [String] {
        var byId: [String: OdagLink] = [:]
        var byName: [String: [OdagLink]] = [:]
        for link in live {
            if let id = link.id { byId[id.lowercased()] = link }
            if scope.contains(link) { byName[link.name ?? "", default: []].append(link) }
        }
        var problems: [String] = []
        for change in plan.changes {
            switch change.action {
            case .create:
                if let appeared = byName[change.name]?.first {
                    problems.append(
                        "link \(quote(change.name)) appeared on the server since the plan was made (id \(appeared.id ?? "unknown"))"
                    )
                }
            case .update, .replace, .delete:
                guard let id = change.id else { continue }
                guard let now = byId[id.lowercased()] else {
                    problems.append("link \(quote(change.name)) (id \(id)) was deleted since the plan was made")
                    continue
                }
                guard let before = change.before, before != now.json else { continue }
                let differences = differences(before: before, now: now.json)
                let detail = differences.isEmpty ? "" : ": " + differences.joined(separator: "; ")
                problems.append("link \(quote(change.name)) (id \(id)) changed since the plan was made\(detail)")
            }
        }
        return problems
    }

    /// Leaf differences between two versions of a link, as `path: before → after`.
    static func differences(before: JSONValue, now: JSONValue, path: String = "") -> [String] {
        if case .object(let old) = before, case .object(let new) = now {
            let keys = Set(old.keys).union(new.keys).sorted()
            return keys.flatMap { key -> [String] in
                let childPath = JSONPath.appending(key: key, to: path)
                switch (old[key], new[key]) {
                case (let a?, let b?): return differences(before: a, now: b, path: childPath)
                case (let a?, nil): return ["\(childPath): \(a.snippet()) → (absent)"]
                case (nil, let b?): return ["\(childPath): (absent) → \(b.snippet())"]
                case (nil, nil): return []
                }
            }
        }
        return before == now ? [] : ["\(JSONPath.display(path)): \(before.snippet()) → \(now.snippet())"]
    }
}

import ODAGCore

extension PropertyComparison {
    /// ``certainlyUnchanged(declared:live:path:ignore:)`` for the declared `properties` against the live
    /// link's decoded properties, read field by field: building the live properties' JSON costs more than
    /// the comparison itself, and an unchanged link never needs it. `ignore` is consulted only for a member
    /// that differs (or may), so an unchanged link builds no paths either, nor a set of its ignore list.
    static func certainlyUnchanged(declared: JSONValue, live: OdagLinkProperties?, ignore: [String]) -> Bool {
        guard let live, case .object(let members) = declared else { return false }
        for (key, value) in members {
            let same: Bool
            switch key {
            case "rowEstExpr": same = value == live.rowEstExpr.map(JSONValue.string)
            case "genAppAccessible": same = value == live.genAppAccessible.map(JSONValue.bool)
            case "publishTo": same = value == live.publishTo.map(JSONValue.string)
            case bindingsKey: same = sameBindingsInOrder(value, live.bindings)
            case "retention": same = sameRetention(value, live.retention)
            default: same = certainlyUnchanged(declared: value, live: live.extra[key], path: nil, ignore: [])
            }
            if same { continue }
            guard !ignore.isEmpty else { return false }
            // The member differs, or may: it is still unchanged if `ignore` names it, or names every
            // part of it that differs.
            let path = JSONPath.appending(key: key, to: bindingsParent)
            if ignore.contains(path) { continue }
            let liveValue: JSONValue?
            switch key {
            case "rowEstExpr", "genAppAccessible", "publishTo", bindingsKey: return false
            case "retention": liveValue = live.retention?.json
            default: liveValue = live.extra[key]
            }
            guard certainlyUnchanged(declared: value, live: liveValue, path: path, ignore: Set(ignore)) else {
                return false
            }
        }
        return true
    }

    /// Whether the declared bindings are the live ones in the same order over the compared members
    /// (reordered bindings answer `false`, and the full comparison decides).
    static func sameBindingsInOrder(_ declared: JSONValue, _ live: [OdagBinding]?) -> Bool {
        guard case .array(let declaredList) = declared, let live, declaredList.count == live.count else { return false }
        // By index, reading each live binding's fields in place: zipping the arrays copied every binding.
        for index in declaredList.indices {
            guard case .object(let members) = declaredList[index] else { return false }
            // Walking the few members beats hashing each compared key.
            var stated = (selectionField: false, templateField: false, selectionType: false)
            for (key, value) in members {
                switch key {
                case "selectionField":
                    guard same(value, live[index].selectionField) else { return false }
                    stated.selectionField = true
                case "templateField":
                    guard same(value, live[index].templateField) else { return false }
                    stated.templateField = true
                case "selectionType":
                    guard same(value, live[index].selectionType) else { return false }
                    stated.selectionType = true
                default:
                    continue
                }
            }
            guard stated.selectionField || live[index].selectionField == nil,
                stated.templateField || live[index].templateField == nil,
                stated.selectionType || live[index].selectionType == nil
            else { return false }
        }
        return true
    }

    /// Whether the declared retention equals the live one in every member it states (no `ignore` paths).
    static func sameRetention(_ declared: JSONValue, _ live: OdagRetention?) -> Bool {
        guard case .object(let members) = declared, let live else { return false }
        for (key, value) in members {
            switch key {
            case "maxAge": guard value == live.maxAge.map(JSONValue.int) else { return false }
            case "maxCount": guard value == live.maxCount.map(JSONValue.int) else { return false }
            default:
                guard certainlyUnchanged(declared: value, live: live.extra[key], path: nil, ignore: []) else {
                    return false
                }
            }
        }
        return true
    }

    /// Whether a declared binding member is written as the same JSON text as the live field.
    private static func same(_ declared: JSONValue?, _ live: String?) -> Bool {
        switch (declared, live) {
        case (nil, nil): return true
        case (.string(let a)?, let b?): return sameBytes(a, b)
        default: return false
        }
    }
}

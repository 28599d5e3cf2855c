import ODAGCore

extension PropertyComparison {
    /// ``certainlyUnchanged(declared:live:path:ignore:)`` for the declared `properties` against the live
    /// link's decoded properties, read field by field: building the live properties' JSON costs more than
    /// the comparison itself, and an unchanged link never needs it.
    static func certainlyUnchanged(declared: JSONValue, live: OdagLinkProperties?, ignore: Set<String>) -> Bool {
        guard let live, case .object(let members) = declared else { return false }
        for (key, value) in members {
            let path: String? = ignore.isEmpty ? nil : JSONPath.appending(key: key, to: bindingsParent)
            if let path, ignore.contains(path) { continue }
            let same: Bool
            switch key {
            case "rowEstExpr": same = value == live.rowEstExpr.map(JSONValue.string)
            case "genAppAccessible": same = value == live.genAppAccessible.map(JSONValue.bool)
            case "publishTo": same = value == live.publishTo.map(JSONValue.string)
            case bindingsKey: same = sameBindingsInOrder(value, live.bindings)
            case "retention" where path == nil:
                same = sameRetention(value, live.retention)
            case "retention":
                same = certainlyUnchanged(declared: value, live: live.retention?.json, path: path, ignore: ignore)
            default:
                same = certainlyUnchanged(declared: value, live: live.extra[key], path: path, ignore: ignore)
            }
            guard same else { return false }
        }
        return true
    }

    /// Whether the declared bindings are the live ones in the same order over the compared members
    /// (reordered bindings answer `false`, and the full comparison decides).
    static func sameBindingsInOrder(_ declared: JSONValue, _ live: [OdagBinding]?) -> Bool {
        guard case .array(let declaredList) = declared, let live, declaredList.count == live.count else { return false }
        for (binding, liveBinding) in zip(declaredList, live) {
            guard case .object(let members) = binding else { return false }
            // Walking the few members beats hashing each compared key.
            var stated = (selectionField: false, templateField: false, selectionType: false)
            for (key, value) in members {
                switch key {
                case "selectionField":
                    guard same(value, liveBinding.selectionField) else { return false }
                    stated.selectionField = true
                case "templateField":
                    guard same(value, liveBinding.templateField) else { return false }
                    stated.templateField = true
                case "selectionType":
                    guard same(value, liveBinding.selectionType) else { return false }
                    stated.selectionType = true
                default:
                    continue
                }
            }
            guard stated.selectionField || liveBinding.selectionField == nil,
                stated.templateField || liveBinding.templateField == nil,
                stated.selectionType || liveBinding.selectionType == nil
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

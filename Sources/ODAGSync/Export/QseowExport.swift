import ODAGCore

/// The qseow half of ``Exporter``: a live link in Qlik's shape as a declaration that validates and plans
/// to no changes against the same server.
///
/// Only what a user would declare is written: a binding's `templateAppVarName`, `selectAppParamType` and
/// `selectAppParamName` (the server fills the rest from the template's script, and the planner compares
/// a binding on the fields it states), and each documented property key's values without the read-only
/// `streamName`/`sheetName`. A value the manifest format cannot state (a binding without a template
/// variable, a property value without a context) leaves its field unmanaged, listed in `ignore`.
enum QseowExport {
    /// What every qseow export tells its reader.
    static let selectionAppNote =
        "Qlik never returns a link's selection app, so the manifests have no \"selectionApp\": add it to a "
        + "declaration before the link has to be created again (on another server, or after it was retired)"

    /// Whether `link` was retired (decommissioned): invisible to planning, so not exported.
    static func isRetired(_ link: OdagLink) -> Bool {
        link.status == "decommissioned"
    }

    /// The declaration of `link` (named `name`, with the template app `template`); what cannot be declared
    /// is ignored and said in `notes`.
    static func declaration(_ link: OdagLink, name: String, template: String, notes: inout [String])
        -> [String: JSONValue]
    {
        var declaration: [String: JSONValue] = ["name": .string(name), "templateApp": .string(template)]
        var ignore: [String] = []
        let state = link.qseow
        if let rowEstExpr = state?.rowEstExpr { declaration["rowEstExpr"] = .string(rowEstExpr) }
        if let dynamicView = state?.dynamicView { declaration["dynamicView"] = .bool(dynamicView) }
        if let status = link.status {
            if QseowManifestSchema.statuses.contains(status) {
                declaration["status"] = .string(status)
            } else {
                notes.append(
                    "link \(quoted(name)) is \(quoted(status)), which a manifest cannot declare; its status is left "
                        + "unmanaged")
            }
        }
        if let bindings = state?.bindings {
            if let declared = self.bindings(bindings) {
                declaration["bindings"] = .array(declared)
            } else {
                ignore.append("bindings")
                notes.append(
                    "link \(quoted(name)) has bindings a manifest cannot state (each needs its own "
                        + "templateAppVarName); they are left unmanaged (ignore: \"bindings\")")
            }
        }
        var properties: [String: JSONValue] = [:]
        for (key, value) in (state?.properties ?? [:]).sorted(by: { $0.key < $1.key }) {
            // An undocumented key is kept by every update anyway; declaring it would only add a warning.
            guard let fields = QseowManifestSchema.propertyFields[key], !value.isNull else { continue }
            if let elements = propertyValues(value, fields: fields) {
                properties[key] = .array(elements)
            } else {
                ignore.append("properties." + key)
                notes.append(
                    "link \(quoted(name)) has \(key) values a manifest cannot state (each needs its own "
                        + "context); they are left unmanaged (ignore: \"properties.\(key)\")")
            }
        }
        if !properties.isEmpty { declaration["properties"] = .object(properties) }
        if !ignore.isEmpty { declaration["ignore"] = .array(ignore.map(JSONValue.string)) }
        return declaration
    }

    /// The bindings as declared (the three fields a user states, those the server has), or `nil` when
    /// one has no usable template variable or two bind the same one.
    static func bindings(_ live: [JSONValue]) -> [JSONValue]? {
        var seen: Set<String> = []
        var declared: [JSONValue] = []
        for binding in live {
            guard case .string(let variable)? = binding["templateAppVarName"], !variable.isEmpty,
                seen.insert(variable).inserted
            else { return nil }
            var members: [String: JSONValue] = ["templateAppVarName": .string(variable)]
            if case .string(let type)? = binding["selectAppParamType"], QseowManifestSchema.paramTypes.contains(type) {
                members["selectAppParamType"] = .string(type)
            }
            if case .string(let parameter)? = binding["selectAppParamName"] {
                members["selectAppParamName"] = .string(parameter)
            }
            declared.append(.object(members))
        }
        return declared
    }

    /// A property key's per-context values as declared: `context` and the members the manifest format
    /// states with a value it accepts (read-only ones left out); `nil` when a value has no usable context
    /// or two share one.
    static func propertyValues(_ value: JSONValue, fields: [(name: String, type: QseowManifestSchema.FieldType)])
        -> [JSONValue]?
    {
        guard case .array(let elements) = value else { return nil }
        var contexts: Set<String> = []
        var declared: [JSONValue] = []
        for element in elements {
            guard case .string(let context)? = element["context"], !context.isEmpty, contexts.insert(context).inserted
            else { return nil }
            var members: [String: JSONValue] = ["context": .string(context)]
            for (name, type) in fields {
                guard let member = element[name], accepts(member, as: type) else { continue }
                // `5.0` is written as the integer it is.
                if case .integer = type {
                    members[name] = member.intValue.map(JSONValue.int)
                } else {
                    members[name] = member
                }
            }
            declared.append(.object(members))
        }
        return declared
    }

    /// Whether validation accepts `value` for a member of `type` (read-only members are never declared).
    private static func accepts(_ value: JSONValue, as type: QseowManifestSchema.FieldType) -> Bool {
        switch (type, value) {
        case (.string, .string): return true
        case (.integer(let minimum), _): return value.intValue.map { $0 >= minimum } ?? false
        case (.boolean, .bool): return true
        case (.strings, .array(let items)): return items.allSatisfy { $0.stringValue != nil }
        case (.retentionTime, .string(let text)): return text == "unlimited" || ManifestChecker.isDuration(text)
        default: return false
        }
    }
}

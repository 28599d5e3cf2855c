import ODAGCore

/// Qlik's `LinkAddPayload` and `LinkModifyPayload`, checked strictly: only the documented keys, each of
/// its documented type, so a client that sends anything else learns it here rather than from a real server.
enum QseowPayload {
    /// A checked `POST /links` body.
    struct Add: Sendable {
        var name: String
        var selectionApp: String
        var templateApp: String?
        var statusSetting: String?
        /// The link members it sets, server-side fields filled (`name` included).
        var fields: [String: JSONValue]
    }

    /// A checked `PUT /links/{id}` body.
    struct Modify: Sendable {
        var modifiedDate: String
        var templateApp: String?
        var statusSetting: String?
        /// The link members it sets, server-side fields filled.
        var fields: [String: JSONValue]
    }

    static let addKeys = [
        "name", "selectionApp", "templateApp", "statusSetting", "dynamicView", "rowEstExpr", "bindings", "properties",
        "modelGroups",
    ]
    static let modifyKeys = [
        "modifiedDate", "name", "templateApp", "statusSetting", "dynamicView", "rowEstExpr", "bindings", "properties",
        "modelGroups",
    ]
    static let bindingKeys = [
        "templateAppVarName", "selectAppParamType", "selectAppParamName", "selectionStates", "numericOnly",
        "formatting",
        "range",
    ]
    static let paramTypes = ["Field", "Variable", "Property", "Exclude"]
    /// Members of property elements the server fills and a client must not send.
    static let readOnlyPropertyFields = ["publishTo": "streamName", "targetSheet": "sheetName"]

    static func add(_ body: JSONValue) throws(EmulatorAPIError) -> Add {
        let members = try object(body, keys: addKeys, what: "the link add payload (LinkAddPayload)")
        guard let name = members["name"] else { throw .badRequest("name: is required to create a link") }
        guard let selectionApp = members["selectionApp"] else {
            throw .badRequest("selectionApp: is required to create a link (the selection app's id)")
        }
        var add = Add(
            name: try nonEmptyString(name, "name"), selectionApp: try appId(selectionApp, "selectionApp"),
            templateApp: try members["templateApp"].map { (value) throws(EmulatorAPIError) in
                try appId(value, "templateApp")
            },
            statusSetting: try members["statusSetting"].map { (value) throws(EmulatorAPIError) in
                try oneOf(value, "statusSetting", ["activate", "disable"])
            },
            fields: try fields(members))
        add.fields["name"] = .string(add.name)
        return add
    }

    static func modify(_ body: JSONValue) throws(EmulatorAPIError) -> Modify {
        let members = try object(body, keys: modifyKeys, what: "the link modify payload (LinkModifyPayload)")
        guard let modifiedDate = members["modifiedDate"] else {
            throw .badRequest("modifiedDate: is required to modify a link (send the link's modifiedDate as read)")
        }
        guard let date = modifiedDate.stringValue else {
            throw .badRequest("modifiedDate: expected a string, found \(modifiedDate.snippet())")
        }
        if let name = members["name"] { _ = try nonEmptyString(name, "name") }
        return Modify(
            modifiedDate: date,
            templateApp: try members["templateApp"].map { (value) throws(EmulatorAPIError) in
                try appId(value, "templateApp")
            },
            statusSetting: try members["statusSetting"].map { (value) throws(EmulatorAPIError) in
                try oneOf(value, "statusSetting", ["activate", "disable", "decommission"])
            },
            fields: try fields(members))
    }

    /// A checked `selAppLinkUsages` body: `{"linkList": [ids]}`.
    static func linkList(_ body: JSONValue) throws(EmulatorAPIError) -> [String] {
        let members = try object(body, keys: ["linkList"], what: "the link usage query")
        guard let list = members["linkList"] else { throw .badRequest("linkList: is required") }
        guard case .array(let elements) = list else {
            throw .badRequest("linkList: expected an array of link ids, found \(list.snippet())")
        }
        var ids: [String] = []
        for (index, element) in elements.enumerated() {
            guard let id = element.stringValue else {
                throw .badRequest("linkList[\(index)]: expected a link id, found \(element.snippet())")
            }
            ids.append(id)
        }
        return ids
    }

    // MARK: - Members

    /// The members of the payload that become link members, checked and with the server's fields filled.
    private static func fields(_ members: [String: JSONValue]) throws(EmulatorAPIError) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        if let name = members["name"] { fields["name"] = name }
        if let value = members["dynamicView"] {
            guard value.boolValue != nil else { throw mismatch("dynamicView", "a boolean", value) }
            fields["dynamicView"] = value
        }
        if let value = members["rowEstExpr"] {
            guard value.stringValue != nil else { throw mismatch("rowEstExpr", "a string", value) }
            fields["rowEstExpr"] = value
        }
        if let value = members["modelGroups"] {
            guard let groups = value.arrayValue, groups.allSatisfy({ $0.stringValue != nil }) else {
                throw mismatch("modelGroups", "an array of strings", value)
            }
            fields["modelGroups"] = value
        }
        if let value = members["bindings"] { fields["bindings"] = try bindings(value) }
        if let value = members["properties"] { fields["properties"] = try properties(value) }
        return fields
    }

    /// Qlik's `Binding`s, with `selectionStates` `"SO"` and `numericOnly` `false` filled when not sent.
    private static func bindings(_ value: JSONValue) throws(EmulatorAPIError) -> JSONValue {
        guard case .array(let elements) = value else { throw mismatch("bindings", "an array of bindings", value) }
        var filled: [JSONValue] = []
        for (index, element) in elements.enumerated() {
            let path = "bindings[\(index)]"
            var binding = try object(element, keys: bindingKeys, what: path)
            for key in ["templateAppVarName", "selectAppParamType"] where binding[key] == nil {
                throw .badRequest("\(path).\(key): is required")
            }
            for key in ["templateAppVarName", "selectAppParamName"] {
                if let field = binding[key], field.stringValue == nil {
                    throw mismatch("\(path).\(key)", "a string", field)
                }
            }
            if let type = binding["selectAppParamType"] {
                _ = try oneOf(type, "\(path).selectAppParamType", paramTypes)
            }
            if let states = binding["selectionStates"] {
                guard let text = states.stringValue, !text.isEmpty, text.allSatisfy({ $0 == "S" || $0 == "O" }) else {
                    throw mismatch("\(path).selectionStates", "the letters S and O (such as \"SO\")", states)
                }
            }
            if let numeric = binding["numericOnly"], numeric.boolValue == nil {
                throw mismatch("\(path).numericOnly", "a boolean", numeric)
            }
            if let formatting = binding["formatting"] {
                let members = try object(formatting, keys: ["delimiter", "quote"], what: "\(path).formatting")
                for (key, field) in members where field.stringValue == nil {
                    throw mismatch("\(path).formatting.\(key)", "a string", field)
                }
            }
            if let range = binding["range"] {
                let members = try object(range, keys: ["lowerBound", "upperBound"], what: "\(path).range")
                for (key, field) in members where field.intValue == nil {
                    throw mismatch("\(path).range.\(key)", "an integer", field)
                }
            }
            if binding["selectionStates"] == nil { binding["selectionStates"] = "SO" }
            if binding["numericOnly"] == nil { binding["numericOnly"] = false }
            filled.append(.object(binding))
        }
        return .array(filled)
    }

    /// `LinkProperties`: every key an array of objects naming their `context` (keys Qlik adds later pass
    /// through); `publishTo` and `targetSheet` elements get their read-only names.
    private static func properties(_ value: JSONValue) throws(EmulatorAPIError) -> JSONValue {
        guard case .object(let members) = value else {
            throw mismatch("properties", "an object of per-context arrays", value)
        }
        var filled: [String: JSONValue] = [:]
        for (key, list) in members {
            let path = "properties.\(key)"
            guard case .array(let elements) = list else {
                throw mismatch(path, "an array of per-context values ([{\"context\": …}])", list)
            }
            var out: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                let at = "\(path)[\(index)]"
                guard case .object(var fields) = element else { throw mismatch(at, "an object", element) }
                guard let context = fields["context"] else { throw .badRequest("\(at).context: is required") }
                guard context.stringValue != nil else { throw mismatch("\(at).context", "a string", context) }
                if let readOnly = readOnlyPropertyFields[key] {
                    guard fields[readOnly] == nil else {
                        throw .badRequest("\(at).\(readOnly): is read-only (the server fills it)")
                    }
                    let idKey = key == "publishTo" ? "streamId" : "sheetId"
                    guard let id = fields[idKey]?.stringValue else {
                        throw .badRequest("\(at).\(idKey): is required (a string)")
                    }
                    fields[readOnly] = .string((key == "publishTo" ? "Stream " : "Sheet ") + id.prefix(8))
                }
                out.append(.object(fields))
            }
            filled[key] = .array(out)
        }
        return .object(filled)
    }

    // MARK: - Checks

    /// The members of an object, `400` naming the first unknown key.
    private static func object(_ value: JSONValue, keys: [String], what: String) throws(EmulatorAPIError)
        -> [String: JSONValue]
    {
        guard case .object(let members) = value else {
            throw .badRequest("\(what): expected an object, found \(value.snippet())")
        }
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) {
            throw .badRequest(
                "unknown member \(JSONWriter.string(.string(unknown))) in \(what) (allowed: \(keys.joined(separator: ", ")))"
            )
        }
        return members
    }

    private static func nonEmptyString(_ value: JSONValue, _ path: String) throws(EmulatorAPIError) -> String {
        guard let text = value.stringValue else { throw mismatch(path, "a string", value) }
        guard !text.isEmpty else { throw .badRequest("\(path): must not be empty") }
        return text
    }

    private static func appId(_ value: JSONValue, _ path: String) throws(EmulatorAPIError) -> String {
        guard let id = value.stringValue, ODAGUUID.isValid(id) else {
            throw mismatch(path, "an app id (a UUID string)", value)
        }
        return id
    }

    private static func oneOf(_ value: JSONValue, _ path: String, _ choices: [String]) throws(EmulatorAPIError)
        -> String
    {
        guard let text = value.stringValue, choices.contains(text) else {
            throw mismatch(path, "one of \(choices.joined(separator: ", "))", value)
        }
        return text
    }

    private static func mismatch(_ path: String, _ expected: String, _ value: JSONValue) -> EmulatorAPIError {
        .badRequest("\(path): expected \(expected), found \(value.snippet())")
    }
}

import ODAGCore

/// The bodies a `qseow` plan sends, exactly as Qlik documents them: `LinkAddPayload` for
/// `POST /links`, `LinkModifyPayload` for `PUT /links/{id}`, and the retire (`decommission`) PUT.
public enum QseowPayloads {
    /// The members of Qlik's `LinkModifyPayload`; a modify body has no other.
    public static let modifyKeys: Set<String> = [
        "modifiedDate", "name", "templateApp", "dynamicView", "rowEstExpr", "bindings", "properties", "modelGroups",
        "statusSetting",
    ]

    /// The `POST /links` body (`LinkAddPayload`): `name`, `selectionApp` and `templateApp` (ids as
    /// strings), the declared `rowEstExpr`, `bindings`, `dynamicView` and `properties` (read-only
    /// `streamName`/`sheetName` left out), and `statusSetting` `"disable"` when the declaration is
    /// `disabled` (Qlik activates a new link by default). `nil` when the declaration names no
    /// `selectionApp`, without which Qlik cannot create a link.
    public static func create(declaration: DeclaredLink) -> JSONValue? {
        guard let selectionApp = declaration.selectionAppId, !selectionApp.isEmpty else { return nil }
        let fields = declaration.qseow ?? QseowDeclaredFields()
        var body: [String: JSONValue] = [
            "name": .string(declaration.name), "selectionApp": .string(selectionApp),
            "templateApp": .string(declaration.templateAppId),
        ]
        if let rowEstExpr = fields.rowEstExpr { body["rowEstExpr"] = .string(rowEstExpr) }
        if let bindings = fields.bindings { body["bindings"] = .array(bindings) }
        if let dynamicView = fields.dynamicView { body["dynamicView"] = .bool(dynamicView) }
        if let properties = fields.properties {
            body["properties"] = .object(properties.mapValues(withoutReadOnlyElements))
        }
        if fields.status == "disabled" { body["statusSetting"] = "disable" }
        return .object(body)
    }

    /// The `PUT /links/{id}` body (`LinkModifyPayload`) that makes `live` what `declaration` states,
    /// losing nothing undeclared: `modifiedDate` exactly as read, the declared `name`, and `templateApp`
    /// (an id string), `dynamicView`, `rowEstExpr`, `bindings`, `properties` and `modelGroups` each as
    /// live, overlaid with the declared value (a declared binding over the live binding it pairs with, a
    /// declared property element over the live element of its `context`, undeclared property keys kept,
    /// read-only `streamName`/`sheetName` left out). A status to change adds `statusSetting`
    /// (`activate` or `disable`), which the executor sends in a PUT of its own.
    ///
    /// Also what `apply` rebuilds after a PUT refused for a stale `modifiedDate`, from the link read
    /// again. `nil` when `live` was not read in Qlik's shape (``OdagLink/qseow`` is `nil`).
    public static func modify(declaration: DeclaredLink, live: OdagLink) -> JSONValue? {
        guard live.qseow != nil else { return nil }
        return modifyBody(declaration: declaration, live: live)
    }

    /// The retire body of a live link (pruning in `qseow`: Qlik documents no link DELETE):
    /// `{"modifiedDate": <as read>, "statusSetting": "decommission"}`.
    public static func retire(live: OdagLink) -> JSONValue {
        var body: [String: JSONValue] = ["statusSetting": "decommission"]
        body["modifiedDate"] = live.qseow?.wire["modifiedDate"] ?? live.modifiedDate.map(JSONValue.string)
        return .object(body)
    }

    /// ``modify(declaration:live:)`` for a live link known to be in Qlik's shape.
    static func modifyBody(declaration: DeclaredLink, live: OdagLink) -> JSONValue {
        let fields = declaration.qseow ?? QseowDeclaredFields()
        let ignore = Set(declaration.ignore)
        let wire = live.qseow?.wire.objectValue ?? [:]
        var body: [String: JSONValue] = ["name": .string(declaration.name)]
        if let modifiedDate = wire["modifiedDate"] { body["modifiedDate"] = modifiedDate }
        let templateApp = ignore.contains("templateApp") ? live.templateAppId : declaration.templateAppId
        body["templateApp"] = templateApp.map(JSONValue.string)
        body["rowEstExpr"] =
            declared(fields.rowEstExpr.map(JSONValue.string), "rowEstExpr", ignore) ?? wire["rowEstExpr"]
        body["dynamicView"] =
            declared(fields.dynamicView.map(JSONValue.bool), "dynamicView", ignore) ?? wire["dynamicView"]
        body["modelGroups"] = wire["modelGroups"]
        if let bindings = fields.bindings, !ignore.contains("bindings") {
            let liveBindings = live.qseow?.bindings ?? []
            let pairs = QseowElements.bindingPairs(declared: bindings, live: liveBindings)
            body["bindings"] = .array(
                bindings.indices.map { QseowElements.overlay(bindings[$0], on: pairs[$0].map { liveBindings[$0] }) })
        } else {
            body["bindings"] = wire["bindings"]
        }
        body["properties"] = properties(declared: fields.properties, live: live.qseow?.properties, ignore: ignore)
        if let status = fields.status, !ignore.contains("status"), status != live.status {
            body["statusSetting"] = status == "disabled" ? "disable" : "activate"
        }
        return .object(body)
    }

    /// The value to send for a declared field, or `nil` when it is not declared or ignored.
    private static func declared(_ value: JSONValue?, _ path: String, _ ignore: Set<String>) -> JSONValue? {
        ignore.contains(path) ? nil : value
    }

    /// The live properties with each declared (not ignored) key's array replaced by the declared
    /// elements, each over the live element of its `context`; read-only members left out everywhere.
    /// `nil` when neither side has properties.
    private static func properties(
        declared: [String: JSONValue]?, live: [String: JSONValue]?, ignore: Set<String>
    ) -> JSONValue? {
        guard declared != nil || live != nil else { return nil }
        var merged = live ?? [:]
        for (key, value) in declared ?? [:] where !ignore.contains(JSONPath.appending(key: key, to: "properties")) {
            guard case .array(let elements) = value, case .array(let liveElements) = merged[key] ?? .array([]) else {
                merged[key] = value
                continue
            }
            let pairs = QseowElements.contextPairs(declared: elements, live: liveElements)
            merged[key] = .array(
                elements.indices.map { QseowElements.overlay(elements[$0], on: pairs[$0].map { liveElements[$0] }) })
        }
        return .object(merged.mapValues(withoutReadOnlyElements))
    }

    /// A property value with read-only members left out of each of its elements.
    private static func withoutReadOnlyElements(_ value: JSONValue) -> JSONValue {
        guard case .array(let elements) = value else { return value }
        return .array(elements.map(QseowElements.withoutReadOnly))
    }
}

/// The members of a link (Qlik's `LinkStateFull`) that only the `qseow` flavour has, read strictly, with
/// the whole object kept exactly as the server sent it.
///
/// The shared members (`id`, `name`, `modifiedDate`, `status`, the owner as `DIRECTORY\userId`, the
/// template app's id) live in ``OdagLink`` itself, so matching, scope and pruning treat both flavours
/// alike.
public struct QseowLinkState: Sendable, Hashable {
    /// `rowEstExpr`: the expression that estimates the generated app's rows.
    public var rowEstExpr: String?
    /// `bindings`: each an object (Qlik's `Binding`), as sent.
    public var bindings: [JSONValue]?
    /// `dynamicView`: whether the link is a dynamic view.
    public var dynamicView: Bool?
    /// `properties`: each key's per-context array (Qlik's `LinkProperties`), as sent.
    public var properties: [String: JSONValue]?
    /// The owner object (`{id, userId, userDirectory, name}`), as sent.
    public var ownerObject: JSONValue?
    /// The template app object (`AppStateCondensed`), or its id when the server sent a string.
    public var templateApp: JSONValue?
    /// The whole link, exactly as read: the `before` of a plan and the base of every modify payload.
    public var wire: JSONValue

    /// The property keys Qlik documents for `LinkProperties`; a key outside this list is passed through.
    public static let documentedPropertyKeys: Set<String> = [
        "rowEstRange", "menuLabel", "engineGroup", "genAppName", "genAppLimit", "overrideGenAppLimit", "limitPolicy",
        "appRetentionTime", "publishTo", "reloadSchedule", "appOpenMethod", "cacheExpiry", "ephemeral", "disable",
        "hide", "targetSheet",
    ]

    /// The statuses Qlik documents for a link.
    public static let statuses: Set<String> = ["active", "disabled", "decommissioned", "incomplete"]

    /// Reads the qseow members of `json` (a `LinkStateFull`); `path` names it in errors.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        rowEstExpr = try reader.string("rowEstExpr")
        bindings = try reader.array("bindings") { (value, at) throws(ModelError) in
            _ = try JSONObjectReader(value, path: at)
            return value
        }
        dynamicView = try reader.bool("dynamicView")
        properties = try Self.properties(reader)
        ownerObject = try reader.object("owner")
        if let owner = ownerObject {
            let ownerReader = try JSONObjectReader(owner, path: JSONPath.appending(key: "owner", to: path))
            _ = try ownerReader.string("userId")
            _ = try ownerReader.string("userDirectory")
        }
        templateApp = try reader.value("templateApp").map { (value) throws(ModelError) in
            if case .string = value { return value }
            let app = try JSONObjectReader(value, path: JSONPath.appending(key: "templateApp", to: path))
            _ = try app.requiredString("id")
            return value
        }
        wire = json
    }

    /// `properties`, each documented key checked to be an array of objects that name their `context`.
    private static func properties(_ reader: JSONObjectReader) throws(ModelError) -> [String: JSONValue]? {
        guard let object = try reader.object("properties"), case .object(let members) = object else { return nil }
        let base = JSONPath.appending(key: "properties", to: reader.path)
        for (key, value) in members where documentedPropertyKeys.contains(key) && !value.isNull {
            let keyPath = JSONPath.appending(key: key, to: base)
            guard case .array(let elements) = value else {
                throw ModelError(
                    path: keyPath,
                    message:
                        "expected an array of per-context values, found \(value.kindDescription) \(value.snippet())")
            }
            for (index, element) in elements.enumerated() {
                let elementReader = try JSONObjectReader(element, path: JSONPath.appending(index: index, to: keyPath))
                _ = try elementReader.requiredString("context")
            }
        }
        return members
    }

    /// The owner as `DIRECTORY\userId`, the form scopes name owners in.
    public var ownerName: String? {
        guard let owner = ownerObject, let userId = owner["userId"]?.stringValue else { return nil }
        guard let directory = owner["userDirectory"]?.stringValue, !directory.isEmpty else { return userId }
        return directory + "\\" + userId
    }

    /// The template app's id.
    public var templateAppId: String? {
        if case .string(let id) = templateApp { return id }
        return templateApp?["id"]?.stringValue
    }
}

extension OdagLink {
    /// Reads a link in Qlik's shape (`LinkStateFull`): the shared members into the link, the rest into
    /// ``qseow``. Qlik never returns the selection app, so ``selectionAppId`` stays `nil`.
    public init(qseowJSON json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        let state = try QseowLinkState(json: json, path: path)
        self.init(
            id: try reader.requiredString("id"), createdDate: try reader.string("createdDate"),
            modifiedDate: try reader.string("modifiedDate"), name: try reader.requiredString("name"),
            templateAppId: state.templateAppId, owner: state.ownerName, status: try reader.string("status"))
        qseow = state
    }

    /// Reads a `GET /links` answer in Qlik's shape: a bare array of links.
    public static func qseowList(json: JSONValue) throws(ModelError) -> [OdagLink] {
        try list(json: json) { (element, path) throws(ModelError) in try OdagLink(qseowJSON: element, path: path) }
    }
}

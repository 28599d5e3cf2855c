/// The body of `POST /links` (`OdagLinkCreate`).
public struct OdagLinkCreate: Sendable, Hashable {
    /// The link's name.
    public var name: String
    /// The selection app's id.
    public var selectionAppId: String
    /// The template app's id.
    public var templateAppId: String
    /// The link's settings.
    public var properties: OdagLinkProperties?
    /// Members the API document does not name (kept when read; a client sends none).
    public var extra: [String: JSONValue]

    /// Creates a create request.
    public init(
        name: String, selectionAppId: String, templateAppId: String, properties: OdagLinkProperties? = nil,
        extra: [String: JSONValue] = [:]
    ) {
        self.name = name
        self.selectionAppId = selectionAppId
        self.templateAppId = templateAppId
        self.properties = properties
        self.extra = extra
    }

    static let knownKeys: Set<String> = ["name", "selectionAppId", "templateAppId", "properties"]

    /// Reads and checks a create request: `name`, `selectionAppId` and `templateAppId` are required.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        name = try reader.requiredString("name")
        selectionAppId = try reader.requiredUUID("selectionAppId")
        templateAppId = try reader.requiredUUID("templateAppId")
        properties = try reader.model("properties") { (v, p) throws(ModelError) in
            try OdagLinkProperties(json: v, path: p)
        }
        extra = reader.extra(excluding: Self.knownKeys)
    }

    /// The create request as JSON.
    public var json: JSONValue {
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("name", name)
        builder.set("selectionAppId", selectionAppId)
        builder.set("templateAppId", templateAppId)
        builder.set("properties", properties?.json)
        return builder.json
    }
}

/// The body of `PUT /links/{linkId}` (`OdagLinkUpdate`): only the name and the properties can change.
public struct OdagLinkUpdate: Sendable, Hashable {
    /// The new name.
    public var name: String?
    /// The new properties (they replace the stored ones).
    public var properties: OdagLinkProperties?
    /// Members the API document does not name (kept when read; a client sends none).
    public var extra: [String: JSONValue]

    /// Creates an update.
    public init(name: String? = nil, properties: OdagLinkProperties? = nil, extra: [String: JSONValue] = [:]) {
        self.name = name
        self.properties = properties
        self.extra = extra
    }

    static let knownKeys: Set<String> = ["name", "properties"]

    /// Reads an update from JSON; `path` names it in errors.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        name = try reader.string("name")
        properties = try reader.model("properties") { (v, p) throws(ModelError) in
            try OdagLinkProperties(json: v, path: p)
        }
        extra = reader.extra(excluding: Self.knownKeys)
    }

    /// The update as JSON.
    public var json: JSONValue {
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("name", name)
        builder.set("properties", properties?.json)
        return builder.json
    }
}

/// A navigation link as the server returns it (`OdagLink`), with every member the server sent.
public struct OdagLink: Sendable, Hashable {
    /// The link's id (a UUID).
    public var id: String?
    /// When the link was created (ISO 8601).
    public var createdDate: String?
    /// When the link was last modified (ISO 8601).
    public var modifiedDate: String?
    /// The link's name.
    public var name: String?
    /// The selection app's id.
    public var selectionAppId: String?
    /// The template app's id.
    public var templateAppId: String?
    /// The link's settings.
    public var properties: OdagLinkProperties?
    /// The owner's user identifier (`DIRECTORY\user`).
    public var owner: String?
    /// The link's status.
    public var status: String?
    /// Members the API document does not name, kept as sent.
    public var extra: [String: JSONValue]
    /// The members only Qlik's shape has, and the link exactly as read, when the link came from a
    /// `qseow` server (``init(qseowJSON:path:)``); `nil` for the document's shape.
    public var qseow: QseowLinkState?

    /// The shape the link was read in.
    public var flavour: APIFlavour { qseow == nil ? .document : .qseow }

    /// Creates a link.
    public init(
        id: String? = nil, createdDate: String? = nil, modifiedDate: String? = nil, name: String? = nil,
        selectionAppId: String? = nil, templateAppId: String? = nil, properties: OdagLinkProperties? = nil,
        owner: String? = nil, status: String? = nil, extra: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.createdDate = createdDate
        self.modifiedDate = modifiedDate
        self.name = name
        self.selectionAppId = selectionAppId
        self.templateAppId = templateAppId
        self.properties = properties
        self.owner = owner
        self.status = status
        self.extra = extra
    }

    static let knownKeys: Set<String> = [
        "id", "createdDate", "modifiedDate", "name", "selectionAppId", "templateAppId", "properties", "owner", "status",
    ]

    /// Reads a link from JSON; `path` names it in errors.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        id = try reader.uuid("id")
        createdDate = try reader.string("createdDate")
        modifiedDate = try reader.string("modifiedDate")
        name = try reader.string("name")
        selectionAppId = try reader.uuid("selectionAppId")
        templateAppId = try reader.uuid("templateAppId")
        properties = try reader.model("properties") { (v, p) throws(ModelError) in
            try OdagLinkProperties(json: v, path: p)
        }
        owner = try reader.string("owner")
        status = try reader.string("status")
        extra = reader.extra(excluding: Self.knownKeys)
    }

    /// The link as JSON: in Qlik's shape exactly as read, else the document's shape.
    public var json: JSONValue {
        if let qseow { return qseow.wire }
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("id", id)
        builder.set("createdDate", createdDate)
        builder.set("modifiedDate", modifiedDate)
        builder.set("name", name)
        builder.set("selectionAppId", selectionAppId)
        builder.set("templateAppId", templateAppId)
        builder.set("properties", properties?.json)
        builder.set("owner", owner)
        builder.set("status", status)
        return builder.json
    }

    /// Reads a `GET /links` answer: an array of links.
    public static func list(json: JSONValue) throws(ModelError) -> [OdagLink] {
        try list(json: json) { (element, path) throws(ModelError) in try OdagLink(json: element, path: path) }
    }

    /// Reads an array of links, each with `read` and its own path.
    static func list(
        json: JSONValue, _ read: (JSONValue, String) throws(ModelError) -> OdagLink
    ) throws(ModelError) -> [OdagLink] {
        guard case .array(let elements) = json else {
            throw ModelError(path: "", message: "expected an array of links, found \(json.kindDescription)")
        }
        var links: [OdagLink] = []
        links.reserveCapacity(elements.count)
        for (k, element) in elements.enumerated() {
            links.append(try read(element, JSONPath.appending(index: k, to: "")))
        }
        return links
    }
}

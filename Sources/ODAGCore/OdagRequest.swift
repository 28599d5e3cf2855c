/// An app generation request as the server returns it (`OdagRequest`).
public struct OdagRequest: Sendable, Hashable {
    /// The request's id.
    public var id: String?
    /// When the request was created.
    public var createdDate: String?
    /// When the request was last modified.
    public var modifiedDate: String?
    /// The navigation link the request was made through.
    public var linkId: String?
    /// The selection app's id.
    public var selectionAppId: String?
    /// The template app's id.
    public var templateAppId: String?
    /// The generated app's id, once generated.
    public var generatedAppId: String?
    /// The generated app's name.
    public var generatedAppName: String?
    /// The owner's user identifier.
    public var owner: String?
    /// `queued`, `loading`, `completed`, `failed` or `cancelled`.
    public var status: String?
    /// A detailed status message.
    public var statusMessage: String?
    /// The selection state captured from the selection app (an object).
    public var selectionState: JSONValue?
    /// Members the API document does not name, kept as sent.
    public var extra: [String: JSONValue]

    /// The statuses the API document defines.
    public static let statuses: [String] = ["queued", "loading", "completed", "failed", "cancelled"]

    /// Creates a request.
    public init(
        id: String? = nil, createdDate: String? = nil, modifiedDate: String? = nil, linkId: String? = nil,
        selectionAppId: String? = nil, templateAppId: String? = nil, generatedAppId: String? = nil,
        generatedAppName: String? = nil, owner: String? = nil, status: String? = nil, statusMessage: String? = nil,
        selectionState: JSONValue? = nil, extra: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.createdDate = createdDate
        self.modifiedDate = modifiedDate
        self.linkId = linkId
        self.selectionAppId = selectionAppId
        self.templateAppId = templateAppId
        self.generatedAppId = generatedAppId
        self.generatedAppName = generatedAppName
        self.owner = owner
        self.status = status
        self.statusMessage = statusMessage
        self.selectionState = selectionState
        self.extra = extra
    }

    static let knownKeys: Set<String> = [
        "id", "createdDate", "modifiedDate", "linkId", "selectionAppId", "templateAppId", "generatedAppId",
        "generatedAppName", "owner", "status", "statusMessage", "selectionState",
    ]

    /// Reads a request from JSON; `path` names it in errors.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        id = try reader.uuid("id")
        createdDate = try reader.string("createdDate")
        modifiedDate = try reader.string("modifiedDate")
        linkId = try reader.uuid("linkId")
        selectionAppId = try reader.uuid("selectionAppId")
        templateAppId = try reader.uuid("templateAppId")
        generatedAppId = try reader.uuid("generatedAppId")
        generatedAppName = try reader.string("generatedAppName")
        owner = try reader.string("owner")
        status = try reader.string("status")
        statusMessage = try reader.string("statusMessage")
        selectionState = try reader.object("selectionState")
        extra = reader.extra(excluding: Self.knownKeys)
    }

    /// The request as JSON.
    public var json: JSONValue {
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("id", id)
        builder.set("createdDate", createdDate)
        builder.set("modifiedDate", modifiedDate)
        builder.set("linkId", linkId)
        builder.set("selectionAppId", selectionAppId)
        builder.set("templateAppId", templateAppId)
        builder.set("generatedAppId", generatedAppId)
        builder.set("generatedAppName", generatedAppName)
        builder.set("owner", owner)
        builder.set("status", status)
        builder.set("statusMessage", statusMessage)
        builder.set("selectionState", selectionState)
        return builder.json
    }

    /// Reads an array of requests.
    public static func list(json: JSONValue) throws(ModelError) -> [OdagRequest] {
        guard case .array(let elements) = json else {
            throw ModelError(path: "", message: "expected an array of requests, found \(json.kindDescription)")
        }
        var requests: [OdagRequest] = []
        for (k, element) in elements.enumerated() {
            requests.append(try OdagRequest(json: element, path: JSONPath.appending(index: k, to: "")))
        }
        return requests
    }
}

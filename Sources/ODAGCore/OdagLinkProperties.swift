/// A navigation link's settings (`OdagLinkProperties`). Real servers send many more members than the
/// API document names; they are kept in ``extra`` so an update never drops them.
public struct OdagLinkProperties: Sendable, Hashable {
    /// Expression estimating the number of rows in the generated app.
    public var rowEstExpr: String?
    /// Field bindings between the selection and template apps.
    public var bindings: [OdagBinding]?
    /// Whether generated apps are accessible to users.
    public var genAppAccessible: Bool?
    /// Stream id generated apps are published to.
    public var publishTo: String?
    /// Retention of generated apps.
    public var retention: OdagRetention?
    /// Members the API document does not name, kept as sent.
    public var extra: [String: JSONValue]

    /// Creates properties.
    public init(
        rowEstExpr: String? = nil, bindings: [OdagBinding]? = nil, genAppAccessible: Bool? = nil,
        publishTo: String? = nil, retention: OdagRetention? = nil, extra: [String: JSONValue] = [:]
    ) {
        self.rowEstExpr = rowEstExpr
        self.bindings = bindings
        self.genAppAccessible = genAppAccessible
        self.publishTo = publishTo
        self.retention = retention
        self.extra = extra
    }

    /// The member names the API document defines.
    public static let knownKeys: Set<String> = ["rowEstExpr", "bindings", "genAppAccessible", "publishTo", "retention"]

    /// Reads properties from JSON; `path` names them in errors.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        rowEstExpr = try reader.string("rowEstExpr")
        bindings = try reader.array("bindings") { (v, p) throws(ModelError) in try OdagBinding(json: v, path: p) }
        genAppAccessible = try reader.bool("genAppAccessible")
        publishTo = try reader.string("publishTo")
        retention = try reader.model("retention") { (v, p) throws(ModelError) in try OdagRetention(json: v, path: p) }
        extra = reader.extra(excluding: Self.knownKeys)
    }

    /// The properties as JSON.
    public var json: JSONValue {
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("rowEstExpr", rowEstExpr)
        builder.set("bindings", bindings.map { JSONValue.array($0.map(\.json)) })
        builder.set("genAppAccessible", genAppAccessible)
        builder.set("publishTo", publishTo)
        builder.set("retention", retention?.json)
        return builder.json
    }
}

/// How long and how many generated apps are kept (`OdagLinkProperties.retention`).
public struct OdagRetention: Sendable, Hashable {
    /// Maximum age in minutes before a generated app is removed.
    public var maxAge: Int?
    /// Maximum number of generated apps kept per user.
    public var maxCount: Int?
    /// Members the API document does not name, kept as sent.
    public var extra: [String: JSONValue]

    /// Creates a retention policy.
    public init(maxAge: Int? = nil, maxCount: Int? = nil, extra: [String: JSONValue] = [:]) {
        self.maxAge = maxAge
        self.maxCount = maxCount
        self.extra = extra
    }

    static let knownKeys: Set<String> = ["maxAge", "maxCount"]

    /// Reads a retention policy from JSON; `path` names it in errors.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        maxAge = try reader.int("maxAge")
        maxCount = try reader.int("maxCount")
        extra = reader.extra(excluding: Self.knownKeys)
    }

    /// The retention policy as JSON.
    public var json: JSONValue {
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("maxAge", maxAge)
        builder.set("maxCount", maxCount)
        return builder.json
    }
}

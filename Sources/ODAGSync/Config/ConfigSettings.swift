/// The settings that the config's top level states and that each environment may override, key by key.
///
/// Every member is optional: an absent one is inherited (from the top level, then the defaults).
/// `variables` merge name by name; `scope` and `safety` merge member by member.
public struct ConfigSettings: Sendable, Hashable {
    /// The ODAG API base URL (`https://qlik.example.com/api/odag/v1`).
    public var server: String?
    /// `api`: the flavour the server speaks, or ``APIChoice/auto``.
    public var api: APIChoice?
    /// Values for `${name}` in manifests.
    public var variables: [String: String]
    /// `scope.namePrefix`.
    public var namePrefix: String?
    /// `scope.owners`.
    public var owners: [String]?
    /// `prune`: whether unmanaged links in scope are deleted.
    public var prune: Bool?
    /// `safety.maxDeletes`.
    public var maxDeletes: Int?
    /// `safety.maxDeletePercent`.
    public var maxDeletePercent: Double?

    /// Creates settings.
    public init(
        server: String? = nil, api: APIChoice? = nil, variables: [String: String] = [:], namePrefix: String? = nil,
        owners: [String]? = nil,
        prune: Bool? = nil, maxDeletes: Int? = nil, maxDeletePercent: Double? = nil
    ) {
        self.server = server
        self.api = api
        self.variables = variables
        self.namePrefix = namePrefix
        self.owners = owners
        self.prune = prune
        self.maxDeletes = maxDeletes
        self.maxDeletePercent = maxDeletePercent
    }

    /// These settings with every member `other` states taking precedence.
    public func overlaid(with other: ConfigSettings) -> ConfigSettings {
        ConfigSettings(
            server: other.server ?? server,
            api: other.api ?? api,
            variables: variables.merging(other.variables) { _, new in new },
            namePrefix: other.namePrefix ?? namePrefix,
            owners: other.owners ?? owners,
            prune: other.prune ?? prune,
            maxDeletes: other.maxDeletes ?? maxDeletes,
            maxDeletePercent: other.maxDeletePercent ?? maxDeletePercent)
    }
}

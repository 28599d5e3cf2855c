import ODAGCore

/// The settings a command runs with: the config's top level, overlaid with the selected environment,
/// with defaults for what neither states. Command-line flags are applied by the caller with
/// ``overriding(manifestPaths:server:prune:)`` and ``overriding(api:)``.
public struct ResolvedConfig: Sendable, Hashable {
    /// The config file these settings came from, as given; `nil` when there is none.
    public var configFile: String?
    /// The selected environment; `nil` for the top level.
    public var environment: String?
    /// Manifest files and folders, relative to the current folder (or absolute).
    public var manifestPaths: [String]
    /// The ODAG API base URL, when one is set.
    public var server: String?
    /// The flavour the config names (`"api"`, the environment's over the top level's); `nil` for `auto`
    /// or unset: recognise it from the live answer.
    public var api: APIFlavour?
    /// Values for `${name}` in manifests.
    public var variables: [String: String]
    /// What may be touched.
    public var scope: LinkScope
    /// Whether unmanaged links in scope are deleted.
    public var prune: Bool
    /// Limits on deletes.
    public var safety: SafetyLimits

    /// Creates settings; the defaults are those of a run without a config file.
    public init(
        configFile: String? = nil, environment: String? = nil, manifestPaths: [String] = [], server: String? = nil,
        api: APIFlavour? = nil, variables: [String: String] = [:], scope: LinkScope = LinkScope(), prune: Bool = false,
        safety: SafetyLimits = SafetyLimits()
    ) {
        self.configFile = configFile
        self.environment = environment
        self.manifestPaths = manifestPaths
        self.server = server
        self.api = api
        self.variables = variables
        self.scope = scope
        self.prune = prune
        self.safety = safety
    }

    /// These settings with the command line's values where it gives them (`nil` keeps the config's).
    /// Manifest paths given on the command line replace the config's.
    public func overriding(manifestPaths: [String]? = nil, server: String? = nil, prune: Bool? = nil) -> ResolvedConfig
    {
        var copy = self
        if let manifestPaths { copy.manifestPaths = manifestPaths }
        if let server { copy.server = server }
        if let prune { copy.prune = prune }
        return copy
    }

    /// These settings with the command line's `--api` where it is given (`auto` clears the config's).
    public func overriding(api choice: APIChoice?) -> ResolvedConfig {
        var copy = self
        if let choice { copy.api = choice.flavour }
        return copy
    }

    /// The resolver for `${…}` in manifests under these settings; no string may expand to `credentials`.
    public func resolver(processEnvironment: [String: String], credentials: CredentialValues = CredentialValues())
        -> VariableResolver
    {
        VariableResolver(
            variables: variables, processEnvironment: processEnvironment, environment: environment,
            credentials: credentials)
    }
}

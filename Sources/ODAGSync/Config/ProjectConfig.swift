import ODAGCore

/// The contents of an `odag-sync.json` (SPEC §3), as written.
///
/// ```json
/// { "manifests": ["links"], "server": "https://…/api/odag/v1", "api": "qseow", "variables": {"app": "…"},
///   "environments": {"prod": {"server": "…", "variables": {…}, "scope": {…}, "prune": true, "safety": {…}}},
///   "scope": {"namePrefix": "Sales ", "owners": ["CORP\\svc_odag"]}, "prune": false,
///   "safety": {"maxDeletes": 10, "maxDeletePercent": 30} }
/// ```
///
/// Each environment may override `server`, `api`, `variables`, `scope`, `prune` and `safety`; `manifests`
/// is shared by all environments.
public struct ProjectConfig: Sendable, Hashable {
    /// The config file, as given (relative to the current folder, or absolute).
    public var file: String
    /// `manifests`, as written (relative to the config file's folder).
    public var manifests: [String]?
    /// The top-level settings.
    public var settings: ConfigSettings
    /// The environments by name.
    public var environments: [String: ConfigSettings]
    /// Where each entry of ``manifests`` is written, for diagnostics about a path that does not exist.
    public var manifestLocations: [SourceLocation?] = []

    /// Creates a config.
    public init(
        file: String, manifests: [String]? = nil, settings: ConfigSettings = ConfigSettings(),
        environments: [String: ConfigSettings] = [:]
    ) {
        self.file = file
        self.manifests = manifests
        self.settings = settings
        self.environments = environments
    }

    /// The environment names in sorted order.
    public var environmentNames: [String] {
        environments.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The config file's folder as a prefix for its relative paths (empty for the current folder).
    public var folder: String {
        guard let slash = file.lastIndex(of: "/") else { return "" }
        let folder = String(file[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// `manifests` made relative to the current folder (config paths are relative to the config's folder).
    public var manifestPaths: [String] {
        (manifests ?? []).map { path in
            if path.hasPrefix("/") || folder.isEmpty { return path }
            if path == "." { return folder }
            return folder.hasSuffix("/") ? folder + path : folder + "/" + path
        }
    }

    /// The settings for `environment` (or the top level for `nil`); an unknown name is a diagnostic that
    /// lists the known ones.
    public func resolved(environment: String?) throws(Diagnostic) -> ResolvedConfig {
        var effective = settings
        if let environment {
            guard let overrides = environments[environment] else {
                let known =
                    environments.isEmpty
                    ? "the config defines no environments"
                    : "known environments: \(quotedList(environmentNames))"
                var message = "unknown environment \(quoted(environment)); \(known)"
                if let hint = KeySuggester.hint(for: environment, among: environments.keys) { message += "; \(hint)" }
                throw Diagnostic.error(file: file, location: nil, message)
            }
            effective = settings.overlaid(with: overrides)
        }
        return ResolvedConfig(
            configFile: file, environment: environment, manifestPaths: manifestPaths, server: effective.server,
            api: effective.api?.flavour,
            variables: effective.variables,
            scope: LinkScope(namePrefix: effective.namePrefix, owners: effective.owners ?? []),
            prune: effective.prune ?? false,
            safety: SafetyLimits(
                maxDeletes: effective.maxDeletes,
                maxDeletePercent: effective.maxDeletePercent ?? SafetyLimits.defaultMaxDeletePercent))
    }
}

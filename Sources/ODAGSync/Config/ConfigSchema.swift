/// The keys `odag-sync.json` may use, shared by the checks, the suggestions for misspelt keys and the
/// test that keeps `schemas/odag-sync.schema.json` in step.
public enum ConfigSchema {
    /// Keys of the config's root object.
    public static let rootKeys = [
        "$schema", "manifests", "server", "api", "variables", "environments", "scope", "prune", "safety",
    ]
    /// Keys of one environment under `environments`: the settings it may override.
    public static let environmentKeys = ["server", "api", "variables", "scope", "prune", "safety"]
    /// Keys of `scope`.
    public static let scopeKeys = ["namePrefix", "owners"]
    /// Keys of `safety`.
    public static let safetyKeys = ["maxDeletes", "maxDeletePercent"]
}

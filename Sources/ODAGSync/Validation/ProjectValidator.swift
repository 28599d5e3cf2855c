/// `odag-sync validate` as one call: ``ProjectLoader`` with every environment checked.
public enum ProjectValidator {
    /// Validates a project.
    ///
    /// - Parameters:
    ///   - explicitConfig: `--config FILE`; without it `odag-sync.json` is used when the current folder has one.
    ///   - environment: `--env NAME`; without it the manifests are checked against every environment of
    ///     the config (an unresolved variable names the environment), or the top level when there are none.
    ///   - manifestPaths: paths from the command line, which replace the config's `manifests`; `nil` or
    ///     empty keeps the config's.
    ///   - processEnvironment: values for `${env:NAME}`.
    ///   - currentDirectory: the folder relative paths are taken from.
    ///   - everyEnvironment: whether, without `environment`, every environment is checked (`false`: the
    ///     top level, as the commands that talk to one server load it).
    public static func validate(
        explicitConfig: String? = nil, environment: String? = nil, manifestPaths: [String]? = nil,
        processEnvironment: [String: String] = [:], currentDirectory: String, everyEnvironment: Bool = true
    ) -> ValidationReport {
        var loader = ProjectLoader(currentDirectory: currentDirectory)
        loader.explicitConfig = explicitConfig
        loader.environment = environment
        loader.commandLinePaths = manifestPaths ?? []
        loader.processEnvironment = processEnvironment
        loader.everyEnvironment = everyEnvironment
        return loader.load()
    }
}

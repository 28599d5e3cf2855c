import ODAGCore

/// The library side of `odag-sync validate`: reads the config and the manifests and checks them offline.
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
    ///   - everyEnvironment: whether, without `environment`, every environment is checked (`validate`);
    ///     commands that talk to one server (`plan`, `apply`, `drift`) pass `false` to use the top level.
    public static func validate(
        explicitConfig: String? = nil, environment: String? = nil, manifestPaths: [String]? = nil,
        processEnvironment: [String: String] = [:], currentDirectory: String, everyEnvironment: Bool = true
    ) -> ValidationReport {
        var diagnostics: [Diagnostic] = []
        var files: [String] = []
        var project: ProjectConfig?
        let configFile = ConfigLoader.locate(explicit: explicitConfig, currentDirectory: currentDirectory)
        if let configFile {
            let loaded = ConfigLoader.load(file: configFile, currentDirectory: currentDirectory)
            diagnostics += loaded.diagnostics
            project = loaded.config
            if loaded.config != nil || loaded.diagnostics.contains(where: { $0.location != nil }) {
                files.append(configFile)
            }
        }

        var configs: [ResolvedConfig] = [ResolvedConfig()]
        // A config that exists but cannot be used has been reported; check the manifests without it.
        let configUnusable = configFile != nil && project == nil
        do {
            if !configUnusable {
                configs = try settings(
                    project, environment: environment, configFile: configFile, everyEnvironment: everyEnvironment)
            }
        } catch {
            diagnostics.append(error)
            return ValidationReport(
                diagnostics: Diagnostic.normalized(diagnostics), files: files, linkCount: 0, configs: [], links: [])
        }
        let commandLinePaths = (manifestPaths ?? []).isEmpty ? nil : manifestPaths
        configs = configs.map { $0.overriding(manifestPaths: commandLinePaths) }

        let paths = configs.first?.manifestPaths ?? []
        if paths.isEmpty {
            diagnostics.append(
                .error(
                    file: project?.file ?? "", location: nil,
                    "no manifest paths; give them on the command line or as \"manifests\" in \(ConfigLoader.fileName)"))
        }
        let loader = ManifestLoader(
            currentDirectory: currentDirectory, excludedFiles: Set(project.map { [$0.file] } ?? []))
        let found = loader.findFiles(paths)
        diagnostics += found.diagnostics.map { diagnostic in
            // A missing path the config lists is reported where the config lists it.
            guard commandLinePaths == nil, let project, diagnostic.location == nil,
                let index = paths.firstIndex(of: diagnostic.file)
            else { return diagnostic }
            let location = index < project.manifestLocations.count ? project.manifestLocations[index] : nil
            return .error(
                file: project.file, location: location, path: JSONPath.appending(index: index, to: "manifests"),
                "\(quoted(project.manifests?[index] ?? diagnostic.file)) does not exist; "
                    + "expected a manifest file or folder (relative to the config file's folder)")
        }
        let manifests = loader.readFiles(found.files)
        files += found.files

        var links: [DeclaredLink] = []
        var linkCount = 0
        var cache: [Int: ManifestChecker] = [:]
        for (index, config) in configs.enumerated() {
            let result = ManifestLoader.check(
                manifests, resolver: config.resolver(processEnvironment: processEnvironment), scope: config.scope,
                cache: &cache)
            diagnostics += result.diagnostics
            if index == 0 {
                links = result.links
                linkCount = result.linkCount
            }
        }
        return ValidationReport(
            diagnostics: Diagnostic.normalized(diagnostics), files: files, linkCount: linkCount, configs: configs,
            links: links)
    }

    /// The settings to check under: the selected environment's, else each environment's, else the top level's.
    static func settings(
        _ project: ProjectConfig?, environment: String?, configFile: String?, everyEnvironment: Bool
    ) throws(Diagnostic) -> [ResolvedConfig] {
        guard let project else {
            if let environment {
                throw Diagnostic.error(
                    file: configFile ?? "", location: nil,
                    "unknown environment \(quoted(environment)); there is no \(ConfigLoader.fileName) to define it")
            }
            return [ResolvedConfig()]
        }
        if let environment { return [try project.resolved(environment: environment)] }
        if project.environments.isEmpty || !everyEnvironment { return [try project.resolved(environment: nil)] }
        var configs: [ResolvedConfig] = []
        for name in project.environmentNames { configs.append(try project.resolved(environment: name)) }
        return configs
    }
}

import ODAGCore

/// Reads a project for every command: the config (`odag-sync.json` or `--config`), the environment's
/// settings and the manifests, checked offline, with every problem as a diagnostic.
///
/// `validate` checks the manifests under every environment of the config; the commands that talk to one
/// server load the selected environment (or the top level) only, and `export` or `apply PLANFILE` read
/// the config without manifests.
public struct ProjectLoader: Sendable {
    /// `--config FILE`; without it `odag-sync.json` is used when the current folder has one.
    public var explicitConfig: String?
    /// `--env NAME`.
    public var environment: String?
    /// Paths from the command line, which replace the config's `manifests`; empty keeps the config's.
    public var commandLinePaths: [String] = []
    /// `--api`, which replaces the config's `api` (`auto` clears it); `nil` keeps the config's.
    public var api: APIChoice?
    /// Values for `${env:NAME}`.
    public var processEnvironment: [String: String] = [:]
    /// The folder relative paths are taken from.
    public var currentDirectory: String
    /// Whether, without ``environment``, every environment is checked (`validate`) rather than the top level.
    public var everyEnvironment = true
    /// Whether manifests are read at all (`false` for `export` and `apply PLANFILE`, which need the config only).
    public var readsManifests = true
    /// The credentials the command was given: a config or manifest value that holds one, or a manifest
    /// string that expands to one, is an error (``CredentialValues``).
    public var credentials = CredentialValues()
    /// How much the manifests may make odag-sync read.
    public var limits = InputLimits.standard

    /// A loader for the project seen from `currentDirectory`.
    public init(currentDirectory: String) {
        self.currentDirectory = currentDirectory
    }

    /// Reads and checks the project. The report's first config is the one a command runs with.
    public func load() -> ValidationReport {
        var diagnostics: [Diagnostic] = []
        var files: [String] = []
        var project: ProjectConfig?
        let configFile = ConfigLoader.locate(explicit: explicitConfig, currentDirectory: currentDirectory)
        if let configFile {
            let loaded = ConfigLoader.load(
                file: configFile, currentDirectory: currentDirectory, credentials: credentials)
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
            if !configUnusable { configs = try settings(project, configFile: configFile) }
        } catch {
            diagnostics.append(error)
            return ValidationReport(
                diagnostics: Diagnostic.normalized(diagnostics), files: files, linkCount: 0, configs: [], links: [])
        }
        let fromCommandLine = !commandLinePaths.isEmpty
        if fromCommandLine { configs = configs.map { $0.overriding(manifestPaths: commandLinePaths) } }
        if let api { configs = configs.map { $0.overriding(api: api) } }
        guard readsManifests else {
            return ValidationReport(
                diagnostics: Diagnostic.normalized(diagnostics), files: files, linkCount: 0, configs: configs,
                links: [])
        }

        let paths = configs.first?.manifestPaths ?? []
        if paths.isEmpty {
            diagnostics.append(
                .error(
                    file: project?.file ?? "", location: nil,
                    "no manifest paths; give them on the command line or as \"manifests\" in \(ConfigLoader.fileName)"))
        }
        // The project is the config file's folder (the current folder without one).
        let projectFolder =
            project.map { ManifestLoader.absolute($0.folder.isEmpty ? "." : $0.folder, in: currentDirectory) }
            ?? currentDirectory
        let loader = ManifestLoader(
            currentDirectory: currentDirectory, excludedFiles: Set(project.map { [$0.file] } ?? []),
            projectFolder: projectFolder, limits: limits)
        let found = loader.find(paths, fromConfig: !fromCommandLine)
        for (index, path, problem) in found.problems {
            // A path the config lists is reported where the config lists it.
            guard !fromCommandLine, let project, path == paths[index] else {
                diagnostics.append(.error(file: path, location: nil, loader.message(for: problem)))
                continue
            }
            let written = quoted(project.manifests?[index] ?? path)
            let location = index < project.manifestLocations.count ? project.manifestLocations[index] : nil
            let message =
                problem == .missing
                ? "\(written) does not exist; expected a manifest file or folder (relative to the config file's folder)"
                : "\(written) \(loader.message(for: problem))"
            diagnostics.append(
                .error(
                    file: project.file, location: location, path: JSONPath.appending(index: index, to: "manifests"),
                    message))
        }
        let manifests = loader.readFiles(found.files)
        files += found.files
        for manifest in manifests {
            guard let value = manifest.value else { continue }
            diagnostics += credentials.diagnostics(in: value, file: manifest.file, positions: manifest.positions)
        }

        var links: [DeclaredLink] = []
        var linkCount = 0
        var flavour: APIFlavour?
        var cache: [Int: ManifestChecker] = [:]
        for (index, config) in configs.enumerated() {
            let result = ManifestLoader.check(
                manifests, resolver: config.resolver(processEnvironment: processEnvironment, credentials: credentials),
                scope: config.scope, flavour: config.api, flavourFromCommandLine: api != nil && config.api != nil,
                cache: &cache)
            diagnostics += result.diagnostics
            if index == 0 {
                links = result.links
                linkCount = result.linkCount
                flavour = result.flavour
            }
        }
        return ValidationReport(
            diagnostics: Diagnostic.normalized(diagnostics), files: files, linkCount: linkCount, configs: configs,
            links: links, flavour: flavour)
    }

    /// The settings to check under: the selected environment's, else each environment's, else the top level's.
    func settings(_ project: ProjectConfig?, configFile: String?) throws(Diagnostic) -> [ResolvedConfig] {
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

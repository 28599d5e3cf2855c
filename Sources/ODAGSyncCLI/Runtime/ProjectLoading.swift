import Foundation
import ODAGCore
import ODAGSync

/// The config and manifests a command works from, already checked.
struct LoadedProject: Sendable {
    /// The settings after the environment and the command line are applied.
    var config: ResolvedConfig
    /// The declared links.
    var links: [DeclaredLink]
    /// The flavour the project is written in: the one `--api` or the config names, else the one the manifests'
    /// fields show; `nil` when neither tells.
    var flavour: APIFlavour?
}

/// The command line's side of ``ProjectLoader``: the flags that choose what to load, and the exit a
/// problem ends the command with.
enum ProjectLoading {
    /// The loader for the flags in `arguments`. Besides `credentials` (the command's), the credentials of
    /// the process environment (`ODAG_TOKEN`, `ODAG_HEADERS`) are never allowed in the project either.
    static func loader(_ arguments: ParsedArguments, context: CommandContext, credentials: CredentialValues)
        -> ProjectLoader
    {
        var loader = ProjectLoader(currentDirectory: context.currentDirectory)
        loader.explicitConfig = arguments.value("--config")
        loader.environment = arguments.value("--env")
        loader.commandLinePaths = arguments.positionals
        loader.processEnvironment = context.environment
        loader.everyEnvironment = false
        loader.credentials = CredentialValues(
            credentials.values + CredentialValues.of(environment: context.environment).values)
        return loader
    }

    /// Reads the config (when there is one) and resolves the environment (`environment` when `--env`
    /// is not given), without reading manifests.
    static func config(
        _ arguments: ParsedArguments, context: CommandContext, environment: String? = nil,
        credentials: CredentialValues = CredentialValues()
    ) throws -> ResolvedConfig {
        var loader = loader(arguments, context: context, credentials: credentials)
        loader.api = try FlavourChoice.requested(arguments)
        loader.environment = loader.environment ?? environment
        loader.commandLinePaths = []
        loader.readsManifests = false
        let report = loader.load()
        guard report.isValid, let config = report.configs.first else {
            throw diagnosticsFailure(report.diagnostics, context: context)
        }
        return config
    }

    /// Reads and checks the config and the manifests; any error stops the command (exit 1) after all
    /// of them are printed.
    static func load(_ arguments: ParsedArguments, context: CommandContext, credentials: CredentialValues) throws
        -> LoadedProject
    {
        var loader = loader(arguments, context: context, credentials: credentials)
        loader.api = try FlavourChoice.requested(arguments)
        let report = loader.load()
        // No manifest paths at all is bad usage, unless the config has errors of its own to show.
        if let config = report.configs.first, config.manifestPaths.isEmpty, report.errorCount == 1 {
            throw CommandError.usage(
                UsageError(
                    "no manifests: give their paths as arguments, or \"manifests\" in \(ConfigLoader.fileName)"))
        }
        guard report.isValid, var config = report.configs.first else {
            throw diagnosticsFailure(report.diagnostics, context: context)
        }
        // drift loads the project too, and has no --prune.
        if arguments.given("--prune") { config = config.overriding(prune: true) }
        for warning in report.diagnostics { context.console.message(warning.description + "\n") }
        let project = LoadedProject(config: config, links: report.links, flavour: report.flavour)
        FreedMemory.release()
        return project
    }

    /// Prints every diagnostic (one `file:line:column: path: message` line each) and returns the
    /// failure that ends the command.
    static func diagnosticsFailure(_ diagnostics: [Diagnostic], context: CommandContext) -> CommandError {
        for diagnostic in diagnostics {
            context.console.message(diagnostic.description + "\n")
        }
        let errors = diagnostics.filter(\.isError).count
        return .failed(
            errors == 1
                ? "the config or manifests have an error (above)"
                : "the config or manifests have \(errors) errors (above)",
            hint: "\"odag-sync validate\" checks them offline")
    }
}

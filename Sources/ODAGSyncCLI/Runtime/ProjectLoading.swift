import Foundation
import ODAGCore
import ODAGSync

/// The config and manifests a command works from, already checked.
struct LoadedProject: Sendable {
    /// The settings after the environment and the command line are applied.
    var config: ResolvedConfig
    /// The declared links.
    var links: [DeclaredLink]
    /// How many manifest files were read.
    var fileCount: Int
}

enum ProjectLoading {
    /// Reads the config (when there is one) and resolves the environment, without reading manifests.
    static func config(_ arguments: ParsedArguments, context: CommandContext, environment: String? = nil)
        throws -> ResolvedConfig
    {
        let explicit = arguments.value("--config")
        let environmentName = arguments.value("--env") ?? environment
        guard let file = ConfigLoader.locate(explicit: explicit, currentDirectory: context.currentDirectory) else {
            if let explicit { throw CommandError.failed("config file \(quoteText(explicit)) does not exist") }
            if let environmentName {
                throw CommandError.failed(
                    "unknown environment \(quoteText(environmentName)): there is no \(ConfigLoader.fileName) in this folder",
                    hint: "give the config with --config FILE")
            }
            return ResolvedConfig()
        }
        let loaded = ConfigLoader.load(file: file, currentDirectory: context.currentDirectory)
        guard let project = loaded.config, !loaded.diagnostics.contains(where: \.isError) else {
            throw diagnosticsFailure(loaded.diagnostics, context: context)
        }
        do {
            return try project.resolved(environment: environmentName)
        } catch {
            throw diagnosticsFailure([error], context: context)
        }
    }

    /// Reads and checks the config and the manifests; any error stops the command (exit 1) after all
    /// of them are printed.
    static func load(_ arguments: ParsedArguments, context: CommandContext) throws -> LoadedProject {
        var config = try self.config(arguments, context: context)
        if !arguments.positionals.isEmpty { config = config.overriding(manifestPaths: arguments.positionals) }
        if arguments.has("--prune") { config = config.overriding(prune: true) }
        guard !config.manifestPaths.isEmpty else {
            throw CommandError.usage(
                UsageError(
                    "no manifests: give their paths as arguments, or \"manifests\" in \(ConfigLoader.fileName)"))
        }
        let excluded = Set(config.configFile.map { [$0] } ?? [])
        let loader = ManifestLoader(currentDirectory: context.currentDirectory, excludedFiles: excluded)
        let found = loader.findFiles(config.manifestPaths)
        // The files (bytes and parsed values) are gone once checked: only what the declared links keep remains.
        let result = ManifestLoader.check(
            loader.readFiles(found.files), resolver: config.resolver(processEnvironment: context.environment),
            scope: config.scope)
        let diagnostics = Diagnostic.normalized(found.diagnostics + result.diagnostics)
        if diagnostics.contains(where: \.isError) { throw diagnosticsFailure(diagnostics, context: context) }
        for warning in diagnostics { context.console.standardError.write(warning.description + "\n") }
        let project = LoadedProject(config: config, links: result.links, fileCount: found.files.count)
        FreedMemory.release()
        return project
    }

    /// Prints every diagnostic (one `file:line:column: path: message` line each) and returns the
    /// failure that ends the command.
    static func diagnosticsFailure(_ diagnostics: [Diagnostic], context: CommandContext) -> CommandError {
        for diagnostic in diagnostics {
            context.console.standardError.write(diagnostic.description + "\n")
        }
        let errors = diagnostics.filter(\.isError).count
        return .failed(
            errors == 1
                ? "the config or manifests have an error (above)"
                : "the config or manifests have \(errors) errors (above)",
            hint: "\"odag-sync validate\" checks them offline")
    }
}

/// `text` as a JSON string literal, for quoting values in messages.
func quoteText(_ text: String) -> String {
    JSONWriter.string(.string(text))
}

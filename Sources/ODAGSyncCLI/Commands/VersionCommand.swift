/// `odag-sync version`: prints the version (and the build's git revision when known).
struct VersionCommand: Command {
    static let name = "version"
    static let summary = "Print the version"
    static let usage = "version"
    static let discussion = "Prints the version of odag-sync and, when it was built from git, the revision."
    static let examples = ["odag-sync version"]
    static let options: [OptionSpec] = []

    /// The release version.
    static let version = "0.1.0"

    /// `odag-sync 0.1.0 (git 1a2b3c4d5e6f)`, without the revision when the build did not know it.
    static var versionLine: String {
        "odag-sync \(version)" + (buildRevision.map { " (git \($0))" } ?? "")
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        if let extra = arguments.positionals.first {
            throw CommandError.usage(UsageError("version takes no arguments, got \"\(extra)\""))
        }
        context.console.output(versionLine + "\n")
        return .success
    }
}

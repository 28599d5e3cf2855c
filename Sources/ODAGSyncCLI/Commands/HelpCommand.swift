import ODAGCore

/// `odag-sync help [COMMAND]`.
struct HelpCommand: Command {
    static let name = "help"
    static let summary = "Show help for odag-sync or one command"
    static let usage = "help [COMMAND]"
    static let discussion = ""
    static let examples = ["odag-sync help", "odag-sync help plan"]
    static let options: [OptionSpec] = []

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        guard let name = arguments.positionals.first else {
            context.console.output(HelpText.overview())
            return .success
        }
        guard let command = CommandLineTool.command(named: name) else {
            let hint = Suggestion.closest(to: name, among: CommandLineTool.commands.map { $0.name })
            throw CommandError.usage(
                UsageError("unknown command \"\(name)\"", hint: hint.map { "did you mean \"\($0)\"?" }))
        }
        context.console.output(HelpText.help(for: command))
        return .success
    }
}

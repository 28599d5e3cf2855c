import Foundation
import ODAGClient
import ODAGCore

/// The `odag-sync` command line: finds the subcommand, parses its flags, runs it, and maps what
/// happened to an exit code (SPEC §6) in this one place.
public enum CommandLineTool {
    /// Every subcommand, in the order `help` lists them.
    static let commands: [any Command.Type] = [
        ValidateCommand.self,
        PlanCommand.self,
        ApplyCommand.self,
        DriftCommand.self,
        ExportCommand.self,
        EmulatorCommand.self,
        VersionCommand.self,
        HelpCommand.self,
        CompletionCommand.self,
    ]

    /// The command named `name`, if any.
    static func command(named name: String) -> (any Command.Type)? {
        commands.first { $0.name == name }
    }

    /// Runs the process's command line and returns its exit code.
    public static func main(_ arguments: [String]) async -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        var console = Console.process(environment: environment)
        if arguments.contains("--no-color") {
            console.colorOutput = false
            console.colorErrors = false
        }
        let context = CommandContext(
            console: console, environment: environment,
            currentDirectory: FileManager.default.currentDirectoryPath)
        return await run(arguments, context: context).rawValue
    }

    /// Runs `arguments` (without the program name) in `context`.
    public static func run(_ arguments: [String], context: CommandContext) async -> ExitCode {
        guard let first = arguments.first else {
            context.console.output(HelpText.overview())
            return .usage
        }
        if first == "--help" || first == "-h" {
            context.console.output(HelpText.overview())
            return .success
        }
        if first == "--version" {
            return await runCatching(VersionCommand.self, Array(arguments.dropFirst()), context: context)
        }
        guard let command = command(named: first) else {
            let names = commands.map { $0.name }
            let hint =
                Suggestion.closest(to: first, among: names).map { "did you mean \"\($0)\"?" }
                ?? "run \"odag-sync help\" for the list of commands"
            context.console.error("unknown command \"\(first)\"", hint: hint)
            return .usage
        }
        return await runCatching(command, Array(arguments.dropFirst()), context: context)
    }

    static func runCatching(_ command: any Command.Type, _ arguments: [String], context: CommandContext) async
        -> ExitCode
    {
        var context = context
        context.console = context.console.redacting(context.redactions)
        do {
            let parsed = try ArgumentParser(options: command.options).parse(arguments)
            if parsed.helpRequested {
                context.console.output(HelpText.help(for: command))
                return .success
            }
            // Not every command has the output flags.
            if parsed.given("--no-color") {
                context.console.colorOutput = false
                context.console.colorErrors = false
            }
            context.console.quiet = parsed.given("--quiet")
            context.console.verbose = parsed.given("--verbose")
            let outcome: Result<ExitCode, any Error>
            do {
                outcome = .success(try await command.run(parsed, context: context))
            } catch {
                outcome = .failure(error)
            }
            if let name = parsed.undeclaredReads.first {
                context.console.error(
                    "internal error: \"odag-sync \(command.name)\" read \(name), which it does not declare",
                    hint: "please report this bug")
                return .failure
            }
            return try outcome.get()
        } catch let error as UsageError {
            context.console.error(error.message, hint: error.hint ?? "see \"odag-sync \(command.name) --help\"")
            return .usage
        } catch let error as CommandError {
            var hint = error.hint
            if case .usage = error, hint == nil { hint = "see \"odag-sync \(command.name) --help\"" }
            context.console.error(error.description, hint: hint)
            return error.exitCode
        } catch let error as ODAGClientError {
            context.console.error(error.description, hint: ClientErrorHints.hint(for: error))
            return .failure
        } catch {
            context.console.error("\(error)")
            return .failure
        }
    }
}

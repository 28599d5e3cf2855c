import Testing

@testable import ODAGSyncCLI

/// Runs the command line in-process with captured output.
struct CapturedRun {
    let code: ExitCode
    let stdout: String
    let stderr: String

    static func run(_ arguments: [String], environment: [String: String] = [:], directory: String = "/") async
        -> CapturedRun
    {
        let out = BufferSink()
        let err = BufferSink()
        let console = Console(standardOutput: out, standardError: err)
        let context = CommandContext(console: console, environment: environment, currentDirectory: directory)
        let code = await CommandLineTool.run(arguments, context: context)
        return CapturedRun(code: code, stdout: out.text, stderr: err.text)
    }
}

@Suite struct CommandLineToolTests {
    @Test func unknownCommandExits64WithASuggestion() async {
        let run = await CapturedRun.run(["hlep"])
        #expect(run.code == .usage)
        #expect(run.stderr == "error: unknown command \"hlep\"\nhint: did you mean \"help\"?\n")
    }

    @Test func unknownFlagExits64() async {
        let run = await CapturedRun.run(["version", "--verbos"])
        #expect(run.code == .usage)
        #expect(run.stderr.hasPrefix("error: unknown option \"--verbos\""))
    }

    @Test func versionPrintsTheVersion() async {
        let run = await CapturedRun.run(["version"])
        #expect(run.code == .success)
        #expect(run.stdout.hasPrefix("odag-sync \(VersionCommand.version)"))
    }

    @Test func everyCommandHasHelpWithExamples() async {
        for command in CommandLineTool.commands {
            let run = await CapturedRun.run(["help", command.name])
            #expect(run.code == .success)
            #expect(run.stdout.hasPrefix("Usage: odag-sync \(command.usage)"))
            #expect(run.stdout.contains("Examples:"))
            let viaFlag = await CapturedRun.run([command.name, "--help"])
            #expect(viaFlag.stdout == run.stdout)
        }
    }

    @Test func noArgumentsShowsTheOverviewAndExits64() async {
        let run = await CapturedRun.run([])
        #expect(run.code == .usage)
        #expect(run.stdout.contains("Commands:"))
    }

    @Test(arguments: ["bash", "zsh", "fish"]) func completionScriptsNameEveryCommand(shell: String) async {
        let run = await CapturedRun.run(["completion", shell])
        #expect(run.code == .success)
        for command in CommandLineTool.commands { #expect(run.stdout.contains(command.name)) }
    }
}

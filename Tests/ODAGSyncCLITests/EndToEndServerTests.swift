import Foundation
import ODAGCore
import Testing

@testable import ODAGSyncCLI

/// Which server a command talks to, run in process through the command line.
@Suite struct EndToEndServerTests {
    @Test func odagServerReplacingTheEnvironmentsServerIsSaidOnStandardError() async throws {
        let server = try TestEmulator()
        let project = try TemporaryFolder(prefix: "server")
        defer {
            project.remove()
            server.stop()
        }
        try project.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        try project.write(
            "odag-sync.json",
            #"{"manifests": ["links"], "environments": {"prod": {"server": "https://qlik.example.com/api/odag/v1"}}}"#)
        let run = await CapturedRun.run(
            ["plan", "--env", "prod", "--output", "json"], environment: ["ODAG_SERVER": server.url],
            directory: project.root)
        #expect(run.code == .success, "\(run)")
        #expect(
            run.stderr.contains(
                "ODAG_SERVER (\(server.url)) replaces the config's server https://qlik.example.com/api/odag/v1"),
            "\(run.stderr)")
        #expect(E2E.json(run.stdout)?["server"]?.stringValue == server.url)

        let flag = await CapturedRun.run(
            ["plan", "--env", "prod", "--server", server.url, "--output", "json"], directory: project.root)
        #expect(flag.code == .success, "\(flag)")
        #expect(!flag.stderr.contains("replaces"), "--server says plainly which server it is: \(flag.stderr)")
    }
}

/// The messages about the server that help (issue: a URL ending in /links).
@Suite struct EndToEndServerURLTests {
    @Test func aServerURLEndingInLinksSaysTheBaseURLMustEndInApiOdagV1() async throws {
        let server = try TestEmulator()
        let project = try TemporaryFolder(prefix: "server-url")
        try project.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        let run = await CapturedRun.run(["plan", "--server", server.url + "/links", "links"], directory: project.root)
        #expect(run.code == .usage, "\(run)")
        #expect(
            run.stderr.contains("names an operation (/links); the base URL must end in /api/odag/v1"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: use \(server.url)"), "\(run.stderr)")
        #expect(!run.stderr.contains("is not a UUID"))
    }
}

/// Reading a flag the command does not declare is a bug the command line reports.
@Suite struct UndeclaredFlagTests {
    struct Reader: Command {
        static let name = "reader"
        static let summary = "reads a flag it does not declare"
        static let usage = "reader"
        static let discussion = ""
        static let examples: [String] = []
        static let options: [OptionSpec] = [.flag("--known", "a declared flag")]
        static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
            _ = arguments.has("--known")
            return arguments.value("--unknown") == nil ? .success : .changes
        }
    }

    @Test func aReadOfAnUndeclaredFlagIsAnInternalError() async {
        let err = BufferSink()
        let context = CommandContext(
            console: Console(standardOutput: BufferSink(), standardError: err), environment: [:], currentDirectory: "/")
        let code = await CommandLineTool.runCatching(Reader.self, ["--known"], context: context)
        #expect(code == .failure)
        #expect(
            err.text.hasPrefix(#"error: internal error: "odag-sync reader" read --unknown, which it does not declare"#))
    }

    @Test func parsedArgumentsRecordOnlyUndeclaredReads() throws {
        let parsed = try ArgumentParser(options: [.value("--a", "A", "a")]).parse(["--a", "1"])
        #expect(parsed.value("--a") == "1" && parsed.undeclaredReads.isEmpty)
        let copy = parsed
        #expect(!copy.has("--b"))
        #expect(parsed.undeclaredReads == ["--b"], "copies share the record")
        #expect(ParsedArguments().value("--anything") == nil && ParsedArguments().undeclaredReads.isEmpty)
    }
}

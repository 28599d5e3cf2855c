import Foundation
import Testing

@testable import ODAGSyncCLI

/// `odag-sync completion`: the bash script loaded into a real bash and asked for candidates as bash
/// asks when Tab is pressed; the zsh and fish scripts (no such shell here) checked for the same
/// value lists.
@Suite struct CompletionCommandTests {
    /// The candidates bash's completion function offers for `words` (the program name first), the
    /// cursor on the last word, run in `directory`.
    static func complete(_ words: [String], in directory: String) async throws -> [String] {
        let script = """
            source <("$0" completion bash)
            COMP_WORDS=("$0" "${@:1}")
            COMP_CWORD=$#
            _odag_sync
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let run = try await ChildProcess.run(
            "/bin/bash", ["--noprofile", "--norc", "-c", script, OdagSyncBinary.path] + words,
            environment: ["PATH": "/usr/bin:/bin", "HOME": directory], directory: directory)
        #expect(run.code == 0 && run.stderr.isEmpty, "\(words): \(run)")
        return run.stdout.split(separator: "\n").map(String.init).sorted()
    }

    static func project() throws -> TemporaryFolder {
        let folder = try TemporaryFolder(prefix: "completion")
        try folder.write(
            "odag-sync.json",
            #"{"manifests": ["links"], "environments": {"prod": {}, "preprod": {}, "dev": {}}}"#)
        try folder.write("other.json", #"{"environments": {"staging": {}}}"#)
        try folder.write("links/sales.json", #"{"links": []}"#)
        try folder.write("plans/prod.plan.json", "{}")
        return folder
    }

    @Test func completesCommandsOptionsAndOutputFormats() async throws {
        let folder = try Self.project()
        defer { folder.remove() }
        #expect(try await Self.complete(["p"], in: folder.root) == ["plan"])
        #expect(try await Self.complete(["plan", "--pr"], in: folder.root) == ["--prune"])
        #expect(try await Self.complete(["plan", "--output", ""], in: folder.root) == ["json", "markdown", "text"])
        #expect(try await Self.complete(["apply", "--output", ""], in: folder.root) == ["json", "markdown", "text"])
        #expect(try await Self.complete(["drift", "--output", "p"], in: folder.root) == ["prometheus"])
        #expect(try await Self.complete(["validate", "--output", ""], in: folder.root) == ["json", "text"])
        #expect(try await Self.complete(["drift", "--output", "=", "j"], in: folder.root) == ["json"], "--output=j")
        #expect(try await Self.complete(["export", "--outp"], in: folder.root) == [], "export has no --output")
        #expect(try await Self.complete(["plan", "--server", ""], in: folder.root) == [], "no files for a URL")
    }

    @Test func completesEnvironmentsFromTheConfigWhenTabIsPressed() async throws {
        let folder = try Self.project()
        defer { folder.remove() }
        #expect(try await Self.complete(["plan", "--env", ""], in: folder.root) == ["dev", "preprod", "prod"])
        #expect(try await Self.complete(["drift", "--env", "pr"], in: folder.root) == ["preprod", "prod"])
        #expect(
            try await Self.complete(["apply", "--config", "other.json", "--env", ""], in: folder.root) == ["staging"])
        #expect(try await Self.complete(["plan", "--config=other.json", "--env", ""], in: folder.root) == ["staging"])
        // The config is read at completion time: a new environment shows up at once.
        try folder.write("odag-sync.json", #"{"environments": {"qa": {}}}"#)
        #expect(try await Self.complete(["plan", "--env", ""], in: folder.root) == ["qa"])
        // No config, no environments, no error.
        try FileManager.default.removeItem(atPath: folder.path("odag-sync.json"))
        #expect(try await Self.complete(["plan", "--env", ""], in: folder.root) == [])
    }

    /// Environment names are written by whoever wrote the repository: completing them never runs them.
    @Test func environmentNamesAreNeverExpandedByTheShell() async throws {
        let folder = try Self.project()
        defer { folder.remove() }
        let marker = folder.path("ran")
        try folder.write(
            "odag-sync.json", #"{"environments": {"$(touch \#(marker))": {}, "`touch \#(marker)`": {}, "ok": {}}}"#)
        let offered = try await Self.complete(["plan", "--env", ""], in: folder.root)
        #expect(!FileManager.default.fileExists(atPath: marker), "a name was run as a command")
        #expect(offered.count == 3 && offered.contains("ok"), "\(offered)")
        #expect(offered.allSatisfy { $0 == "ok" || $0.hasPrefix("\\") }, "inserted quoted: \(offered)")
    }

    @Test func completesHelpTopicsShellsAndFiles() async throws {
        let folder = try Self.project()
        defer { folder.remove() }
        #expect(try await Self.complete(["help", "d"], in: folder.root) == ["drift"])
        #expect(try await Self.complete(["help", "plan", ""], in: folder.root) == [], "one topic")
        #expect(try await Self.complete(["completion", ""], in: folder.root) == ["bash", "fish", "zsh"])
        #expect(try await Self.complete(["plan", "li"], in: folder.root) == ["links"])
        #expect(try await Self.complete(["apply", "plans/"], in: folder.root) == ["plans/prod.plan.json"])
        #expect(try await Self.complete(["plan", "--out", "plans/p"], in: folder.root) == ["plans/prod.plan.json"])
        #expect(
            try await Self.complete(["drift", "--report", "o"], in: folder.root) == ["odag-sync.json", "other.json"])
        #expect(try await Self.complete(["plan", "--config", "ot"], in: folder.root) == ["other.json"])
        #expect(
            try await Self.complete(["plan", "--emulator", "o"], in: folder.root) == ["odag-sync.json", "other.json"])
        #expect(try await Self.complete(["export", "--out", ""], in: folder.root) == ["-", "links", "plans"])
        #expect(try await Self.complete(["export", ""], in: folder.root) == [], "export takes no paths")
        #expect(try await Self.complete(["version", ""], in: folder.root) == [])
    }

    /// The formats offered are exactly those each command accepts: its own error message lists them.
    @Test(arguments: ["validate", "plan", "apply", "drift"])
    func offeredOutputFormatsAreTheAcceptedOnes(command: String) async throws {
        let run = await CapturedRun.run([command, "--output", "nonsense"])
        let accepted = try #require(run.stderr.firstMatch(of: /must be one of ([a-z, ]+), got/), "\(run.stderr)")
        let formats = accepted.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(CompletionCommand.outputFormats[command] == formats)
        let options = try #require(CommandLineTool.command(named: command)?.options)
        #expect(options.contains { $0.name == "--output" })
    }

    @Test func everyCommandWithAnOutputOptionHasItsFormatsListed() {
        for command in CommandLineTool.commands where command.options.contains(where: { $0.name == "--output" }) {
            #expect(CompletionCommand.outputFormats[command.name] != nil, "\(command.name)")
        }
    }

    @Test func zshAndFishOfferTheSameValues() async {
        let zsh = await CapturedRun.run(["completion", "zsh"]).stdout
        #expect(
            zsh.contains(
                "'--output[text (default), json, markdown or prometheus]:format:(text json markdown prometheus)'"))
        #expect(zsh.contains(":environment:_odag_sync_environments'"))
        #expect(zsh.contains("completion environments ${opt_args[--config]}"))
        #expect(zsh.contains("'1:shell:(bash zsh fish)'"))
        #expect(zsh.contains("'--report[Also write the JSON drift report to FILE]:file:_files'"))
        // Each _arguments spec is one single-quoted word of a known shape (help and value names are
        // stripped of the characters that would end it early).
        for line in zsh.split(separator: "\n") where line.contains("_arguments ") {
            let specs = line.matches(of: /'([^']*)'/).map { String($0.1) }
            let rest = line.replacing(/'[^']*'/, with: "").replacing(/^ *[a-z]+\) _arguments +/, with: "")
            #expect(rest.allSatisfy { $0 == " " || $0 == ";" }, "\(line)")
            for spec in specs {
                let option = spec.wholeMatch(of: /\*?--[a-z-]+\[[^\[\]:]*\](:[^:]*:.*)?/) != nil
                let positional = spec.wholeMatch(of: /(\*|1):[a-z]+:.+/) != nil
                #expect(option || positional, "\(spec)")
            }
        }
        let fish = await CapturedRun.run(["completion", "fish"]).stdout
        #expect(fish.contains("-n '__fish_seen_subcommand_from plan' -l output -x -a 'text json markdown'"))
        #expect(fish.contains("-l env -x -a '(odag-sync completion environments 2>/dev/null)'"))
        #expect(fish.contains("-n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'"))
        #expect(fish.contains("-n '__fish_seen_subcommand_from plan' -l config -r -F"))
    }

    @Test func environmentsListsTheConfigsNamesAndFailsOnlyOnAGivenConfig() async throws {
        let folder = try Self.project()
        defer { folder.remove() }
        let listed = await CapturedRun.run(["completion", "environments"], directory: folder.root)
        #expect(listed.code == .success && listed.stdout == "dev\npreprod\nprod\n", "\(listed)")
        let given = await CapturedRun.run(["completion", "environments", "other.json"], directory: folder.root)
        #expect(given.stdout == "staging\n")
        let none = await CapturedRun.run(["completion", "environments"], directory: folder.path("links"))
        #expect(none.code == .success && none.stdout.isEmpty)
        let missing = await CapturedRun.run(["completion", "environments", "nope.json"], directory: folder.root)
        #expect(missing.code == .failure && missing.stderr.contains("cannot read the config \"nope.json\""))
    }
}

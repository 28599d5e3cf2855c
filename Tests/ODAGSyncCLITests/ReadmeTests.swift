import Foundation
import Testing

@testable import ODAGSyncCLI

#if canImport(Glibc)
    import Glibc
#endif

/// The README as a newcomer follows it: every command it shows is either run here (with the built
/// binary for `odag-sync` and `swift run odag-sync`; `swift` itself is never run inside `swift test`,
/// which holds the build lock), run by the named test, or listed with the reason it cannot run on a
/// test machine. A command added to the README without one of these fails the first test.
@Suite struct ReadmeTests {
    static let readme: String = {
        (try? String(contentsOfFile: OdagSyncBinary.inPackage("README.md"), encoding: .utf8)) ?? ""
    }()

    /// What happens to a command the README shows.
    enum Coverage {
        /// Run by a test in this suite.
        case here
        /// Run by another test, named by its function (checked to exist).
        case by(String)
        /// Not runnable on a test machine, for the reason given.
        case notHere(String)
    }

    static let swiftTool = "swift itself is not run inside swift test, which holds the build lock; CI runs it (.ci/run)"

    /// Every command in the README's `sh` blocks and every inline one (code spans that start like a
    /// command), by its text.
    static let coverage: [String: Coverage] = [
        // Quick start
        "mkdir -p .quickstart && cp examples/quickstart/emulator-state.json .quickstart/state.json && swift run odag-sync apply --emulator .quickstart/state.json --auto-approve examples/quickstart/links":
            .by("quickStartRunsAsWrittenAndPrintsWhatTheReadmeShows"),
        "swift run odag-sync drift --emulator .quickstart/state.json examples/quickstart/links":
            .by("quickStartRunsAsWrittenAndPrintsWhatTheReadmeShows"),
        "swift run": .notHere(swiftTool),
        // Tests
        "swift test": .notHere(swiftTool),
        "swift test --no-parallel": .notHere(swiftTool),
        ".ci/release": .notHere("a static release build: minutes; CI runs it through .ci/portable-binary"),
        ".ci/portable-binary": .notHere("a static release build and, as root, a mount namespace; CI runs it (.ci/run)"),
        ".ci/run": .notHere("runs swift test, the benchmark and the fuzzers: minutes, and the build lock"),
        // Install
        "cd dist && sha256sum --check odag-sync-0.1.0-linux-x86_64.tar.gz.sha256": .here,
        "tar -xzf odag-sync-0.1.0-linux-x86_64.tar.gz": .here,
        "install -m 0755 odag-sync-0.1.0-linux-x86_64/odag-sync /usr/local/bin/odag-sync": .here,
        "swift build -c release --product odag-sync": .notHere(swiftTool),
        "install -m 0755 .build/release/odag-sync /usr/local/bin/odag-sync":
            .notHere(
                "needs root and a release build; installing into a folder is shown by installPutsTheBinaryWhereItRuns"),
        "install -D -m 0755 .build/release/odag-sync ~/.local/bin/odag-sync": .here,
        "odag-sync version": .here,
        "source <(odag-sync completion bash)": .here,
        "odag-sync completion bash": .by("completionLoadsAsShown"),
        // Commands
        "odag-sync help plan": .here,
        "odag-sync plan --emulator FILE": .here,
        "odag-sync validate": .here,
        // CI and cron
        "examples/ci/install-odag-sync.sh URL SHA256 FOLDER": .by("installsAReleaseWhoseChecksumMatches"),
        "examples/cron/odag-sync-drift.sh": .by("findsTheBinaryOffPathAndChecksForDrift"),
        "mkdir -p .quickstart && cp examples/qseow/emulator-state.json .quickstart/qseow-state.json": .by(
            "qseowReadmeStepsRunAsWritten"),
        "swift run odag-sync plan --config examples/qseow/odag-sync.json --emulator .quickstart/qseow-state.json --header 'X-Qlik-User: UserDirectory=CORP; UserId=svc_odag'":
            .by("qseowReadmeStepsRunAsWritten"),
        "examples/cron/odag-sync-drift.sh --token-file /etc/odag-sync/token": .by(
            "passesArgumentsThroughAndReportsFailures"),
        // Authentication recipes: a real Qlik server behind a virtual proxy
        "odag-sync plan --server https://qlik.example.com/hdr/api/odag/v1 --header 'X-Qlik-User: UserDirectory=CORP; UserId=svc_odag'":
            .notHere("needs a Qlik server; headers against the emulator: EndToEndAuthTests"),
        "odag-sync plan --server https://qlik.example.com/jwt/api/odag/v1 --token-file /run/secrets/qlik.jwt":
            .notHere("needs a Qlik server; --token-file against the emulator: EndToEndAuthTests"),
        "odag-sync plan --server https://qlik.example.com:PORT/api/odag/v1 --client-cert client.pem --client-key client_key.pem --ca-cert root.pem --header 'X-Qlik-User: UserDirectory=INTERNAL; UserId=sa_api'":
            .notHere("needs a Qlik server; client certificates over TLS: ODAGClientTests"),
        // The emulator
        "odag-sync emulator --port 0 --state FILE": .here,
        "odag-sync emulator --api qseow --state FILE": .by("theEmulatorCommandServesTheQseowFlavour"),
        // qseow manifests
        "odag-sync export --api qseow --out links/": .by("exportsQseowManifestsThatValidateAndPlanToNoChanges"),
        // Performance, development, fuzzing, sanitizers
        ".build/release/odag-sync-bench": .notHere("a release build and minutes; .ci/bench-smoke runs it in CI"),
        ".build/release/odag-sync-bench --smoke": .notHere("a release build; .ci/bench-smoke runs it in CI"),
        "swift build -c release": .notHere(swiftTool),
        "swift format lint --strict -r Sources Tests Package.swift": .notHere(swiftTool),
        "swift format format -i -r Sources Tests Package.swift": .notHere(swiftTool),
        "swift test -Xswiftc -warnings-as-errors": .notHere(swiftTool),
        "swift format lint --strict": .notHere(swiftTool),
        "Tests/Fuzz/run-fuzzers --seconds 600 --parallel": .notHere("libFuzzer builds and ten minutes"),
        "Tests/Fuzz/run-fuzzers --seconds 600 http-request": .notHere("a libFuzzer build and ten minutes"),
        ".ci/fuzz-smoke": .notHere("libFuzzer builds; CI runs it (.ci/run)"),
        "Tests/Fuzz/corpus-work/build/<target>-fuzzer FILE": .notHere("a fuzzer build and a crash to reproduce"),
        "ASAN_OPTIONS=detect_leaks=0 swift test --sanitize=address --scratch-path .build-asan": .notHere(swiftTool),
        "swift test --sanitize=thread --scratch-path .build-tsan": .notHere(swiftTool),
    ]

    /// The commands of the README: each line of an `sh` block (a trailing `# comment` cut off) and each
    /// code span that starts like a command. A bare `odag-sync NAME` in prose names a command.
    static func commands(_ text: String) -> Set<String> {
        var found: Set<String> = []
        var inShell = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                inShell = line == "```sh"
                continue
            }
            guard inShell else { continue }
            let command = line.replacing(/\s+#.*$/, with: "").trimmingCharacters(in: .whitespaces)
            if !command.isEmpty { found.insert(command) }
        }
        let commandStart = /^(odag-sync |swift |\.ci\/|\.build\/|install |source <|examples\/\S+\.sh|Tests\/Fuzz\/\S+ )/
        var prose = text
        while let range = prose.range(of: "```") {
            guard let end = prose[range.upperBound...].range(of: "```") else { break }
            prose.removeSubrange(range.lowerBound..<end.upperBound)
        }
        for match in prose.matches(of: /`([^`\n]+)`/) {
            let span = String(match.1)
            let isName = span.wholeMatch(of: /odag-sync [a-z]+/) != nil
            if span.firstMatch(of: commandStart) != nil || span == ".ci/run",
                !isName || span == "odag-sync validate"
                    || span == "odag-sync version"
            {
                found.insert(span)
            }
        }
        return found
    }

    @Test func everyCommandIsRunOrSaysWhyItCannotBe() throws {
        let commands = Self.commands(Self.readme)
        try #require(commands.count > 10, "the README's commands were not found")
        let unknown = commands.filter { Self.coverage[$0] == nil }.sorted()
        #expect(
            unknown.isEmpty, "README commands no test runs or explains; add each to ReadmeTests.coverage: \(unknown)")
        let gone = Set(Self.coverage.keys).subtracting(commands).sorted()
        #expect(gone.isEmpty, "commands no longer in the README: \(gone)")
        // A test named as running a command exists.
        let sources = try FileManager.default.subpathsOfDirectory(atPath: OdagSyncBinary.inPackage("Tests"))
            .filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOfFile: OdagSyncBinary.inPackage("Tests/" + $0), encoding: .utf8) }
            .joined()
        for case .by(let test) in Self.coverage.values {
            #expect(sources.contains("func \(test)("), "no test \(test)")
        }
    }

    @Test func versionHelpAndValidateRunAsShown() async throws {
        let version = try await OdagSyncBinary.run(["version"])
        #expect(version.code == 0 && version.stdout.hasPrefix("odag-sync "), "\(version)")
        let help = try await OdagSyncBinary.run(["help", "plan"])
        let planHelp = try await OdagSyncBinary.run(["plan", "--help"])
        #expect(help.code == 0 && help.stdout == planHelp.stdout && help.stdout.contains("Usage:"), "\(help)")
        // "odag-sync validate lists every problem at once": in a project, as a user runs it.
        let validate = try await OdagSyncBinary.run(["validate"], in: ExamplesTests.example("multi-env"))
        #expect(validate.code == 0, "\(validate)")
        let broken = try TemporaryFolder(prefix: "readme")
        defer { broken.remove() }
        try broken.write("odag-sync.json", #"{"manifests": ["links"]}"#)
        try broken.write(
            "links/a.json",
            #"{"links": [{"name": "A", "selectionAppId": "x", "templateAppId": "y"}, {"name": "A"}]}"#)
        let problems = try await OdagSyncBinary.run(["validate"], in: broken.root)
        #expect(problems.code == 1, "\(problems)")
        let located = problems.stderr.split(separator: "\n").filter { $0.hasPrefix("links/a.json:") }
        #expect(located.count >= 3, "every problem, each as file:line:column: \(problems.stderr)")
    }

    /// The install steps with a user's folder instead of `/usr/local/bin` (which needs root): the
    /// binary runs from there, and a cron job finds it there (see ExamplesCronTests).
    @Test func installPutsTheBinaryWhereItRuns() async throws {
        let home = try TemporaryFolder(prefix: "home")
        defer { home.remove() }
        let command = try #require(Self.coverage.keys.first { $0.contains("~/.local/bin") })
        let script =
            "mkdir -p ~/.local/bin && " + command.replacingOccurrences(of: ".build/release/odag-sync", with: "\"$0\"")
            + " && ~/.local/bin/odag-sync version"
        let run = try await ChildProcess.run(
            "/bin/bash", ["--noprofile", "--norc", "-c", script, OdagSyncBinary.path],
            environment: ["PATH": "/usr/bin:/bin", "HOME": home.root], directory: home.root)
        #expect(run.code == 0 && run.stdout.hasPrefix("odag-sync "), "\(run)")
    }

    /// The release tarball steps after `.ci/release` (whose static build takes minutes), on a
    /// tarball of the built binary in the same layout, installing into a folder of the test
    /// instead of `/usr/local/bin`.
    @Test func releaseTarballStepsRunAsShown() async throws {
        let block = try #require(
            Self.readme.components(separatedBy: "```sh\n").first { $0.hasPrefix(".ci/release ") }?
                .components(separatedBy: "```").first)
        let steps = block.split(separator: "\n").dropFirst().map(String.init)
        try #require(steps.first?.hasPrefix("cd dist && sha256sum --check") == true, "\(steps)")
        let folder = try TemporaryFolder(prefix: "release")
        defer { folder.remove() }
        let name = "odag-sync-0.1.0-linux-x86_64"
        try folder.copy(OdagSyncBinary.path, to: "stage/\(name)/odag-sync")
        try folder.copy(OdagSyncBinary.inPackage("LICENSE"), to: "stage/\(name)/LICENSE")
        try FileManager.default.createDirectory(atPath: folder.path("dist"), withIntermediateDirectories: true)
        let pack = try await ChildProcess.run(
            "/bin/bash",
            [
                "-ec",
                "tar -czf ../dist/\(name).tar.gz \(name) && cd ../dist && sha256sum \(name).tar.gz > \(name).tar.gz.sha256",
            ], environment: ["PATH": "/usr/bin:/bin"], directory: folder.path("stage"))
        try #require(pack.code == 0, "\(pack)")
        let script = steps.joined(separator: "\n")
            .replacingOccurrences(of: "/usr/local/bin/odag-sync", with: folder.path("bin/odag-sync"))
            .replacingOccurrences(of: "\nodag-sync version", with: "\n\(folder.path("bin/odag-sync")) version")
        try FileManager.default.createDirectory(atPath: folder.path("bin"), withIntermediateDirectories: true)
        let run = try await ChildProcess.run(
            "/bin/bash", ["--noprofile", "--norc", "-ec", script], environment: ["PATH": "/usr/bin:/bin"],
            directory: folder.root)
        #expect(run.code == 0 && run.stdout.contains("odag-sync 0.1.0"), "\(script)\n\(run)")
        #expect(run.stdout.contains("\(name).tar.gz: OK"), "the checksum was checked: \(run)")
    }

    @Test func completionLoadsAsShown() async throws {
        let run = try await ChildProcess.run(
            "/bin/bash",
            [
                "--noprofile", "--norc", "-c", "source <(\"$0\" completion bash) && complete -p odag-sync",
                OdagSyncBinary.path,
            ],
            environment: ["PATH": "/usr/bin:/bin"], directory: "/")
        #expect(run.code == 0 && run.stdout.contains("-F _odag_sync odag-sync"), "\(run)")
    }

    @Test func planWithAnInProcessEmulatorAndTheEmulatorCommand() async throws {
        let folder = try TemporaryFolder(prefix: "readme")
        defer { folder.remove() }
        let state = try folder.copy(ExamplesTests.example("quickstart/emulator-state.json"), to: "state.json")
        let plan = try await OdagSyncBinary.run(
            ["plan", "--emulator", state, "--detailed-exitcode", "examples/quickstart/links"])
        #expect(plan.code == 2 && plan.stdout.contains("Plan: 1 to create, 1 to update, 1 to replace"), "\(plan)")

        let emulator = try ChildProcess(
            OdagSyncBinary.path, ["emulator", "--port", "0", "--state", state],
            environment: OdagSyncBinary.environment(),
            directory: folder.root)
        let first = try await emulator.firstLine()
        #expect(first.hasPrefix("listening on http://127.0.0.1:") && first.hasSuffix("/api/odag/v1"), "\(first)")
        // A plan against it.
        let url = String(first.dropFirst("listening on ".count))
        let served = try await OdagSyncBinary.run(
            ["plan", "--server", url, "--detailed-exitcode", "examples/quickstart/links"])
        #expect(served.code == 2 && served.stdout.contains("Plan: 1 to create, 1 to update, 1 to replace"), "\(served)")
        #expect(try await emulator.stop(signal: SIGTERM) == 0)
    }

    /// The quick start's last paragraph: edit `maxAge`, plan (an update), apply it, plan with
    /// `--prune` (the hand-made link's delete). The manifests are a copy: the clone stays as it is.
    @Test func quickStartNextStepsShowAnUpdateThenAPrune() async throws {
        #expect(Self.readme.contains(#"(say, `"maxAge": 60`) and run `plan` with the same"#))
        #expect(Self.readme.contains("add `--prune` to see the hand-made link planned for deletion"))
        let folder = try TemporaryFolder(prefix: "readme")
        defer { folder.remove() }
        let state = try folder.copy(ExamplesTests.example("quickstart/emulator-state.json"), to: "state.json")
        try folder.copy(ExamplesTests.example("quickstart/links"), to: "links")
        let first = try await OdagSyncBinary.run(
            ["apply", "--emulator", state, "--auto-approve", "links"], in: folder.root)
        try #require(first.code == 0, "\(first)")
        let sales = folder.read("links/sales.json")
        let edited = sales.replacing(/"maxAge": 720/, with: #""maxAge": 60"#, maxReplacements: 1)
        try #require(edited != sales, "the quick start's sales.json has no \"maxAge\": 720")
        try folder.write("links/sales.json", edited)

        let plan = try await OdagSyncBinary.run(["plan", "--emulator", state, "links"], in: folder.root)
        #expect(plan.code == 0, "\(plan)")
        #expect(plan.stdout.contains("~ update \"Quickstart Sales detail by region\""), "\(plan.stdout)")
        #expect(plan.stdout.contains("properties.retention.maxAge: 720 → 60"), "\(plan.stdout)")
        let apply = try await OdagSyncBinary.run(
            ["apply", "--emulator", state, "--auto-approve", "links"], in: folder.root)
        #expect(apply.code == 0 && apply.stdout.contains("Apply complete: 1 succeeded"), "\(apply)")
        let prune = try await OdagSyncBinary.run(["plan", "--emulator", state, "--prune", "links"], in: folder.root)
        #expect(prune.code == 0, "\(prune)")
        #expect(prune.stdout.contains("- delete \"Legacy export (made by hand)\""), "\(prune.stdout)")
        #expect(prune.stdout.contains("0 to create, 0 to update, 0 to replace, 1 to delete"), "\(prune.stdout)")
    }

    /// "apply PLANFILE never asks for confirmation", on a real terminal (`script` gives the child a
    /// pseudo-terminal whose input ends at once): apply with manifests asks and, with no "yes",
    /// changes nothing; apply of a saved plan does not ask and applies.
    @Test func applyOfASavedPlanNeverAsksEvenOnATerminal() async throws {
        let folder = try TemporaryFolder(prefix: "readme")
        defer { folder.remove() }
        let state = try folder.copy(ExamplesTests.example("quickstart/emulator-state.json"), to: "state.json")
        let links = ExamplesTests.example("quickstart/links")
        func onATerminal(_ arguments: [String]) async throws -> ProcessResult {
            let command = ([OdagSyncBinary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
            return try await ChildProcess.run(
                "/usr/bin/script", ["-qec", command, "/dev/null"], environment: OdagSyncBinary.environment(),
                directory: folder.root)
        }
        let asked = try await onATerminal(["apply", "--emulator", state, links])
        #expect(asked.stdout.contains("Do you want to apply these changes"), "\(asked)")
        #expect(asked.code == 1 && asked.stdout.contains("apply cancelled; nothing was changed"), "\(asked)")

        let plan = try await OdagSyncBinary.run(
            ["plan", "--emulator", state, "--out", folder.path("saved.plan.json"), links])
        try #require(plan.code == 0, "\(plan)")
        let applied = try await onATerminal(["apply", folder.path("saved.plan.json")])
        #expect(!applied.stdout.contains("Do you want"), "\(applied)")
        #expect(applied.code == 0 && applied.stdout.contains("Apply complete: 3 succeeded"), "\(applied)")
    }

    /// The shared-options table lists options every server command accepts, and each command's
    /// `--output` formats are the ones it takes.
    @Test func theOptionsTableMatchesTheCommands() throws {
        let section = try #require(Self.readme.range(of: "Shared options of the commands that talk to a server"))
        let table = Self.readme[section.upperBound...].components(separatedBy: "\n\n").dropFirst().first ?? ""
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| `") }
        try #require(rows.count > 5, "\(table)")
        let serverCommands = ["plan", "apply", "drift", "export"]
        for row in rows {
            let first = row.split(separator: "|").first.map(String.init) ?? ""
            for option in first.matches(of: /`(--[a-z-]+)/).map({ String($0.1) }) {
                for name in serverCommands {
                    let command = try #require(CommandLineTool.command(named: name))
                    #expect(command.options.contains { $0.name == option }, "\(name) has no \(option)")
                }
            }
        }
        for (name, formats) in CompletionCommand.outputFormats {
            #expect(Self.readme.contains("`\(name)`: ") || name == "validate", "\(name) has no bullet")
            #expect(Self.readme.contains("`--output \(formats.joined(separator: "|"))`"), "\(name): \(formats)")
        }
    }
}

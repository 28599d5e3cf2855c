import Foundation
import ODAGCore
import ODAGEmulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The CI recipes in `examples/ci`: the install script with a release tarball built here, and the
/// recipes' shell steps run job by job as the CI system would run them, with the variables the
/// YAML gives each job resolved from stand-in secrets and settings.
@Suite struct ExamplesCITests {
    static let installScript = ExamplesTests.example("ci/install-odag-sync.sh")

    /// A release tarball in `.ci/release`'s layout, holding the built binary.
    struct Release {
        let path: String
        let sha256: String
        var url: String { "file://" + path }
    }

    /// Packs the built binary as `odag-sync-<version>-linux-<arch>.tar.gz` in `folder`.
    static func release(in folder: TemporaryFolder, version: String = "0.0.0-test") async throws -> Release {
        let name = "odag-sync-\(version)-linux-x86_64"
        try folder.copy(OdagSyncBinary.path, to: "release/\(name)/odag-sync")
        try folder.copy(OdagSyncBinary.inPackage("LICENSE"), to: "release/\(name)/LICENSE")
        let tar = try await ChildProcess.run(
            "/usr/bin/tar", ["-czf", "\(name).tar.gz", name], environment: [:], directory: folder.path("release"))
        try #require(tar.code == 0, "\(tar)")
        let path = folder.path("release/\(name).tar.gz")
        let sum = try await ChildProcess.run("/usr/bin/sha256sum", [path], environment: [:], directory: folder.root)
        let sha256 = String(sum.stdout.prefix(64))
        try #require(sum.code == 0 && sha256.count == 64, "\(sum)")
        return Release(path: path, sha256: sha256)
    }

    static func install(_ arguments: [String], cache: String? = nil, in folder: TemporaryFolder) async throws
        -> ProcessResult
    {
        var environment = ["PATH": "/usr/bin:/bin"]
        environment["ODAG_SYNC_CACHE"] = cache
        return try await ChildProcess.run(installScript, arguments, environment: environment, directory: folder.root)
    }

    @Test func installsAReleaseWhoseChecksumMatches() async throws {
        let folder = try TemporaryFolder(prefix: "install")
        defer { folder.remove() }
        let release = try await Self.release(in: folder)
        let run = try await Self.install([release.url, release.sha256.uppercased(), folder.path("bin")], in: folder)
        #expect(run.code == 0, "\(run)")
        let installed = folder.path("bin/odag-sync")
        let mode = try FileManager.default.attributesOfItem(atPath: installed)[.posixPermissions] as? Int
        #expect(mode == 0o755)
        let version = try await ChildProcess.run(installed, ["version"], environment: [:], directory: folder.root)
        #expect(version.code == 0 && version.stdout.hasPrefix("odag-sync "), "\(version)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("bin")) == ["odag-sync"])
    }

    @Test func refusesATarballWhoseChecksumDiffersAndInstallsNothing() async throws {
        let folder = try TemporaryFolder(prefix: "install")
        defer { folder.remove() }
        let release = try await Self.release(in: folder)
        try folder.write("bin/odag-sync", "the binary installed before\n")
        let wrong = String(repeating: "0", count: 64)
        let run = try await Self.install([release.url, wrong, folder.path("bin")], in: folder)
        #expect(run.code == 1, "\(run)")
        #expect(
            run.stderr.contains("refused \(release.url): its SHA-256 is \(release.sha256), not the expected \(wrong)"))
        #expect(folder.read("bin/odag-sync") == "the binary installed before\n", "nothing replaced")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("bin")) == ["odag-sync"])

        let fresh = try await Self.install([release.url, wrong, folder.path("new-bin")], in: folder)
        #expect(fresh.code == 1)
        #expect(!folder.exists("new-bin"), "no folder made for a refused install")
    }

    @Test func refusesBadArgumentsAndArchivesOfAnotherLayout() async throws {
        let folder = try TemporaryFolder(prefix: "install")
        defer { folder.remove() }
        let notHex = try await Self.install(["file:///nowhere", "abc", folder.path("bin")], in: folder)
        #expect(notHex.code == 64 && notHex.stderr.contains("\"abc\" is not a SHA-256"), "\(notHex)")
        let missing = try await Self.install(
            ["file://" + folder.path("none.tar.gz"), String(repeating: "a", count: 64), folder.path("bin")],
            in: folder)
        #expect(missing.code == 1 && missing.stderr.contains("cannot download"), "\(missing)")

        // A tarball with the right checksum but not the release layout (the binary at the top).
        try folder.copy(OdagSyncBinary.path, to: "flat/odag-sync")
        let tar = try await ChildProcess.run(
            "/usr/bin/tar", ["-czf", "../flat.tar.gz", "odag-sync"], environment: [:], directory: folder.path("flat"))
        try #require(tar.code == 0)
        let sum = try await ChildProcess.run(
            "/usr/bin/sha256sum", [folder.path("flat.tar.gz")], environment: [:], directory: folder.root)
        let flat = try await Self.install(
            ["file://" + folder.path("flat.tar.gz"), String(sum.stdout.prefix(64)), folder.path("bin")], in: folder)
        #expect(flat.code == 1 && flat.stderr.contains("does not hold one odag-sync-<version>-linux-<arch>/odag-sync"))
        #expect(!folder.exists("bin"))
    }

    /// A release whose binary does not run here (another architecture, a broken build) installs nothing.
    @Test func refusesABinaryThatDoesNotRun() async throws {
        let folder = try TemporaryFolder(prefix: "install")
        defer { folder.remove() }
        let name = "odag-sync-0.0.0-test-linux-aarch64"
        try folder.write("release/\(name)/odag-sync", "#!/bin/sh\nexit 126\n")
        try #require(chmod(folder.path("release/\(name)/odag-sync"), 0o755) == 0)
        let tar = try await ChildProcess.run(
            "/usr/bin/tar", ["-czf", "\(name).tar.gz", name], environment: [:], directory: folder.path("release"))
        try #require(tar.code == 0, "\(tar)")
        let sum = try await ChildProcess.run(
            "/usr/bin/sha256sum", [folder.path("release/\(name).tar.gz")], environment: [:], directory: folder.root)
        let run = try await Self.install(
            ["file://" + folder.path("release/\(name).tar.gz"), String(sum.stdout.prefix(64)), folder.path("bin")],
            in: folder)
        #expect(run.code == 1 && run.stderr.contains("does not run on this machine"), "\(run)")
        #expect(!folder.exists("bin"))
    }

    /// A cached tarball is used without downloading; a tampered one is never installed.
    @Test func reusesACachedTarballOnlyWhenItsChecksumMatches() async throws {
        let folder = try TemporaryFolder(prefix: "install")
        defer { folder.remove() }
        let release = try await Self.release(in: folder)
        let cache = folder.path("cache")
        let first = try await Self.install(
            [release.url, release.sha256, folder.path("bin1")], cache: cache, in: folder)
        #expect(first.code == 0, "\(first)")
        #expect(folder.exists("cache/\(release.sha256).tar.gz"))

        let unreachable = "file://" + folder.path("gone.tar.gz")
        let cached = try await Self.install(
            [unreachable, release.sha256, folder.path("bin2")], cache: cache, in: folder)
        #expect(cached.code == 0 && cached.stderr.contains("using the cached"), "\(cached)")
        #expect(folder.exists("bin2/odag-sync"))

        try folder.write("cache/\(release.sha256).tar.gz", "planted by a pull request")
        let tampered = try await Self.install(
            [unreachable, release.sha256, folder.path("bin3")], cache: cache, in: folder)
        #expect(tampered.code == 1, "\(tampered)")
        #expect(tampered.stderr.contains("does not match its SHA-256"), "\(tampered.stderr)")
        #expect(!folder.exists("bin3"))
    }

    // MARK: - The recipes

    /// Stand-ins for the CI system's secrets and settings.
    struct Settings {
        let planToken = "plan-token-\(UUID().uuidString)"
        let applyToken = "apply-token-\(UUID().uuidString)"
        var values: [String: String] = [:]
    }

    /// An emulator that accepts one token; restarted on the same port and state file with another
    /// token for the next job, so each job is shown to hold the credential it needs and not the other.
    final class TokenServer {
        let folder: TemporaryFolder
        let statePath: String
        var port = 0
        var emulator: Emulator?

        init() throws {
            folder = try TemporaryFolder(prefix: "ci-server")
            statePath = try folder.write(
                "state.json",
                JSONWriter.string(["formatVersion": 1, "links": [E2E.live(1, "Hand made elsewhere")], "requests": []]))
        }

        var url: String { "http://127.0.0.1:\(port)/api/odag/v1" }

        func start(token: String) throws {
            emulator?.stop()
            var configuration = EmulatorConfiguration(host: "127.0.0.1", port: port, statePath: statePath)
            configuration.requireToken = token
            let started = try Emulator.start(configuration)
            if port == 0 { port = started.port }
            emulator = started
        }

        func names() throws -> [String] {
            let state = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: statePath))))
            return (state["links"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.sorted()
        }

        deinit {
            emulator?.stop()
            folder.remove()
        }
    }

    /// `value` with `${{ secrets.X }}`, `${{ vars.X }}` (GitHub) or a whole `$X` (GitLab) replaced
    /// from `settings`; nil when it names a setting the job does not get.
    static func resolve(_ value: String, _ settings: [String: String]) -> String? {
        if let match = value.firstMatch(of: /^\$\{\{\s*(?:secrets|vars)\.([A-Z0-9_]+)\s*\}\}$/) {
            return settings[String(match.1)]
        }
        if let match = value.firstMatch(of: /^\$([A-Z0-9_]+)$/) { return settings[String(match.1)] }
        return value
    }

    /// Runs `scripts` job by job in `checkout` against `server`, with each job's variables resolved
    /// from `settings`, the emulator requiring `tokens[job]` (if any), and a fresh runner temp folder
    /// per job. `GITHUB_PATH` lines are put first on `PATH` for the job's later steps, as GitHub does.
    static func runJobs(
        _ scripts: [CIWorkflow.Script], checkout: TemporaryFolder, server: TokenServer,
        settings: [String: String], tokens: [String: String], predefined: [String: String]
    ) async throws -> [ProcessResult] {
        var results: [ProcessResult] = []
        var currentJob = ""
        var runner = try TemporaryFolder(prefix: "runner")
        defer { runner.remove() }
        for (index, script) in scripts.enumerated() {
            if script.job != currentJob {
                currentJob = script.job
                runner.remove()
                runner = try TemporaryFolder(prefix: "runner")
                if let token = tokens[script.job] { try server.start(token: token) }
            }
            var environment = predefined
            environment["PATH"] = "/usr/bin:/bin"
            environment["HOME"] = runner.path("home")
            environment["RUNNER_TEMP"] = runner.root
            environment["GITHUB_PATH"] = runner.path("github-path")
            for (name, value) in script.environment {
                environment[name] = resolve(value, settings)
            }
            let added = runner.read("github-path").split(separator: "\n").reversed().map(String.init)
            environment["PATH"] = (added + ["/usr/bin:/bin"]).joined(separator: ":")
            let file = try runner.write("step-\(index).sh", script.text + "\n")
            let run = try await ChildProcess.run(
                "/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", file], environment: environment,
                directory: checkout.root)
            #expect(run.code == 0, "step \(index) failed:\n\(script)\n\(run)")
            for secret in [settings["ODAG_PLAN_TOKEN"], settings["ODAG_APPLY_TOKEN"]].compactMap({ $0 }) {
                #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret), "step \(index) printed a token")
            }
            results.append(run)
        }
        return results
    }

    /// The multi-env project as a repository using the recipes: the install script where they expect it.
    static func checkout() throws -> TemporaryFolder {
        let checkout = try ExamplesTests.multiEnvCopy()
        try checkout.copy(installScript, to: "ci/install-odag-sync.sh")
        return checkout
    }

    /// What a plan job followed by an apply job must leave behind.
    static func expectAppliedProd(checkout: TemporaryFolder, server: TokenServer, settings: Settings) throws {
        let plan = try #require(E2E.json(checkout.read("prod.plan.json")), "no prod.plan.json")
        #expect(plan["environment"] == "prod")
        #expect(plan["server"]?.stringValue == server.url, "the server comes from the CI settings")
        #expect(checkout.read("plan.md").contains("Sales detail by region"))
        for token in [settings.planToken, settings.applyToken] {
            #expect(!checkout.read("prod.plan.json").contains(token) && !checkout.read("plan.md").contains(token))
        }
        let report = try #require(E2E.json(checkout.read("apply-report.json")), "no apply report")
        #expect(report["summary"] == ["succeeded": 2, "failed": 0, "notStarted": 0], "\(report)")
        #expect(try server.names() == ["Hand made elsewhere", "Sales detail by region", "Sales returns"])
    }

    @Test func githubActionsPlansWithTheReadCredentialAndAppliesWithTheProtectedOne() async throws {
        let yaml = try String(contentsOfFile: ExamplesTests.example("ci/github-actions.yml"), encoding: .utf8)
        let scripts = CIWorkflow.githubRuns(yaml).filter { !$0.text.contains("gh pr comment") }
        #expect(scripts.map(\.job) == ["plan", "plan", "plan", "apply", "apply"], "\(scripts)")
        // Which credential each job is given, and from where the server comes.
        let jobs = Dictionary(grouping: scripts, by: \.job)
        #expect(jobs["plan"]?.allSatisfy { $0.environment["ODAG_TOKEN"] == "${{ secrets.ODAG_PLAN_TOKEN }}" } == true)
        #expect(jobs["apply"]?.allSatisfy { $0.environment["ODAG_TOKEN"] == "${{ secrets.ODAG_APPLY_TOKEN }}" } == true)
        #expect(scripts.allSatisfy { $0.environment["ODAG_SERVER"] == "${{ vars.ODAG_SERVER }}" })
        #expect(!scripts.contains { $0.text.contains("--server") || $0.text.contains("${{") }, "no expression in shell")
        #expect(!yaml.contains("swift build") && !yaml.contains("swift run"), "no recipe builds from source")
        let applyJob = try #require(yaml.range(of: "\n  apply:\n")).upperBound
        #expect(yaml[..<applyJob].components(separatedBy: "secrets.ODAG_APPLY_TOKEN").count == 1)
        #expect(yaml[applyJob...].contains("    environment: production\n"))
        #expect(yaml[applyJob...].contains("    concurrency:\n      group: odag-sync-apply-production\n"))

        let folder = try TemporaryFolder(prefix: "ci")
        let checkout = try Self.checkout()
        let server = try TokenServer()
        defer {
            folder.remove()
            checkout.remove()
        }
        let release = try await Self.release(in: folder)
        var settings = Settings()
        try server.start(token: settings.planToken)
        settings.values = [
            "ODAG_SERVER": server.url, "ODAG_SYNC_URL": release.url, "ODAG_SYNC_SHA256": release.sha256,
            "ODAG_PLAN_TOKEN": settings.planToken, "ODAG_APPLY_TOKEN": settings.applyToken,
        ]
        let predefined = [
            "GITHUB_EVENT_NAME": "push", "GITHUB_STEP_SUMMARY": folder.path("step-summary.md"), "CI": "true",
        ]
        let tokens = ["plan": settings.planToken, "apply": settings.applyToken]
        _ = try await Self.runJobs(
            scripts, checkout: checkout, server: server, settings: settings.values, tokens: tokens,
            predefined: predefined)
        try Self.expectAppliedProd(checkout: checkout, server: server, settings: settings)
        #expect(folder.read("step-summary.md").contains("Sales detail by region"), "reviewers read the plan here")

        // The next push: a clean plan, an apply of nothing; both succeed and nothing changes.
        let names = try server.names()
        _ = try await Self.runJobs(
            scripts, checkout: checkout, server: server, settings: settings.values, tokens: tokens,
            predefined: predefined)
        #expect(try server.names() == names)
    }

    @Test func gitlabPlansWithUnprotectedVariablesAndAppliesWithProtectedOnes() async throws {
        let yaml = try String(contentsOfFile: ExamplesTests.example("ci/gitlab-ci.yml"), encoding: .utf8)
        let scripts = CIWorkflow.gitlabScripts(yaml)
        #expect(scripts.map(\.job) == ["validate", "plan", "apply"], "\(scripts)")
        let byJob = Dictionary(uniqueKeysWithValues: scripts.map { ($0.job, $0) })
        #expect(byJob["validate"]?.environment["ODAG_TOKEN"] == nil)
        #expect(byJob["plan"]?.environment["ODAG_TOKEN"] == "$ODAG_PLAN_TOKEN")
        #expect(byJob["apply"]?.environment["ODAG_TOKEN"] == "$ODAG_APPLY_TOKEN")
        #expect(!scripts.contains { $0.text.contains("--server") || $0.text.contains("ODAG_APPLY_TOKEN") })
        #expect(!yaml.contains("swift build") && !yaml.contains("swift run"), "no recipe builds from source")
        let applyJob = try #require(yaml.range(of: "\napply:\n")).upperBound
        #expect(yaml[applyJob...].contains("  environment: production\n"))
        #expect(yaml[applyJob...].contains("  resource_group: production\n"), "one apply at a time")

        let folder = try TemporaryFolder(prefix: "ci")
        let checkout = try Self.checkout()
        let server = try TokenServer()
        defer {
            folder.remove()
            checkout.remove()
        }
        let release = try await Self.release(in: folder)
        var settings = Settings()
        try server.start(token: settings.planToken)
        let unprotected = [
            "ODAG_SERVER": server.url, "ODAG_SYNC_URL": release.url, "ODAG_SYNC_SHA256": release.sha256,
            "ODAG_PLAN_TOKEN": settings.planToken, "GITLAB_API_TOKEN": "not-used",
        ]
        let predefined = ["CI": "true", "CI_PROJECT_DIR": checkout.root, "CI_DEFAULT_BRANCH": "main"]

        // A merge-request pipeline: its branch is not protected, so it gets no protected variable.
        // Its plan runs all the same (without a comment here: there is no GitLab API to post to).
        settings.values = unprotected
        let mergeRequest = scripts.filter { $0.job != "apply" }
        _ = try await Self.runJobs(
            mergeRequest, checkout: checkout, server: server, settings: settings.values,
            tokens: ["plan": settings.planToken],
            // GitLab gives every CI/CD variable the pipeline may see to every job.
            predefined: predefined.merging(settings.values) { $1 }
                .merging(["CI_PIPELINE_SOURCE": "merge_request_event"]) { $1 })
        #expect(checkout.read("plan.md").contains("Sales detail by region"))
        #expect(try server.names() == ["Hand made elsewhere"], "a plan changes nothing")

        // The pipeline of main, a protected branch: the apply job deploys to "production" and gets
        // the protected, environment-scoped apply token.
        settings.values = unprotected.merging(["ODAG_APPLY_TOKEN": settings.applyToken]) { $1 }
        _ = try await Self.runJobs(
            scripts, checkout: checkout, server: server, settings: settings.values,
            tokens: ["plan": settings.planToken, "apply": settings.applyToken],
            predefined: predefined.merging(settings.values) { $1 }
                .merging(["CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"]) { $1 })
        try Self.expectAppliedProd(checkout: checkout, server: server, settings: settings)
    }

    /// A CI system cancelling the apply job sends SIGTERM: handled like a first Ctrl-C (no new change
    /// starts, the report says what was not started, exit 1); a second SIGTERM quits at once (130).
    @Test func cancellingTheApplyJobStopsItLikeCtrlC() async throws {
        let server = try TestEmulator { $0.latencyMs = 150 }
        let project = try TemporaryFolder(prefix: "cancel")
        defer { project.remove() }
        // Enough changes (150 ms each, one at a time) that the signal lands mid-run on a starved machine.
        let count = 120
        try project.write("links/sales.json", E2E.manifest((1...count).map { E2E.declared("Sales \($0)") }))
        let plan = try await OdagSyncBinary.run(
            ["plan", "--server", server.url, "--out", "prod.plan.json", "links"], in: project.root)
        try #require(plan.code == 0, "\(plan)")

        let apply = try ChildProcess(
            OdagSyncBinary.path,
            ["apply", "prod.plan.json", "--parallelism", "1"],
            environment: OdagSyncBinary.environment(["ODAG_SERVER": server.url]), directory: project.root)
        try await apply.waitFor("the first change", timeout: .seconds(60)) { $0.stderr.contains("[1/\(count)]") }
        let code = try await apply.stop(signal: SIGTERM, timeout: .seconds(30))
        #expect(code == 1, "stdout: \(apply.stdout.suffix(2000))\nstderr: \(apply.stderr.suffix(2000))")
        #expect(apply.stderr.contains("Interrupted: starting no new changes"), "\(apply.stderr.suffix(2000))")
        let summary = try #require(
            apply.stdout.firstMatch(of: /Apply interrupted: (\d+) succeeded, (\d+) failed, (\d+) not started/)
                ?? apply.stdout.firstMatch(of: /(\d+) succeeded, (\d+) failed, (\d+) not started/),
            "\(apply.stdout.suffix(2000))")
        let notStarted = Int(summary.3) ?? 0
        #expect(notStarted > 0 && notStarted < count, "\(summary.0)")
        #expect(try server.names().count == count - notStarted, "the changes in flight finished")

        // A second signal quits at once: against a server that lists no links and answers no create
        // while the test runs, so the first change stays in flight for as long as the test needs.
        let createArrived = Observed(false)
        let release = DispatchSemaphore(value: 0)
        let silent = try HTTPServer { request in
            if request.method == "GET" && request.path.hasSuffix("/links") {
                return .text(200, "[]", contentType: "application/json")
            }
            createArrived.update { $0 = true }
            release.wait()
            return .drop
        }
        defer {
            for _ in 0..<8 { release.signal() }
            silent.stop()
        }
        let second = try ChildProcess(
            OdagSyncBinary.path,
            [
                // A server without links cannot tell its flavour: name it, as a real one needs.
                "apply", "--server", "http://127.0.0.1:\(silent.port)/api/odag/v1", "--api", "document",
                "--auto-approve", "--parallelism", "1", "--timeout", "600", "links",
            ],
            environment: OdagSyncBinary.environment(), directory: project.root)
        _ = try await createArrived.wait(for: "the first create", timeout: .seconds(120)) { $0 }
        second.send(SIGTERM)
        try await second.waitFor("the interruption", timeout: .seconds(60)) { $0.stderr.contains("Interrupted") }
        let quit = try await second.stop(signal: SIGTERM, timeout: .seconds(60))
        #expect(quit == 130, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("Quitting now"), "\(second.stderr)")
    }
}

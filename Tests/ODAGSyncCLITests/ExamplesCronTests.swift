import Foundation
import ODAGCore
import Testing

/// `examples/cron/odag-sync-drift.sh` run the way cron runs it: through `env -i` with cron's
/// `PATH=/usr/bin:/bin` and only the variables a crontab line sets, so nothing of the test's own
/// environment (the binary's folder on `PATH`, `ODAG_*` variables) can make it pass.
@Suite struct ExamplesCronTests {
    static let script = ExamplesTests.example("cron/odag-sync-drift.sh")

    /// A cron-like run of the script: `env -i PATH=/usr/bin:/bin` plus `variables`, in `directory`.
    static func cronRun(
        _ variables: [String: String], arguments: [String] = [], in directory: String
    ) async throws -> ProcessResult {
        let assignments = variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try await ChildProcess.run(
            "/usr/bin/env", ["-i", "PATH=/usr/bin:/bin"] + assignments + [script] + arguments, environment: [:],
            directory: directory)
    }

    /// The metrics file, parsed, and the names of everything in the collector's folder (to show
    /// that no temporary file is left where the collector could read it).
    static func collected(_ folder: TemporaryFolder) throws -> (metrics: PrometheusText, text: String, files: [String])
    {
        let text = folder.read("collector/odag_sync.prom")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path("collector")).sorted()
        return (try PrometheusText(text), text, files)
    }

    /// A state file for the in-process emulator holding the prod links of `examples/multi-env`, made
    /// by applying them with the built binary.
    static func appliedProdState(project: String, in folder: TemporaryFolder) async throws -> String {
        let state = try folder.write("state.json", #"{"links": []}"#)
        let apply = try await OdagSyncBinary.run(
            ["apply", "--env", "prod", "--emulator", state, "--auto-approve"], in: project)
        try #require(apply.code == 0, "\(apply)")
        return state
    }

    @Test func withoutTheBinaryTheMetricsSayTheRunFailed() async throws {
        let folder = try TemporaryFolder(prefix: "cron")
        defer { folder.remove() }
        // Last night's good run, which must not survive a run that could not check anything.
        try folder.write(
            "collector/odag_sync.prom",
            "odag_sync_drift_detected{server=\"s\",environment=\"prod\"} 0\n"
                + "odag_sync_last_run_success{server=\"s\",environment=\"prod\"} 1\n")
        try folder.write("collector/odag_sync_drift.json", "{}")
        let missing = folder.path("not-installed/odag-sync")
        let run = try await Self.cronRun(
            [
                "ODAG_SYNC_PROJECT": ExamplesTests.example("multi-env"), "TEXTFILE_DIR": folder.path("collector"),
                "ODAG_SYNC_BIN": missing,
            ], in: folder.root)
        #expect(run.code == 127, "\(run)")
        #expect(run.stderr.contains("ODAG_SYNC_BIN=\(missing) is not an executable file"), "\(run.stderr)")
        let (metrics, text, files) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 0, "\(text)")
        #expect(metrics.value("odag_sync_drift_detected") == nil, "no drift figures from a check that never ran")
        let timestamp = try #require(metrics.value("odag_sync_last_run_timestamp_seconds"), "\(text)")
        #expect(abs(timestamp - Date().timeIntervalSince1970) < 24 * 3600, "the run's own time: \(timestamp)")
        #expect(metrics.samples.allSatisfy { $0.labels["environment"] == "prod" }, "\(text)")
        #expect(files == ["odag_sync.prom"], "no temporary file left, no stale report kept: \(files)")
        let mode =
            try FileManager.default.attributesOfItem(atPath: folder.path("collector/odag_sync.prom"))[
                .posixPermissions] as? Int
        #expect(mode == 0o644, "node-exporter runs as another user and must read it")
    }

    @Test func aMissingProjectFolderIsAFailedRun() async throws {
        let folder = try TemporaryFolder(prefix: "cron")
        defer { folder.remove() }
        let run = try await Self.cronRun(
            [
                "ODAG_SYNC_PROJECT": folder.path("no-checkout"), "TEXTFILE_DIR": folder.path("collector"),
                "ODAG_SYNC_BIN": OdagSyncBinary.path, "ODAG_SERVER": "https://qlik.example.com/api/odag/v1",
            ], in: folder.root)
        #expect(run.code == 1, "\(run)")
        #expect(run.stderr.contains("cannot enter the project folder"), "\(run.stderr)")
        let (metrics, text, _) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 0, "\(text)")
        #expect(
            metrics.samples.allSatisfy { $0.labels["server"] == "https://qlik.example.com/api/odag/v1" },
            "labelled with ODAG_SERVER, like the command's own series: \(text)")
    }

    /// cron's PATH has no odag-sync; the script finds it in `~/.local/bin` (as a user's install
    /// puts it) and runs a real drift check against the emulator, arguments passed through.
    @Test func findsTheBinaryOffPathAndChecksForDrift() async throws {
        let folder = try TemporaryFolder(prefix: "cron")
        let project = try ExamplesTests.multiEnvCopy()
        defer {
            folder.remove()
            project.remove()
        }
        let home = folder.path("home")
        try FileManager.default.createDirectory(atPath: home + "/.local/bin", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: home + "/.local/bin/odag-sync", withDestinationPath: OdagSyncBinary.path)
        let state = try await Self.appliedProdState(project: project.root, in: folder)
        let variables = [
            "ODAG_SYNC_PROJECT": project.root, "ODAG_SYNC_ENV": "prod", "TEXTFILE_DIR": folder.path("collector"),
            "HOME": home,
        ]

        let clean = try await Self.cronRun(variables, arguments: ["--emulator", state], in: folder.root)
        #expect(clean.code == 0, "\(clean)")
        var (metrics, text, files) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 1, "\(text)")
        #expect(metrics.value("odag_sync_drift_detected") == 0, "\(text)")
        #expect(metrics.samples.allSatisfy { $0.labels["server"] == "emulator:" + state }, "\(text)")
        #expect(files == ["odag_sync.prom", "odag_sync_drift.json"], "\(files)")
        #expect(E2E.json(folder.read("collector/odag_sync_drift.json"))?["drift"] == false)

        // Someone changes a link by hand: drift, reported in the metrics, and the cron job still succeeds.
        let live = try String(contentsOfFile: state, encoding: .utf8)
        try live.replacingOccurrences(of: #""maxAge"\s*:\s*240\b"#, with: #""maxAge": 9"#, options: .regularExpression)
            .write(toFile: state, atomically: true, encoding: .utf8)
        try #require(try String(contentsOfFile: state, encoding: .utf8) != live, "the state file's layout changed")
        let drifted = try await Self.cronRun(variables, arguments: ["--emulator", state], in: folder.root)
        #expect(drifted.code == 0, "drift is reported in the metrics, not as a failed job: \(drifted)")
        (metrics, text, files) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 1, "\(text)")
        #expect(metrics.value("odag_sync_drift_detected") == 1, "\(text)")
        let changed = metrics.samples.first { $0.name == "odag_sync_drift_links" && $0.labels["kind"] == "changed" }
        #expect(changed?.value == 1, "\(text)")
        #expect(E2E.json(folder.read("collector/odag_sync_drift.json"))?["drift"] == true)
        #expect(files == ["odag_sync.prom", "odag_sync_drift.json"], "\(files)")
    }

    /// A binary installed beside the script (as in the crontab example, /opt/odag-sync/) is found
    /// with neither PATH nor HOME pointing at it.
    @Test func findsTheBinaryBesideTheScript() async throws {
        let folder = try TemporaryFolder(prefix: "cron")
        defer { folder.remove() }
        let installed = try folder.copy(Self.script, to: "opt/odag-sync-drift.sh")
        try FileManager.default.createSymbolicLink(
            atPath: folder.path("opt/odag-sync"), withDestinationPath: OdagSyncBinary.path)
        let state = try folder.write("state.json", #"{"links": []}"#)
        let assignments = [
            "ODAG_SYNC_PROJECT=" + ExamplesTests.example("multi-env"), "TEXTFILE_DIR=" + folder.path("collector"),
        ]
        let run = try await ChildProcess.run(
            "/usr/bin/env", ["-i", "PATH=/usr/bin:/bin"] + assignments + [installed, "--emulator", state],
            environment: [:], directory: folder.root)
        #expect(run.code == 0, "\(run)")
        let (metrics, text, _) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 1, "\(text)")
        #expect(metrics.value("odag_sync_drift_detected") == 1, "both links are missing: \(text)")
    }

    /// `ODAG_SYNC_BIN` names the binary; `--token-file` reaches odag-sync; a server that refuses the
    /// run, or arguments odag-sync rejects, leave success 0 on the series an alert watches.
    @Test func passesArgumentsThroughAndReportsFailures() async throws {
        let token = "cron-token-\(UUID().uuidString)"
        let server = try TestEmulator { $0.requireToken = token }
        let folder = try TemporaryFolder(prefix: "cron")
        let project = try ExamplesTests.multiEnvCopy()
        defer {
            folder.remove()
            project.remove()
        }
        let tokenFile = try folder.write("token", token + "\n")
        let variables = [
            "ODAG_SYNC_PROJECT": project.root, "TEXTFILE_DIR": folder.path("collector"),
            "ODAG_SYNC_BIN": OdagSyncBinary.path, "ODAG_SERVER": server.url,
        ]

        let run = try await Self.cronRun(variables, arguments: ["--token-file", tokenFile], in: folder.root)
        #expect(run.code == 0, "\(run)")
        var (metrics, text, _) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 1, "\(text)")
        #expect(metrics.value("odag_sync_drift_detected") == 1, "the empty server is missing both links: \(text)")
        #expect(metrics.samples.allSatisfy { $0.labels["server"] == server.url && $0.labels["environment"] == "prod" })
        #expect(!text.contains(token) && !run.stderr.contains(token))

        let refused = try await Self.cronRun(variables, in: folder.root)
        #expect(refused.code == 1, "no token: the server answers 401: \(refused)")
        (metrics, text, _) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 0, "\(text)")
        #expect(metrics.samples.allSatisfy { $0.labels["server"] == server.url }, "the same series as a good run")
        #expect(!folder.exists("collector/odag_sync_drift.json"), "no report of an earlier run is left")

        let misused = try await Self.cronRun(variables, arguments: ["--no-such-option"], in: folder.root)
        #expect(misused.code == 64, "\(misused)")
        (metrics, text, _) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 0, "\(text)")

        // A check that cannot finish (here an unknown --target) is a failed run, whatever else it wrote.
        let incomplete = try await Self.cronRun(
            variables, arguments: ["--token-file", tokenFile, "--target", "Sales nothing"], in: folder.root)
        #expect(incomplete.code == 1, "\(incomplete)")
        (metrics, text, _) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 0, "\(text)")

        server.stop()
        let down = try await Self.cronRun(variables, arguments: ["--token-file", tokenFile], in: folder.root)
        #expect(down.code == 1, "\(down)")
        (metrics, text, _) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 0, "\(text)")
        #expect(metrics.samples.allSatisfy { $0.labels["server"] == server.url }, "\(text)")
    }

    /// With `ODAG_SYNC_PULL=1` the check runs against what was merged upstream, not against a
    /// checkout left behind; a pull that fails is a failed run, not a check of old manifests.
    @Test func pullsTheCheckoutFirstWhenAsked() async throws {
        let folder = try TemporaryFolder(prefix: "cron")
        defer { folder.remove() }
        let upstream = folder.path("upstream")
        try FileManager.default.copyItem(atPath: ExamplesTests.example("multi-env"), toPath: upstream)
        let git = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"]
        for arguments in [["init", "-q"], ["add", "."], ["commit", "-qm", "links"]] {
            let run = try await ChildProcess.run("/usr/bin/git", git + arguments, environment: [:], directory: upstream)
            try #require(run.code == 0, "\(run)")
        }
        let cloned = try await ChildProcess.run(
            "/usr/bin/git", ["clone", "-q", upstream, "checkout"], environment: [:], directory: folder.root)
        try #require(cloned.code == 0, "\(cloned)")
        let state = try await Self.appliedProdState(project: folder.path("checkout"), in: folder)

        // A change merged upstream after the checkout was made.
        let sales = upstream + "/links/sales.json"
        let text = try String(contentsOfFile: sales, encoding: .utf8)
        try text.replacingOccurrences(of: "\"maxAge\": 240", with: "\"maxAge\": 60")
            .write(toFile: sales, atomically: true, encoding: .utf8)
        let commit = try await ChildProcess.run(
            "/usr/bin/git", git + ["commit", "-qam", "shorter retention"], environment: [:], directory: upstream)
        try #require(commit.code == 0, "\(commit)")

        let variables = [
            "ODAG_SYNC_PROJECT": folder.path("checkout"), "TEXTFILE_DIR": folder.path("collector"),
            "ODAG_SYNC_BIN": OdagSyncBinary.path, "ODAG_SYNC_PULL": "1",
        ]
        let run = try await Self.cronRun(variables, arguments: ["--emulator", state], in: folder.root)
        #expect(run.code == 0, "\(run)")
        let (metrics, metricsText, _) = try Self.collected(folder)
        #expect(metrics.value("odag_sync_last_run_success") == 1, "\(metricsText)")
        #expect(metrics.value("odag_sync_drift_detected") == 1, "the merged change is not live yet: \(metricsText)")
        #expect(folder.read("checkout/links/sales.json").contains("\"maxAge\": 60"), "the checkout was pulled")

        // A folder that is not a git checkout cannot be pulled: the run fails, the metrics say so.
        let project = try ExamplesTests.multiEnvCopy()
        defer { project.remove() }
        var unpullable = variables
        unpullable["ODAG_SYNC_PROJECT"] = project.root
        let failed = try await Self.cronRun(unpullable, arguments: ["--emulator", state], in: folder.root)
        #expect(failed.code == 1, "\(failed)")
        #expect(failed.stderr.contains("git pull --ff-only in \(project.root) failed"), "\(failed.stderr)")
        #expect(try Self.collected(folder).metrics.value("odag_sync_last_run_success") == 0)
    }
}

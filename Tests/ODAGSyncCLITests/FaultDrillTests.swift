import Foundation
import ODAGCore
import Testing

/// Fault drills: the built `odag-sync` binary applies manifests to an `odag-sync emulator` process on
/// 127.0.0.1 while one of them is killed, interrupted or loses connections. After each drill a rerun of
/// `apply` must converge (a plan against a fault-free emulator on the same state file shows no changes)
/// and no link name may exist twice on the server.
///
/// Each drill starts from a state file with links to update and links to prune, and manifests that
/// also declare links to create, so all three apply phases are in flight when the fault hits.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct FaultDrillTests {
    @Test func killingTheEmulatorMidApplyThenRestartingItFromItsStateConverges() async throws {
        // 129 changes four at a time, 250 ms each, take at least 8 s whatever the CPU: room for the kill to land
        // mid-run when this test process is starved of CPU for seconds by the rest of the suite.
        let drill = try Drill(creates: 120)
        var emulator = try await drill.startEmulator(["--latency-ms", "250"])
        let port = emulator.port
        let apply = try drill.apply(emulator, parallelism: 4)
        try await apply.waitFor("four changes done", timeout: .seconds(60)) { $0.stderr.contains("[4/") }
        emulator.process.send(SIGKILL)
        let killed = try await emulator.process.waitForExit(timeout: .seconds(60))
        #expect(killed.signalled && killed.status == SIGKILL)
        #expect(Set(try drill.liveNames()) != drill.declaredNames, "the kill came after apply had finished")
        // The server comes back on the same port, from its state file, while apply is still retrying (at full
        // speed now: the slowness was only there for the kill to land mid-run).
        emulator = try await drill.startEmulator(["--port", String(port)])
        let first = try await apply.waitForExit(timeout: .seconds(120))
        #expect(first.status == 0 || first.status == 1, "apply: \(first.stderr)")
        #expect(!first.signalled)

        try await drill.rerunAndCheckConvergence(emulator)
    }

    @Test func interruptingApplyStopsStartingChangesReportsAndARerunConverges() async throws {
        // 69 changes two at a time, 300 ms each: at least 10 s, so Ctrl-C lands mid-run on a starved machine too.
        let drill = try Drill(creates: 60)
        let emulator = try await drill.startEmulator(["--latency-ms", "300"])
        let apply = try drill.apply(emulator, parallelism: 2)
        try await apply.waitFor("two changes done", timeout: .seconds(60)) { $0.stderr.contains("[2/") }
        apply.send(SIGINT)
        // How soon it stops is not measured (a starved machine can take any time); that it stops early is:
        // changes are reported as not started.
        let result = try await apply.waitForExit(timeout: .seconds(120))
        #expect(!result.signalled)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Interrupted: starting no new changes"))
        #expect(result.stderr.contains("apply was interrupted"))
        #expect(result.stdout.contains("Apply interrupted:"), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("not started"))

        try await drill.rerunAndCheckConvergence(emulator)
    }

    @Test func killingApplyMidRunThenRerunningConverges() async throws {
        // At least 10 s of work whatever the CPU (300 ms a change), so the kill lands mid-run on a starved machine.
        let drill = try Drill(creates: 120)
        let emulator = try await drill.startEmulator(["--latency-ms", "300"])
        let apply = try drill.apply(emulator, parallelism: 4)
        try await apply.waitFor("three changes done", timeout: .seconds(60)) { $0.stderr.contains("[3/") }
        apply.send(SIGKILL)
        let result = try await apply.waitForExit(timeout: .seconds(60))
        #expect(result.signalled && result.status == SIGKILL)
        #expect(Set(try drill.liveNames()) != drill.declaredNames, "the kill came after apply had finished")

        try await drill.rerunAndCheckConvergence(emulator)
    }

    @Test(arguments: [UInt64(7), 1234])
    func droppedConnectionsAfterTheServerDidTheWorkConverge(seed: UInt64) async throws {
        let drill = try Drill(creates: 30)
        let emulator = try await drill.startEmulator(["--drop-rate", "0.3", "--seed", String(seed)])
        let apply = try drill.apply(emulator, parallelism: 4)
        let first = try await apply.waitForExit(timeout: .seconds(120))
        #expect(first.status == 0 || first.status == 1, "apply: \(first.stderr)")
        // Lost creates are resolved by re-reading, never re-sent blindly.
        #expect(try drill.duplicateNames().isEmpty)

        try await drill.rerunAndCheckConvergence(emulator)
    }
}

/// One drill's files: a state file seeded with links to update and to prune, and manifests.
struct Drill {
    static let selectionApp = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"
    static let templateApp = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5c"
    static let updates = 6
    static let prunes = 3

    let folder: TemporaryFolder
    let statePath: String
    let manifests: String
    /// Every name the manifests declare: what the server must hold, once each, after convergence.
    let declaredNames: Set<String>

    init(creates: Int) throws {
        folder = try TemporaryFolder(prefix: "drill")
        let links = URL(fileURLWithPath: folder.path("links"))
        try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
        statePath = folder.path("state.json")
        manifests = links.path

        func link(_ name: String, rowEstExpr: String) -> JSONValue {
            .object([
                "name": .string(name), "selectionAppId": .string(Self.selectionApp),
                "templateAppId": .string(Self.templateApp),
                "properties": .object(["rowEstExpr": .string(rowEstExpr), "genAppAccessible": .bool(true)]),
            ])
        }
        let updated = (1...Self.updates).map { String(format: "Drill update %02d", $0) }
        let pruned = (1...Self.prunes).map { String(format: "Drill stale %02d", $0) }
        let created = (1...creates).map { String(format: "Drill create %03d", $0) }
        let seed = JSONValue.object([
            "formatVersion": .int(1),
            "links": .array(
                updated.map { link($0, rowEstExpr: "Count(old)") } + pruned.map { link($0, rowEstExpr: "1") }),
        ])
        try Data(JSONWriter.bytes(seed, pretty: true)).write(to: URL(fileURLWithPath: statePath))
        let manifest = JSONValue.object([
            "links": .array((updated + created).map { link($0, rowEstExpr: "Sum([Order Count])") })
        ])
        try Data(JSONWriter.bytes(manifest, pretty: true)).write(to: links.appendingPathComponent("drill.json"))
        declaredNames = Set(updated + created)
    }

    /// Starts `odag-sync emulator` on the state file and waits for its `listening on` line.
    func startEmulator(_ options: [String]) async throws -> EmulatorProcess {
        let port = options.contains("--port") ? [] : ["--port", "0"]
        let process = try ChildProcess(
            OdagSyncBinary.path, ["emulator", "--state", statePath, "--quiet"] + port + options)
        let output = try await process.waitFor("the listening line", timeout: .seconds(60)) { $0.stdout.contains("\n") }
        let line = output.stdout.prefix { $0 != "\n" }
        guard line.hasPrefix("listening on "), let url = URL(string: String(line.dropFirst("listening on ".count))),
            let port = url.port
        else {
            throw WaitError.setup("the emulator did not start: \(output.stdout) \(output.stderr)")
        }
        return EmulatorProcess(process: process, url: url.absoluteString, port: port)
    }

    /// Starts `odag-sync apply` with pruning against `emulator`.
    func apply(_ emulator: EmulatorProcess, parallelism: Int) throws -> ChildProcess {
        try ChildProcess(
            OdagSyncBinary.path,
            [
                "apply", "--server", emulator.url, "--auto-approve", "--prune", "--no-color", "--parallelism",
                String(parallelism), manifests,
            ],
            environment: OdagSyncBinary.environment())
    }

    /// Reruns `apply` against the (possibly faulty) emulator, then stops it, and checks on a fault-free
    /// emulator started from the same state file that a plan shows no changes and no name is duplicated.
    func rerunAndCheckConvergence(_ emulator: EmulatorProcess) async throws {
        // Wide, so the rest of a slow drill's work does not take as long again.
        let rerun = try apply(emulator, parallelism: 16)
        let result = try await rerun.waitForExit(timeout: .seconds(120))
        #expect(result.status == 0, "rerun of apply: \(result.stderr)")
        emulator.process.send(SIGTERM)
        try await emulator.process.waitForExit(timeout: .seconds(60))

        let clean = try await startEmulator([])
        let plan = try ChildProcess(
            OdagSyncBinary.path,
            ["plan", "--server", clean.url, "--prune", "--detailed-exitcode", "--no-color", manifests],
            environment: OdagSyncBinary.environment())
        let planned = try await plan.waitForExit(timeout: .seconds(60))
        #expect(planned.status == 0, "plan after the rerun: \(planned.stdout) \(planned.stderr)")
        clean.process.send(SIGTERM)
        try await clean.process.waitForExit(timeout: .seconds(60))

        #expect(try duplicateNames().isEmpty)
        #expect(Set(try liveNames()) == declaredNames)
    }

    /// The link names in the state file.
    func liveNames() throws -> [String] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: statePath)))
        guard case .array(let links)? = try JSONParser.parse(bytes)["links"] else {
            throw WaitError.setup("the state file has no links array")
        }
        return links.compactMap { $0["name"]?.stringValue }
    }

    /// Names held by more than one link in the state file.
    func duplicateNames() throws -> [String] {
        Dictionary(grouping: try liveNames(), by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    }
}

/// A running `odag-sync emulator` process.
struct EmulatorProcess {
    let process: ChildProcess
    /// `http://127.0.0.1:PORT/api/odag/v1`.
    let url: String
    let port: Int
}

import Foundation
import ODAGCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `odag-sync emulator` as a process, and `--emulator STATEFILE`.
@Suite struct EndToEndEmulatorTests {
    /// Starts `odag-sync emulator --port 0 …` and returns it with the URL from its first line.
    static func start(_ arguments: [String], environment: [String: String] = [:], in folder: TemporaryFolder)
        async throws -> (ChildProcess, String)
    {
        let process = try ChildProcess(
            OdagSyncBinary.path, ["emulator", "--port", "0"] + arguments,
            environment: OdagSyncBinary.environment(environment), directory: folder.root)
        let line = try await process.firstLine()
        let prefix = "listening on http://127.0.0.1:"
        #expect(line.hasPrefix(prefix) && line.hasSuffix("/api/odag/v1"), "first line: \(line)")
        return (process, String(line.dropFirst("listening on ".count)))
    }

    /// A supervisor may stop the emulator as soon as it has read the listening line: the signal is caught by then.
    @Test func aSIGTERMRightAfterTheListeningLineStopsItCleanly() async throws {
        let folder = try TemporaryFolder(prefix: "emulator-early-stop")
        defer { folder.remove() }
        let (emulator, _) = try await Self.start(["--state", "state.json"], in: folder)
        let code = try await emulator.stop(signal: SIGTERM)
        #expect(code == 0, "stopped by the default action instead of the watcher; stderr: \(emulator.stderr)")
        #expect(emulator.stderr.contains("stopped (signal"), "\(emulator.stderr)")
    }

    /// `odag-sync emulator --api qseow --state FILE` (README, "The emulator"): FILE records the flavour,
    /// a later start without --api serves it, and --api document on it is refused.
    @Test func theEmulatorCommandServesTheQseowFlavour() async throws {
        let folder = try TemporaryFolder(prefix: "emulator-qseow")
        defer { folder.remove() }
        try folder.write(
            "state.json",
            #"{"api":"qseow","links":[{"name":"Seeded","templateApp":"22222222-2222-4222-8222-222222222222"}]}"#)
        let (emulator, _) = try await Self.start(["--api", "qseow", "--state", "state.json"], in: folder)
        #expect(try await emulator.stop(signal: SIGTERM) == 0, "stderr: \(emulator.stderr)")
        #expect(emulator.stderr.contains("1 links; api qseow."), "\(emulator.stderr)")
        #expect(E2E.json(folder.read("state.json"))?["api"]?.stringValue == "qseow")

        let (again, _) = try await Self.start(["--state", "state.json"], in: folder)
        #expect(try await again.stop(signal: SIGTERM) == 0)
        #expect(again.stderr.contains("api qseow"), "\(again.stderr)")

        let refused = await InProcess.run(["emulator", "--api", "document", "--state", "state.json"], in: folder.root)
        #expect(refused.code != 0)
        #expect(refused.stderr.contains("holds data of the qseow api flavour, not document"), "\(refused)")
        let unknown = await InProcess.run(["emulator", "--api", "cloud"], in: folder.root)
        #expect(unknown.code == 64 && unknown.stderr.contains("--api must be one of document, qseow"), "\(unknown)")
    }

    @Test func printsTheListeningLineFirstServesAndStopsOnSIGTERMKeepingItsState() async throws {
        let folder = try TemporaryFolder(prefix: "emulator-process")
        defer { folder.remove() }
        try folder.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        let (emulator, url) = try await Self.start(["--state", "state.json"], in: folder)
        #expect(folder.exists("state.json"), "the state file is created when missing")

        let apply = await InProcess.run(
            ["apply", "--server", url, "--auto-approve", "links"], in: folder.root)
        #expect(apply.code == 0, "\(apply)")

        let code = try await emulator.stop(signal: SIGTERM)
        #expect(code == 0, "stderr: \(emulator.stderr)")
        #expect(
            emulator.stdout.split(separator: "\n").count == 1, "only the listening line is data: \(emulator.stdout)")
        let state = try #require(E2E.json(folder.read("state.json")))
        let names = state["links"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
        #expect(names == ["Sales A", "Sales B", "Sales C", "Sales D"])

        // Started again on the same file, it serves what it saved.
        let (again, secondURL) = try await Self.start(["--state", "state.json"], in: folder)
        let plan = await InProcess.run(
            ["plan", "--server", secondURL, "--detailed-exitcode", "links"], in: folder.root)
        #expect(plan.code == 0, "\(plan)")
        #expect(try await again.stop(signal: SIGINT) == 0, "Ctrl-C stops it cleanly too")
    }

    @Test func requireTokenFromTheEnvironmentIsEnforced() async throws {
        let folder = try TemporaryFolder(prefix: "emulator-token")
        defer { folder.remove() }
        try folder.write("links/sales.json", E2E.manifest([E2E.declared("Sales A")]))
        let token = "emulator-secret-\(UUID().uuidString)"
        try folder.write("token", token + "\n")
        let (emulator, url) = try await Self.start([], environment: ["ODAG_EMULATOR_TOKEN": token], in: folder)
        defer { emulator.send(SIGTERM) }
        let refused = await InProcess.run(["plan", "--server", url, "links"], in: folder.root)
        #expect(refused.code == 1, "\(refused)")
        let accepted = await InProcess.run(
            ["plan", "--server", url, "--token-file", "token", "links"], in: folder.root)
        #expect(accepted.code == 0, "\(accepted)")
        #expect(!emulator.stdout.contains(token) && !emulator.stderr.contains(token))
    }

    @Test func badEmulatorFlagsExit64() async throws {
        let run = try await OdagSyncBinary.run(["emulator", "--fail-rate", "2"])
        #expect(run.code == 64, "\(run)")
        let extra = try await OdagSyncBinary.run(["emulator", "state.json"])
        #expect(extra.code == 64, "\(extra)")
        let noConnections = try await OdagSyncBinary.run(["emulator", "--max-connections", "0"])
        #expect(noConnections.code == 64, "\(noConnections)")
    }

    /// A loopback TCP connection that sends nothing; `nil` when it cannot connect.
    static func idleConnection(port: Int) -> Int32? {
        guard let port = UInt16(exactly: port), let fd = try? Loopback.connect(port: port) else { return nil }
        // A hang guard for the read below: far above what the emulator needs to close it, and below
        // its 60 s idle timeout, so only the connection cap can end the read with 0.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    @Test func maxConnectionsMakesRoomByClosingIdleConnections() async throws {
        let folder = try TemporaryFolder(prefix: "emulator-connections")
        try folder.write("links/sales.json", E2E.manifest([E2E.declared("Sales A")]))
        let (emulator, url) = try await Self.start(["--max-connections", "2"], in: folder)
        defer { emulator.send(SIGTERM) }
        let port = try #require(URLComponents(string: url)?.port)
        let idle = (0..<4).compactMap { _ in Self.idleConnection(port: port) }
        defer { idle.forEach { close($0) } }
        #expect(idle.count == 4)
        let plan = try await OdagSyncBinary.run(["plan", "--server", url, "links"], in: folder.root)
        #expect(plan.code == 0, "\(plan)")
        // The first idle connection was closed to make room: its read ends at once.
        var byte: UInt8 = 0
        #expect(recv(try #require(idle.first), &byte, 1, 0) == 0)
    }

    @Test func emulatorFlagRunsAnInProcessEmulatorOnAStateFileItCreates() async throws {
        let folder = try TemporaryFolder(prefix: "emulator-flag")
        defer { folder.remove() }
        try folder.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        let apply = await InProcess.run(
            ["apply", "--emulator", "new-state.json", "--auto-approve", "links"], in: folder.root)
        #expect(apply.code == 0, "\(apply)")
        let state = try #require(E2E.json(folder.read("new-state.json")), "the state file was created")
        #expect(state["links"]?.arrayValue?.count == 4)
        let plan = await InProcess.run(
            ["plan", "--emulator", "new-state.json", "--detailed-exitcode", "--output", "json", "links"],
            in: folder.root)
        #expect(plan.code == 0, "\(plan)")
        #expect(E2E.json(plan.stdout)?["server"]?.stringValue == "emulator:" + folder.path("new-state.json"))
        let both = await InProcess.run(
            ["plan", "--emulator", "s.json", "--server", "http://127.0.0.1:9/api/odag/v1", "links"], in: folder.root)
        #expect(both.code == 64, "\(both)")
    }

    @Test func aPortInUseIsAnError() async throws {
        let busy = try TestEmulator()
        let run = try await OdagSyncBinary.run(["emulator", "--port", String(busy.emulator.port)])
        #expect(run.code == 1, "\(run)")
        #expect(run.stderr.contains("address already in use"), "\(run.stderr)")
        #expect(run.stdout.isEmpty, "no listening line when it is not listening")
    }

    @Test func aCorruptStateFileIsAnErrorNamingWhere() async throws {
        let folder = try TemporaryFolder(prefix: "corrupt")
        defer { folder.remove() }
        try folder.write("state.json", "{\"formatVersion\": 1, \"links\": [\n")
        let run = try await OdagSyncBinary.run(["emulator", "--state", "state.json"], in: folder.root)
        #expect(run.code == 1, "\(run)")
        #expect(run.stderr.contains("state.json") && run.stderr.contains("2:1"), "\(run.stderr)")
        #expect(
            folder.read("state.json") == "{\"formatVersion\": 1, \"links\": [\n",
            "a corrupt state file is left as it was")
    }
}

import Foundation
import ODAGCore
import ODAGEmulator
import ODAGTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` of an emulator process loses nothing it acknowledged.
///
/// The test binary plays both parts: run normally it is the parent, which starts a copy of itself
/// (filtered to this test, with the state path in the environment) as the emulator process, sends
/// creates from several threads, kills the child with SIGKILL mid-stream, and checks the state
/// file. In the child the same test starts an emulator, announces its port and waits to be killed.
@Suite struct EmulatorKillTests {
    static let stateVariable = "ODAG_EMULATOR_KILL_TEST_STATE"
    static let apiVariable = "ODAG_EMULATOR_KILL_TEST_API"
    static let portMarker = "odag-emulator-kill-test-port="

    @Test func killMinus9LosesNothingAcknowledged() async throws {
        try await killMinus9LosesNothingAcknowledged(api: .document)
    }

    @Test func killMinus9LosesNothingAcknowledgedInTheQseowFlavour() async throws {
        try await killMinus9LosesNothingAcknowledged(api: .qseow)
    }

    private func killMinus9LosesNothingAcknowledged(api: APIFlavour) async throws {
        let environment = ProcessInfo.processInfo.environment
        if let statePath = environment[Self.stateVariable] {
            // The child runs every test of the suite; only the one of the flavour asked for serves.
            if environment[Self.apiVariable] == api.rawValue { try runChild(statePath: statePath, api: api) }
            return
        }
        let folder = try TemporaryFolder(prefix: "kill")
        let path = folder.path("state.json")

        var childEnvironment = environment
        childEnvironment[Self.stateVariable] = path
        childEnvironment[Self.apiVariable] = api.rawValue
        // The shared runner: every wait on the child has a hang guard, and the child dies with the value.
        let child = try ChildProcess(
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
            ["--testing-library", "swift-testing", "--filter", "EmulatorKillTests"], environment: childEnvironment)

        // The child prints its port once it listens (among Swift Testing's own lines).
        let marker = Self.portMarker
        let started = try await child.waitFor("its port", timeout: .seconds(300)) { output in
            guard let range = output.stdout.range(of: marker) else { return false }
            return output.stdout[range.upperBound...].contains("\n")
        }
        let port = started.stdout.range(of: marker).flatMap {
            Int(started.stdout[$0.upperBound...].prefix { $0.isNumber })
        }
        let childPort = try #require(port, "the child emulator did not start: \(started.stdout)\n\(started.stderr)")

        let acknowledged = Mutex<[String]>([])
        let pid = child.pid
        _ = runOnThreads(8) { index in
            let client = try RawHTTPClient(port: childPort)
            for round in 0..<10_000 {
                let name = "k\(index)-\(round)"
                let link = api == .document ? Fixtures.makeLink(name: name) : QseowEmulatorTests.addPayload(name: name)
                let response = try client.call("POST", "/links", json: link)
                let created = api == .document ? response.json : response.json?["objectDef"]
                guard response.status == 201, let id = created?["id"]?.stringValue else { return }
                let count = acknowledged.withLock { ids in
                    ids.append(id)
                    return ids.count
                }
                // Killed while the other threads are in the middle of their requests.
                if count == 150 { kill(pid, SIGKILL) }
            }
        }
        // Killed here too when the clients stopped before 150 creates, so the wait ends.
        child.send(SIGKILL)
        let ended = try await child.waitForExit(timeout: .seconds(300))
        #expect(ended.signalled && ended.status == SIGKILL)

        let ids = acknowledged.withLock { $0 }
        #expect(ids.count >= 150)
        let saved = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let savedIds = Set(saved["links"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        let lost = ids.filter { !savedIds.contains($0) }
        #expect(lost.isEmpty, "acknowledged but not saved: \(lost)")

        // And an emulator restarted on the file serves them all.
        let restarted = try Fixtures.makeEmulator(statePath: path)
        defer { restarted.stop() }
        #expect(restarted.flavour == api)
        #expect(restarted.linkCount == savedIds.count)
    }

    private func runChild(statePath: String, api: APIFlavour) throws {
        var configuration = EmulatorConfiguration(statePath: statePath)
        configuration.api = api
        let emulator = try Emulator.start(configuration)
        FileHandle.standardOutput.write(Data("\(Self.portMarker)\(emulator.port)\n".utf8))
        emulator.waitUntilStopped()
    }
}

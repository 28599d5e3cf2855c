import Foundation
import ODAGCore
import ODAGEmulator
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
    static let portMarker = "odag-emulator-kill-test-port="

    @Test func killMinus9LosesNothingAcknowledged() throws {
        if let statePath = ProcessInfo.processInfo.environment[Self.stateVariable] {
            try runChild(statePath: statePath)
            return
        }
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.file("state.json")

        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "EmulatorKillTests"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.stateVariable] = path
        child.environment = environment
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }

        // The child prints its port once it listens (among Swift Testing's own lines). Every read waits
        // at most until a generous deadline (a hang guard, not a speed limit): a child that never
        // prints fails the test instead of hanging the run.
        var text = ""
        var port: Int?
        let deadline = Date().addingTimeInterval(300)
        while port == nil {
            let remaining = Int32(max(0, min(deadline.timeIntervalSinceNow, 300)) * 1000)
            var waiting = pollfd(fd: output.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard remaining > 0, poll(&waiting, 1, remaining) > 0 else {
                text += "\n(no port within the hang guard's 300 s)"
                break
            }
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: Self.portMarker) {
                port = Int(text[range.upperBound...].prefix { $0.isNumber })
            }
        }
        let childPort = try #require(port, "the child emulator did not start: \(text)")

        let acknowledged = Mutex<[String]>([])
        let pid = child.processIdentifier
        _ = runOnThreads(8) { index in
            let client = try RawHTTPClient(port: childPort)
            for round in 0..<10_000 {
                let response = try client.call("POST", "/links", json: Fixtures.makeLink(name: "k\(index)-\(round)"))
                guard response.status == 201, let id = response.json?["id"]?.stringValue else { return }
                let count = acknowledged.withLock { ids in
                    ids.append(id)
                    return ids.count
                }
                // Killed while the other threads are in the middle of their requests.
                if count == 150 { kill(pid, SIGKILL) }
            }
        }
        // Killed here too when the clients stopped before 150 creates, so this wait always ends.
        if child.isRunning { kill(pid, SIGKILL) }
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)

        let ids = acknowledged.withLock { $0 }
        #expect(ids.count >= 150)
        let saved = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let savedIds = Set(saved["links"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        let lost = ids.filter { !savedIds.contains($0) }
        #expect(lost.isEmpty, "acknowledged but not saved: \(lost)")

        // And an emulator restarted on the file serves them all.
        let restarted = try Fixtures.makeEmulator(statePath: path)
        defer { restarted.stop() }
        #expect(restarted.linkCount == savedIds.count)
    }

    private func runChild(statePath: String) throws {
        let emulator = try Emulator.start(EmulatorConfiguration(statePath: statePath))
        FileHandle.standardOutput.write(Data("\(Self.portMarker)\(emulator.port)\n".utf8))
        emulator.waitUntilStopped()
    }
}

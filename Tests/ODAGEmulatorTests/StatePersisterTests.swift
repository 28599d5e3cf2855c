import Foundation
import Synchronization
import Testing

@testable import ODAGEmulator
import ODAGTestSupport

@Suite struct StatePersisterTests {
    /// Parallel changes share writes, and each waiter returns only once a write covering its change is done.
    @Test func groupCommitCoversEveryWaiterWithFewerWrites() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        let version = Atomic<UInt64>(0)
        let snapshots = Atomic<Int>(0)
        let persister = StatePersister(path: path, initialVersion: 0) {
            snapshots.add(1, ordering: .relaxed)
            let current = version.load(ordering: .sequentiallyConsistent)
            return (current, [Array("{\"version\":\(current)}".utf8)])
        }
        let errors = runOnThreads(32) { _ in
            for _ in 0..<10 {
                let mine = version.add(1, ordering: .sequentiallyConsistent).newValue
                try persister.waitUntilSaved(mine)
                // The file on disk already holds this change (or a later state).
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let saved = UInt64(text.dropFirst(11).dropLast(1)) ?? 0
                if saved < mine { throw EmulatorError.invalidConfiguration("saved \(saved) < \(mine)") }
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        #expect(snapshots.load(ordering: .relaxed) < 320)
    }

    @Test func aFailedWriteFailsItsWaiters() {
        let persister = StatePersister(path: "/nonexistent-\(UUID().uuidString)/state.json", initialVersion: 0) {
            (1, [[]])
        }
        #expect(throws: EmulatorError.self) { try persister.waitUntilSaved(1) }
    }

    @Test func withoutAPathNothingIsWritten() throws {
        let persister = StatePersister(path: nil, initialVersion: 0) {
            Issue.record("snapshot taken without a state file")
            return (0, [])
        }
        try persister.waitUntilSaved(5)
        try persister.saveNow()
    }
}

import Foundation

/// Saves the store to the state file with group commit.
///
/// A change is applied in memory, gets a version, and its thread calls ``waitUntilSaved(_:)`` before
/// answering. One waiter at a time writes a snapshot of everything applied so far (it may cover many
/// changes); waiters whose change it covers are released together once it is on disk. So parallel
/// writers share `fsync`s instead of queueing for one each, and no `2xx` leaves before its change
/// is durable.
final class StatePersister: Sendable {
    private let path: String?
    private let sync: Bool
    private let snapshot: @Sendable () -> (version: UInt64, parts: [[UInt8]])
    private let condition = NSCondition()
    nonisolated(unsafe) private var savedVersion: UInt64 = 0
    nonisolated(unsafe) private var writing = false
    nonisolated(unsafe) private var failure: (version: UInt64, error: EmulatorError)?
    nonisolated(unsafe) private var waiting = 0
    nonisolated(unsafe) private var releasedByLastWrite = 0
    /// How long a writer lingers before its snapshot when the last write released other waiters:
    /// concurrent clients answered by that write are sending their next changes right now, and one
    /// write covering all of them costs far less than one write each (a large state file makes
    /// every write cost the same whatever changed).
    private let commitDelayMicroseconds: UInt32 = 1000

    /// `path` `nil` means memory only: every wait returns at once.
    init(
        path: String?, sync: Bool = true, initialVersion: UInt64,
        snapshot: @escaping @Sendable () -> (version: UInt64, parts: [[UInt8]])
    ) {
        self.path = path
        self.sync = sync
        self.savedVersion = initialVersion
        self.snapshot = snapshot
    }

    /// Writes the current state now (used at start).
    func saveNow() throws(EmulatorError) {
        guard let path else { return }
        let (version, parts) = snapshot()
        try StateFile.writeAtomically(parts, to: path, sync: sync)
        condition.lock()
        savedVersion = max(savedVersion, version)
        condition.unlock()
    }

    /// Writes the current state if it holds changes no save has covered (state that changes without
    /// waiting for a save, such as the count of proxy sessions, reaches the file at the latest here).
    func flush() throws(EmulatorError) {
        guard path != nil else { return }
        let (version, _) = snapshot()
        try waitUntilSaved(version)
    }

    /// ``waitUntilSaved(_:)`` for an API answer: a failed write is a `500` (the change stays in memory).
    func acknowledge(_ version: UInt64) throws(EmulatorAPIError) {
        do {
            try waitUntilSaved(version)
        } catch {
            throw EmulatorAPIError(status: 500, message: "the change could not be saved: \(error.description)")
        }
    }

    /// Returns once the state file holds `version` or a later one; throws when the write that should have covered it failed.
    func waitUntilSaved(_ version: UInt64) throws(EmulatorError) {
        guard let path else { return }
        condition.lock()
        defer { condition.unlock() }
        while true {
            if savedVersion >= version { return }
            if let failure, failure.version >= version { throw failure.error }
            if writing {
                waiting += 1
                condition.wait()
                waiting -= 1
                continue
            }
            writing = true
            let concurrent = releasedByLastWrite > 0
            condition.unlock()
            if concurrent { usleep(commitDelayMicroseconds) }
            let (snapshotVersion, parts) = snapshot()
            var outcome: EmulatorError?
            do {
                try StateFile.writeAtomically(parts, to: path, sync: sync)
            } catch {
                outcome = error
            }
            condition.lock()
            writing = false
            if let outcome {
                failure = (snapshotVersion, outcome)
            } else {
                savedVersion = max(savedVersion, snapshotVersion)
            }
            releasedByLastWrite = waiting
            condition.broadcast()
        }
    }
}

import Foundation
import ODAGEmulator

#if canImport(Glibc)
    import Glibc
#endif

/// An emulator seeded with `count` synthetic links that each need an update, for the apply figures.
///
/// The emulator makes every change durable (fsync of its state file) before answering; on this kind of disk that
/// takes 15–20 ms, which would measure the disk rather than odag-sync. So the state lives in memory-backed
/// /dev/shm when there is one (written and renamed all the same), and ``stop()`` removes it.
final class SeededEmulator {
    /// The running emulator.
    let emulator: Emulator
    /// The folder holding the state file, for the figure's other files.
    let folder: String
    private let memoryBase: String?

    init(count: Int, latencyMs: Int, name: String, workspace: String) throws {
        let memoryBase = BenchmarkRun.memoryFolder().map { $0 + "/odag-sync-bench-\(name)-\(getpid())" }
        let folder = (memoryBase ?? workspace) + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try SyntheticData(changedPercent: 100).writeStateFile(count: count, to: folder + "/state.json")
            var configuration = EmulatorConfiguration(statePath: folder + "/state.json")
            configuration.latencyMs = latencyMs
            emulator = try Emulator.start(configuration)
        } catch {
            if let memoryBase { try? FileManager.default.removeItem(atPath: memoryBase) }
            throw error
        }
        self.memoryBase = memoryBase
        self.folder = folder
    }

    /// Stops the emulator and removes its state from memory.
    func stop() {
        emulator.stop()
        if let memoryBase { try? FileManager.default.removeItem(atPath: memoryBase) }
    }
}

import ODAGEmulator

/// An emulator started in-process for `--emulator STATEFILE` (kept apart from the client's file: both
/// modules define an `HTTPFields`).
struct RunningEmulator: Sendable {
    let emulator: Emulator

    /// Starts an emulator on a free loopback port with its state in `statePath`.
    static func start(statePath: String) throws -> RunningEmulator {
        var configuration = EmulatorConfiguration(host: "127.0.0.1", port: 0, statePath: statePath)
        configuration.idleTimeout = 60
        return RunningEmulator(emulator: try Emulator.start(configuration))
    }

    /// The API base URL.
    var baseURL: String { emulator.baseURL }

    /// Stops the emulator.
    func stop() {
        emulator.stop()
    }
}

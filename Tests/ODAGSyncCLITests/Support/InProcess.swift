import ODAGSyncCLI

/// Runs `odag-sync` commands inside the test process, as the built binary would run them (the same
/// clean environment, no terminal, no colours), with both streams captured. End-to-end checks run
/// this way; the binary is started only where the process is the point (exit codes as a shell sees
/// them, signals, examples run as a user runs them).
enum InProcess {
    /// One command at a time: a command's work runs on the cooperative thread pool (two threads on a
    /// two-core machine), and many at once would starve every other test of it.
    private static let turn = Turn()

    /// Runs `odag-sync arguments…` in `directory`; `extra` is added to the clean environment.
    static func run(
        _ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:]
    ) async -> ProcessResult {
        await turn.take()
        defer { Task { await turn.give() } }
        let out = BufferSink()
        let err = BufferSink()
        let context = CommandContext(
            console: Console(standardOutput: out, standardError: err),
            environment: OdagSyncBinary.environment(extra), currentDirectory: directory ?? OdagSyncBinary.packageRoot)
        let code = await CommandLineTool.run(arguments, context: context)
        return ProcessResult(code: code.rawValue, stdout: out.text, stderr: err.text)
    }
}

/// A turn that one caller holds at a time; the others wait in order.
private actor Turn {
    private var taken = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func take() async {
        guard taken else {
            taken = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func give() {
        if waiting.isEmpty {
            taken = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

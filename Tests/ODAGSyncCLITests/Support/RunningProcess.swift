import Foundation
import Synchronization

/// A value that changes over time and can be awaited until it satisfies a condition, with a bounded
/// wait: the fault drills synchronise on what processes print and on their exit, never on sleeps.
final class Observed<Value: Sendable>: Sendable {
    private struct Waiter {
        let predicate: @Sendable (Value) -> Bool
        let continuation: CheckedContinuation<Value, any Error>
    }

    private struct State {
        var value: Value
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state: Mutex<State>

    init(_ value: Value) {
        state = Mutex(State(value: value))
    }

    var value: Value { state.withLock { $0.value } }

    /// Changes the value and wakes the waiters whose condition now holds.
    func update(_ change: @Sendable (inout Value) -> Void) {
        let ready: [(CheckedContinuation<Value, any Error>, Value)] = state.withLock { state in
            change(&state.value)
            var ready: [(CheckedContinuation<Value, any Error>, Value)] = []
            for (key, waiter) in state.waiters where waiter.predicate(state.value) {
                ready.append((waiter.continuation, state.value))
                state.waiters[key] = nil
            }
            return ready
        }
        for (continuation, value) in ready { continuation.resume(returning: value) }
    }

    /// Returns the value once `predicate` holds; throws ``DrillError/timedOut(_:)`` after `timeout`.
    func wait(
        for what: String, timeout: Duration, until predicate: @escaping @Sendable (Value) -> Bool
    ) async throws -> Value {
        let key: UInt64 = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let deadline = Task {
            // A bound on the wait, not a synchronisation: the waiter is normally resumed by `update`.
            try await Task.sleep(for: timeout)
            let expired = self.state.withLock { $0.waiters.removeValue(forKey: key) }
            expired?.continuation.resume(throwing: DrillError.timedOut("\(what) within \(timeout)"))
        }
        defer { deadline.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            let now: Value? = state.withLock { state in
                if predicate(state.value) { return state.value }
                state.waiters[key] = Waiter(predicate: predicate, continuation: continuation)
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }
}

/// Why a drill could not go on.
enum DrillError: Error, CustomStringConvertible {
    case timedOut(String)
    case setup(String)

    var description: String {
        switch self {
        case .timedOut(let what): return "timed out waiting for \(what)"
        case .setup(let what): return what
        }
    }
}

/// A child process whose standard output and error are collected as they arrive.
// @unchecked: `process` is only used to start, signal and identify the child; all mutable state is in `output`.
final class RunningProcess: @unchecked Sendable {
    struct Output: Sendable {
        var stdout = ""
        var stderr = ""
        var openStreams = 2
        /// The exit status, or the signal number when `signalled`.
        var status: Int32?
        var signalled = false
        /// Exited and both streams read to the end.
        var finished: Bool { status != nil && openStreams == 0 }
    }

    let arguments: [String]
    let output = Observed(Output())
    private let process = Process()

    /// Starts `executable` with `arguments` in `directory`; standard input is empty.
    init(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
    ) throws {
        self.arguments = arguments
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let output = self.output
        process.terminationHandler = { process in
            let status = process.terminationStatus
            let signalled = process.terminationReason == .uncaughtSignal
            output.update {
                $0.status = status
                $0.signalled = signalled
            }
        }
        try process.run()
        Self.drain(stdout.fileHandleForReading, into: output, isError: false)
        Self.drain(stderr.fileHandleForReading, into: output, isError: true)
        // The child holds the write ends now; closing ours lets the readers see the end of file.
        try? stdout.fileHandleForWriting.close()
        try? stderr.fileHandleForWriting.close()
    }

    private static func drain(_ handle: FileHandle, into output: Observed<Output>, isError: Bool) {
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                let text = String(decoding: data, as: UTF8.self)
                output.update { isError ? ($0.stderr += text) : ($0.stdout += text) }
            }
            output.update { $0.openStreams -= 1 }
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGINT, SIGKILL, …) to the child.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until the child has exited and its output is read; returns it.
    @discardableResult
    func waitForExit(timeout: Duration) async throws -> Output {
        try await output.wait(for: "\(name) to exit", timeout: timeout) { $0.finished }
    }

    /// Waits until `predicate` holds for the output collected so far.
    @discardableResult
    func waitFor(
        _ what: String, timeout: Duration, _ predicate: @escaping @Sendable (Output) -> Bool
    ) async throws -> Output {
        try await output.wait(for: "\(name): \(what)", timeout: timeout) { $0.finished || predicate($0) }
    }

    var name: String { "odag-sync " + (arguments.first ?? "") }

    /// Standard output so far.
    var stdout: String { output.value.stdout }

    /// Standard error so far.
    var stderr: String { output.value.stderr }

    /// The first complete line of standard output.
    func firstLine(timeout: Duration = .seconds(20)) async throws -> String {
        let output = try await waitFor("a first line", timeout: timeout) { $0.stdout.contains("\n") }
        return output.stdout.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// Sends `signal` and returns the exit status once the child has exited.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) async throws -> Int32? {
        send(signal)
        return try await waitForExit(timeout: timeout).status
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

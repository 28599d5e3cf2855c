import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished process left behind.
struct ProcessResult: Sendable, CustomStringConvertible {
    /// The exit status (or 128 + signal when it was killed).
    let code: Int32
    /// Everything written to standard output.
    let stdout: String
    /// Everything written to standard error.
    let stderr: String
    /// Whether the run was killed for taking longer than its time limit.
    let timedOut: Bool

    var description: String {
        "exit \(code)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
    }
}

/// Runs programs as child processes, the way a user or a CI job runs them: standard input is
/// `/dev/null` (never a terminal), the environment is exactly what the test gives plus `PATH`,
/// standard output and standard error are kept apart.
enum ChildProcess {
    /// Runs `executable` with `arguments` to the end, killing it after `timeout` seconds.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String], directory: String,
        timeout: Double = 60
    ) async throws -> ProcessResult {
        let folder = try TemporaryFolder(prefix: "proc")
        defer { folder.remove() }
        let outPath = folder.path("stdout")
        let errPath = folder.path("stderr")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err

        let killed = Atomic<Bool>(false)
        let code: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning {
                    killed.store(true, ordering: .sequentiallyConsistent)
                    kill(pid, SIGKILL)
                }
            }
        }
        try out.close()
        try err.close()
        return ProcessResult(
            code: code, stdout: folder.read("stdout"), stderr: folder.read("stderr"),
            timedOut: killed.load(ordering: .sequentiallyConsistent))
    }
}

/// A process that keeps running while the test talks to it (the `emulator` command, an apply to
/// interrupt), with its standard output and standard error read as they arrive so the test can
/// wait for a line.
final class RunningProcess: Sendable {
    let process: Process
    private let output = OutputBuffer()
    private let errors = OutputBuffer()
    private let arrived = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `executable` with both output streams collected.
    init(_ executable: String, _ arguments: [String], environment: [String: String], directory: String) throws {
        let outPipe = Pipe()
        let errPipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outPipe
        process.standardError = errPipe
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        self.process = process
        let arrived = self.arrived
        try process.run()
        for (pipe, buffer) in [(outPipe, output), (errPipe, errors)] {
            let reader = pipe.fileHandleForReading
            Thread.detachNewThread {
                while true {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                    arrived.signal()
                }
                buffer.close()
                arrived.signal()
            }
        }
    }

    /// Standard output so far.
    var stdout: String { String(decoding: output.data, as: UTF8.self) }

    /// Standard error so far.
    var stderr: String { String(decoding: errors.data, as: UTF8.self) }

    /// Waits up to `timeout` seconds until `condition` holds for (stdout, stderr); `false` when it did not.
    func wait(timeout: Double = 20, until condition: (String, String) -> Bool) -> Bool {
        let deadline = DispatchTime.now() + timeout
        while true {
            if condition(stdout, stderr) { return true }
            if output.isClosed && errors.isClosed { return condition(stdout, stderr) }
            if arrived.wait(timeout: deadline) == .timedOut { return false }
        }
    }

    /// Waits up to `timeout` seconds for the first complete line of standard output.
    func firstLine(timeout: Double = 20) -> String? {
        guard wait(timeout: timeout, until: { out, _ in out.contains("\n") }) else { return nil }
        return stdout.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
    }

    /// Sends `signal` and waits up to `timeout` seconds for the exit status (`nil` when it did not exit).
    func stop(signal: Int32 = SIGTERM, timeout: Double = 20) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return waitForExit(timeout: timeout)
    }

    /// Waits up to `timeout` seconds for the process to end and its output to be read; its exit status,
    /// or `nil` (after killing it) when it did not end.
    func waitForExit(timeout: Double = 20) -> Int32? {
        guard exited.wait(timeout: .now() + timeout) == .success else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        exited.signal()
        _ = wait(timeout: timeout) { _, _ in false }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Bytes collected from a pipe by a reader thread.
final class OutputBuffer: Sendable {
    private let storage = Mutex((data: Data(), closed: false))

    func append(_ chunk: Data) { storage.withLock { $0.data.append(chunk) } }

    /// Marks the end of the stream.
    func close() { storage.withLock { $0.closed = true } }

    var data: Data { storage.withLock { $0.data } }

    var isClosed: Bool { storage.withLock { $0.closed } }
}

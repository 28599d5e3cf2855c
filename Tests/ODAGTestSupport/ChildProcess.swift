import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished child process left behind.
public struct ProcessResult: Sendable, CustomStringConvertible {
    /// The exit status, or the signal number when the process was killed by a signal.
    public let code: Int32
    /// Whether a signal ended the process (`code` is then the signal's number).
    public let signalled: Bool
    /// Everything written to standard output.
    public let stdout: String
    /// Everything written to standard error.
    public let stderr: String
    /// Whether the run was killed by its hang guard.
    public let timedOut: Bool

    /// A result made of its parts (a command run in process gives one too, so a check can use either).
    public init(code: Int32, signalled: Bool = false, stdout: String, stderr: String, timedOut: Bool = false) {
        self.code = code
        self.signalled = signalled
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
    }

    /// The exit, then both streams, for a failed expectation's message.
    public var description: String {
        "exit \(code)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
    }
}

/// A program run as a child process, the way a user or a CI job runs it: standard input is
/// `/dev/null` (never a terminal), the environment is exactly what the test gives, standard output
/// and standard error are kept apart and collected as they arrive, so a test can wait for a line
/// while the child still runs. Every wait has a hang guard; a child still running when the value
/// goes away is killed.
// @unchecked: `process` is only used to start, signal and identify the child; all mutable state is in `output`.
public final class ChildProcess: @unchecked Sendable {
    /// The output collected so far and, once known, how the child ended.
    public struct Output: Sendable {
        /// Standard output so far.
        public var stdout = ""
        /// Standard error so far.
        public var stderr = ""
        /// Streams not yet read to their end.
        public var openStreams = 2
        /// The exit status, or the signal number when `signalled`.
        public var status: Int32?
        /// Whether a signal ended the child.
        public var signalled = false
        /// Exited and both streams read to the end.
        public var finished: Bool { status != nil && openStreams == 0 }
    }

    /// The arguments the child was started with.
    public let arguments: [String]
    /// The output, awaitable.
    public let output = Observed(Output())
    private let executable: String
    private let process = Process()

    /// Starts `executable` with `arguments`, in `directory` when given, with exactly `environment`
    /// when given (else this process's).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
    ) throws {
        self.executable = executable
        self.arguments = arguments
        process.executableURL = URL(fileURLWithPath: executable)
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

    /// Runs `executable` to its end and returns what it left. After `timeout` (a hang guard, far
    /// above what any run needs) the child is killed and the result says `timedOut`.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, timeout: Duration = .seconds(300)
    ) async throws -> ProcessResult {
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory)
        do {
            return ProcessResult(try await child.waitForExit(timeout: timeout), timedOut: false)
        } catch WaitError.timedOut {
            child.send(SIGKILL)
            // Only the exit: a grandchild may still hold the streams open.
            let killed = try await child.output.wait(for: "\(child.name) to die", timeout: .seconds(60)) {
                $0.status != nil
            }
            return ProcessResult(killed, timedOut: true)
        }
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

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// The program's name and first argument, for messages.
    public var name: String {
        ([(executable as NSString).lastPathComponent] + arguments.prefix(1)).joined(separator: " ")
    }

    /// Sends `signal` (SIGINT, SIGKILL, …) to the child.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until the child has exited and its output is read; returns it.
    @discardableResult
    public func waitForExit(timeout: Duration) async throws -> Output {
        try await output.wait(for: "\(name) to exit", timeout: timeout) { $0.finished }
    }

    /// Waits until `predicate` holds for the output collected so far, or the child has finished.
    @discardableResult
    public func waitFor(
        _ what: String, timeout: Duration, _ predicate: @escaping @Sendable (Output) -> Bool
    ) async throws -> Output {
        try await output.wait(for: "\(name): \(what)", timeout: timeout) { $0.finished || predicate($0) }
    }

    /// Standard output so far.
    public var stdout: String { output.value.stdout }

    /// Standard error so far.
    public var stderr: String { output.value.stderr }

    /// The first complete line of standard output.
    public func firstLine(timeout: Duration = .seconds(60)) async throws -> String {
        let output = try await waitFor("a first line", timeout: timeout) { $0.stdout.contains("\n") }
        return output.stdout.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// Sends `signal` and returns the exit status once the child has exited.
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(60)) async throws -> Int32? {
        send(signal)
        return try await waitForExit(timeout: timeout).status
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

extension ProcessResult {
    /// The result of a child whose exit is known.
    init(_ output: ChildProcess.Output, timedOut: Bool) {
        self.init(
            code: output.status ?? -1, signalled: output.signalled, stdout: output.stdout, stderr: output.stderr,
            timedOut: timedOut)
    }
}

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
        try folder.write("stdout", "")
        try folder.write("stderr", "")
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

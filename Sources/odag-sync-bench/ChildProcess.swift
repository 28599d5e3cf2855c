import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program with `posix_spawn` and times it, so the figure includes nothing of Foundation's
/// `Process`: only fork/exec, the program's own start-up and work, and `wait4`.
enum ChildProcess {
    struct Outcome {
        var status: Int32
        var seconds: Double
        /// User and system CPU seconds the child used.
        var cpuSeconds: Double
        /// The child's peak resident set, in MB, when sampled (see ``run(_:_:directory:stdoutPath:sampleMemory:)``).
        var peakRSSMegabytes: Double
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// `VmHWM` of a running process, in KiB.
    static func highWaterMarkKiB(_ pid: pid_t) -> Int? {
        guard let text = readProcFile("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }

    /// A small file under /proc, read with read(2): /proc files report a size of 0, which Foundation's
    /// readers trust.
    static func readProcFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc ≥ 2.29 has it, but the Glibc module does not export it; looked up at run time.
    static let addChdir: AddChdir? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    /// Runs `path` with `arguments` in `directory`; standard output goes to `stdoutPath` (default
    /// `/dev/null`), standard error to `/dev/null`.
    ///
    /// With `sampleMemory`, the child's `VmHWM` is read from `/proc` every 2 ms until it exits. The
    /// `ru_maxrss` that `wait4` reports cannot be used: `posix_spawn` shares this process's memory until
    /// `exec`, and Linux carries that high-water mark (the benchmark's own, emulator included) into the
    /// child's. Sampling misses at most the last 2 ms of growth, and makes the wall time coarser by as much.
    static func run(
        _ path: String, _ arguments: [String], directory: String? = nil, stdoutPath: String = "/dev/null",
        stderrPath: String = "/dev/null", sampleMemory: Bool = false
    ) throws -> Outcome {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let directory {
            guard let addChdir = Self.addChdir, addChdir(&actions, directory) == 0 else {
                throw SpawnError(
                    description:
                        "cannot run \(path) in \(directory): posix_spawn_file_actions_addchdir_np is unavailable")
            }
        }

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var pid: pid_t = 0
        let start = ContinuousClock.now
        let spawned = argv.withUnsafeBufferPointer { argvBuffer in
            envp.withUnsafeBufferPointer { envpBuffer in
                guard let argvBase = argvBuffer.baseAddress, let envpBase = envpBuffer.baseAddress else {
                    return EINVAL
                }
                return posix_spawn(&pid, path, &actions, nil, argvBase, envpBase)
            }
        }
        guard spawned == 0 else {
            throw SpawnError(description: "cannot run \(path): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        var peakKiB = 0
        if sampleMemory {
            while true {
                let reaped = wait4(pid, &status, WNOHANG, &usage)
                if reaped == pid { break }
                if reaped < 0 && errno != EINTR { throw SpawnError(description: "wait4 failed for \(path)") }
                peakKiB = max(peakKiB, highWaterMarkKiB(pid) ?? 0)
                usleep(2000)
            }
        } else {
            while wait4(pid, &status, 0, &usage) < 0 {
                guard errno == EINTR else { throw SpawnError(description: "wait4 failed for \(path)") }
            }
        }
        let seconds = Timing.seconds(ContinuousClock.now - start)
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let cpu =
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return Outcome(status: exitStatus, seconds: seconds, cpuSeconds: cpu, peakRSSMegabytes: Double(peakKiB) / 1024)
    }
}

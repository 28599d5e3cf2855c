import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Wall-clock timing helpers.
enum Timing {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Seconds `body` takes.
    static func measure<T>(_ body: () throws -> T) rethrows -> (seconds: Double, result: T) {
        let start = ContinuousClock.now
        let result = try body()
        return (seconds(ContinuousClock.now - start), result)
    }

    /// Seconds `body` takes.
    static func measure<T>(_ body: () async throws -> T) async rethrows -> (seconds: Double, result: T) {
        let start = ContinuousClock.now
        let result = try await body()
        return (seconds(ContinuousClock.now - start), result)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// CPU seconds (user and system, every thread) used by this process so far.
    static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Wall and process CPU seconds `body` takes.
    static func measureBoth<T>(_ body: () throws -> T) rethrows -> (wall: Double, cpu: Double, result: T) {
        let cpu = processCPUSeconds()
        let (wall, result) = try measure(body)
        return (wall, processCPUSeconds() - cpu, result)
    }

    /// Load average over the last minute, when readable.
    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let first = text.split(separator: " ").first
        else { return nil }
        return Double(first)
    }

    /// The process's peak resident set so far, in MB (Linux reports `ru_maxrss` in KiB).
    static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

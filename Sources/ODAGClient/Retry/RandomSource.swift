import ODAGCore
import Foundation

/// Where the client's randomness (xrfkeys, backoff jitter) comes from: the system generator, or a seeded one so
/// tests and benchmarks repeat exactly.
public struct RandomSource: Sendable {
    private let generate: @Sendable () -> UInt64

    /// Creates a source from a function that returns uniformly distributed 64-bit values.
    public init(_ next: @escaping @Sendable () -> UInt64) {
        self.generate = next
    }

    /// The system's cryptographically secure generator.
    public static var system: RandomSource {
        RandomSource {
            var generator = SystemRandomNumberGenerator()
            return generator.next()
        }
    }

    /// A repeatable generator (SplitMix64) started from `seed`; safe to share between tasks.
    public static func seeded(_ seed: UInt64) -> RandomSource {
        let state = SeededState(seed: seed)
        return RandomSource { state.next() }
    }

    /// The next 64 random bits.
    public func next() -> UInt64 {
        generate()
    }

    /// A value in `0 ..< upperBound` (`upperBound` must be positive), without modulo bias.
    public func next(below upperBound: UInt64) -> UInt64 {
        guard upperBound > 1 else { return 0 }
        let limit = UInt64.max - UInt64.max % upperBound
        while true {
            let value = generate()
            if value < limit { return value % upperBound }
        }
    }

    /// A value in `0.0 ..< 1.0`.
    public func unitInterval() -> Double {
        Double(generate() >> 11) * 0x1.0p-53
    }
}

/// A ``SplitMix64`` behind a lock, so one seeded source can be shared between tasks.
private final class SeededState: @unchecked Sendable {
    // @unchecked: `generator` is only touched under `lock`.
    private let lock = NSLock()
    private var generator: SplitMix64

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return generator.next()
    }
}

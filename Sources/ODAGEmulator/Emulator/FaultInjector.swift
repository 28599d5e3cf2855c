import ODAGCore
import Synchronization

/// Decides, per API request, whether to inject a failure or a dropped answer, from a seeded
/// generator so a run with the same seed and the same request order sees the same faults.
final class FaultInjector: Sendable {
    /// The faults for one request.
    struct Decision: Equatable {
        /// Answer `503` without doing the work.
        var fail: Bool
        /// Do the work, then close the connection without answering.
        var drop: Bool
    }

    private let failRate: Double
    private let dropRate: Double
    private let generator: Mutex<SplitMix64>

    init(failRate: Double, dropRate: Double, seed: UInt64) {
        self.failRate = failRate
        self.dropRate = dropRate
        self.generator = Mutex(SplitMix64(seed: seed))
    }

    /// Draws the faults of the next request (always two draws, so one rate does not shift the other's sequence).
    func next() -> Decision {
        guard failRate > 0 || dropRate > 0 else { return Decision(fail: false, drop: false) }
        let (first, second) = generator.withLock { generator in (generator.nextUnit(), generator.nextUnit()) }
        let fail = first < failRate
        return Decision(fail: fail, drop: !fail && second < dropRate)
    }
}

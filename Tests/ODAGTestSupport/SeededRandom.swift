import ODAGCore

/// The generator for a random test: seeded, and its seed printed with the test's name, so any
/// failure can be replayed with the same inputs.
public enum SeededRandom {
    /// A generator seeded with `seed`, announced on standard output.
    public static func generator(seed: UInt64, for test: String = #function) -> SplitMix64 {
        print("\(test): random seed \(seed)")
        return SplitMix64(seed: seed)
    }
}

import Synchronization

/// Set by Ctrl-C: `apply` starts no new change once it is set, lets running ones finish, and reports
/// what was and was not done.
public final class InterruptionFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Creates a cleared flag.
    public init() {}

    /// Sets the flag.
    public func interrupt() {
        flag.store(true, ordering: .sequentiallyConsistent)
    }

    /// Whether the flag is set.
    public var isInterrupted: Bool { flag.load(ordering: .sequentiallyConsistent) }
}

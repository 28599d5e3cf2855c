import Synchronization

/// Holds its callers until `count` of them wait at once, then lets every caller through: a test's
/// proof that `count` pieces of work really run at the same time (a serial executor never gets past
/// it). ``giveUp()`` is the hang guard: it lets everyone through and records that the barrier never
/// filled.
public final class Barrier: Sendable {
    private struct State {
        var waiting: [CheckedContinuation<Void, Never>] = []
        var opened = false
        var gaveUp = false
    }

    private let count: Int
    private let state = Mutex(State())

    /// A barrier that opens when `count` callers wait at once.
    public init(count: Int) {
        self.count = count
    }

    /// Whether `count` callers were waiting at the same moment.
    public var filled: Bool { state.withLock { $0.opened && !$0.gaveUp } }

    /// Waits until `count` callers are here (or the barrier is already open).
    public func arrive() async {
        await withCheckedContinuation { continuation in
            let released: [CheckedContinuation<Void, Never>] = state.withLock { state in
                if state.opened { return [continuation] }
                state.waiting.append(continuation)
                guard state.waiting.count >= count else { return [] }
                state.opened = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for waiter in released { waiter.resume() }
        }
    }

    /// Opens the barrier without it having filled, so a test that would hang fails instead.
    public func giveUp() {
        let released: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard !state.opened else { return [] }
            state.opened = true
            state.gaveUp = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in released { waiter.resume() }
    }
}

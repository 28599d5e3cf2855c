import Synchronization

/// A value that changes over time and can be awaited until it satisfies a condition, with a bounded
/// wait: tests synchronise on what happened (a line printed, a process exited), never on sleeps, and
/// the bound is only a hang guard.
public final class Observed<Value: Sendable>: Sendable {
    private struct Waiter {
        let predicate: @Sendable (Value) -> Bool
        let continuation: CheckedContinuation<Value, any Error>
    }

    private struct State {
        var value: Value
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Starts with `value`.
    public init(_ value: Value) {
        state = Mutex(State(value: value))
    }

    /// The value now.
    public var value: Value { state.withLock { $0.value } }

    /// Changes the value and wakes the waiters whose condition now holds.
    public func update(_ change: @Sendable (inout Value) -> Void) {
        let ready: [(CheckedContinuation<Value, any Error>, Value)] = state.withLock { state in
            change(&state.value)
            var ready: [(CheckedContinuation<Value, any Error>, Value)] = []
            for (key, waiter) in state.waiters where waiter.predicate(state.value) {
                ready.append((waiter.continuation, state.value))
                state.waiters[key] = nil
            }
            return ready
        }
        for (continuation, value) in ready { continuation.resume(returning: value) }
    }

    /// Returns the value once `predicate` holds; throws ``WaitError/timedOut(_:)`` after `timeout`.
    public func wait(
        for what: String, timeout: Duration, until predicate: @escaping @Sendable (Value) -> Bool
    ) async throws -> Value {
        let key: UInt64 = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let deadline = Task {
            // A hang guard, not a synchronisation: the waiter is normally resumed by `update`.
            try await Task.sleep(for: timeout)
            let expired = self.state.withLock { $0.waiters.removeValue(forKey: key) }
            expired?.continuation.resume(throwing: WaitError.timedOut("\(what) within \(timeout)"))
        }
        defer { deadline.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            let now: Value? = state.withLock { state in
                if predicate(state.value) { return state.value }
                state.waiters[key] = Waiter(predicate: predicate, continuation: continuation)
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }
}

/// Why a test could not go on waiting.
public enum WaitError: Error, CustomStringConvertible {
    /// The hang guard expired before the awaited thing happened.
    case timedOut(String)
    /// The test's set-up did not come about (a server that did not start, a file that is missing).
    case setup(String)

    /// A lowercase sentence naming what was awaited.
    public var description: String {
        switch self {
        case .timedOut(let what): return "timed out waiting for \(what)"
        case .setup(let what): return what
        }
    }
}

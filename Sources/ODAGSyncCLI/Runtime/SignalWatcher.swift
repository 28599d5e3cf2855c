import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT/SIGTERM into a callback. After the first `await`, top-level code runs on a Dispatch
/// worker with signals blocked, so the signals are ignored and read through a Dispatch source.
// @unchecked: the sources are immutable after init and Dispatch sources are thread-safe.
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    /// Calls `handler` with the signal number each time SIGINT or SIGTERM arrives, until ``cancel()``.
    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        var sources: [any DispatchSourceSignal] = []
        let registered = DispatchSemaphore(value: 0)
        for number in [SIGINT, SIGTERM] {
            // Ignored first: on Linux, Dispatch installs its own handler when the source registers.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            sources.append(source)
        }
        // Registration completes after `resume()` (later still on a busy machine); a signal that
        // arrives before it is lost, so return only once both sources are registered.
        for _ in sources { registered.wait() }
        self.sources = sources
    }

    /// Stops watching and restores the default actions.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

extension SignalWatcher {
    /// Waits for the next SIGINT or SIGTERM and returns its number.
    static func nextSignal() async -> Int32 {
        enum State {
            case waiting(CheckedContinuation<Int32, Never>?)
            case received(Int32)
            case done
        }
        let state = Mutex(State.waiting(nil))
        let watcher = SignalWatcher { number in
            let continuation: CheckedContinuation<Int32, Never>? = state.withLock { state in
                switch state {
                case .waiting(let continuation?):
                    state = .done
                    return continuation
                case .waiting(nil):
                    state = .received(number)
                    return nil
                case .received, .done:
                    return nil
                }
            }
            continuation?.resume(returning: number)
        }
        defer { watcher.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let early: Int32? = state.withLock { state in
                if case .received(let number) = state {
                    state = .done
                    return number
                }
                state = .waiting(continuation)
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }
    }
}

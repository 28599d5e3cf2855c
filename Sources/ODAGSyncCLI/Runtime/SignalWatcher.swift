import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Turns SIGINT/SIGTERM into a callback.
///
/// A signal handler that only writes the signal's number to a pipe (which is async-signal-safe) feeds a thread that
/// calls the watchers. Dispatch signal sources are not used: on Linux they read signals from a `signalfd`, which
/// sees only a signal no thread lets through, so one delivered to a thread that does not block it was now and then
/// lost (a Ctrl-C that apply never saw, under load). Here it does not matter which thread the kernel picks.
final class SignalWatcher: Sendable {
    private let id: Int

    /// Calls `handler` with the signal number each time SIGINT or SIGTERM arrives, until ``cancel()``.
    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        id = SignalRelay.shared.add(handler)
    }

    /// Stops watching; with no watcher left, the default actions are restored.
    func cancel() {
        SignalRelay.shared.remove(id)
    }
}

/// The watchers, the pipe and the thread that reads it (one for the process).
private final class SignalRelay: Sendable {
    static let shared = SignalRelay()

    private struct State {
        var nextId = 0
        var handlers: [Int: @Sendable (Int32) -> Void] = [:]
    }

    private let state = Mutex(State())

    func add(_ handler: @escaping @Sendable (Int32) -> Void) -> Int {
        let id = state.withLock { state in
            let id = state.nextId
            state.nextId += 1
            state.handlers[id] = handler
            return id
        }
        SignalPipe.install()
        return id
    }

    func remove(_ id: Int) {
        let empty = state.withLock { state in
            state.handlers[id] = nil
            return state.handlers.isEmpty
        }
        if empty {
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
    }

    func deliver(_ number: Int32) {
        let handlers = state.withLock { state in state.handlers.sorted { $0.key < $1.key }.map(\.value) }
        for handler in handlers { handler(number) }
    }
}

/// The self-pipe: the signal handler writes a byte, a dedicated thread reads it.
private enum SignalPipe {
    /// The pipe's write end, set once before any handler is installed and never changed after.
    nonisolated(unsafe) static var writeEnd: Int32 = -1

    /// Makes the pipe and starts the reader thread, once.
    private static let started: Bool = {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // The handler must never block: a full pipe drops the signal (dozens are already waiting to be read).
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        writeEnd = ends[1]
        let readEnd = ends[0]
        let reader = Thread {
            // Lets the signals through on this thread, so one always exists that takes them.
            var unblocked = sigset_t()
            sigemptyset(&unblocked)
            sigaddset(&unblocked, SIGINT)
            sigaddset(&unblocked, SIGTERM)
            pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    SignalRelay.shared.deliver(Int32(byte))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        reader.name = "odag-sync signals"
        reader.start()
        return true
    }()

    /// Installs the handler for SIGINT and SIGTERM (again after a watcher restored the defaults).
    static func install() {
        guard started else { return }
        for number in [SIGINT, SIGTERM] {
            signal(number) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(SignalPipe.writeEnd, &byte, 1)
            }
        }
    }
}

extension SignalWatcher {
    /// Waits for the next SIGINT or SIGTERM and returns its number. `watching` runs once the signals are caught,
    /// before the wait: a process that announces it is ready there cannot be killed by a signal sent right after.
    static func nextSignal(watching: () -> Void = {}) async -> Int32 {
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
        watching()
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

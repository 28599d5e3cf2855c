import Foundation
import Synchronization

/// Where the emulator reads the time: dates it writes and the progress of generation requests.
public protocol EmulatorClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The real time.
public struct SystemClock: EmulatorClock {
    /// Creates the system clock.
    public init() {}

    /// `Date()`.
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to, so tests of request lifecycles are deterministic.
public final class ManualClock: EmulatorClock {
    private let current: Mutex<Date>

    /// Creates a clock showing `start` (by default 2026-01-01T00:00:00Z).
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    /// The time the clock shows.
    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}

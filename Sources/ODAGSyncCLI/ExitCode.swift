/// The process exit codes of SPEC §6, decided in one place.
public enum ExitCode: Int32, Sendable, Equatable {
    /// Success: nothing to change, no drift.
    case success = 0
    /// An error: bad input, an API failure, a failed change.
    case failure = 1
    /// Changes present (`plan --detailed-exitcode`) or drift found (`drift`).
    case changes = 2
    /// Refused, nothing was applied: a stale plan, a safety limit, empty manifests with pruning.
    case refused = 3
    /// Bad command-line usage.
    case usage = 64
}

/// A failure that ends a command, carrying the exit code it maps to.
public enum CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Bad usage (exit 64).
    case usage(UsageError)
    /// An error (exit 1), with an optional hint line.
    case failed(String, hint: String? = nil)
    /// Refused with nothing applied (exit 3), with an optional hint line.
    case refused(String, hint: String? = nil)

    /// The exit code the failure maps to.
    public var exitCode: ExitCode {
        switch self {
        case .usage: return .usage
        case .failed: return .failure
        case .refused: return .refused
        }
    }

    public var description: String {
        switch self {
        case .usage(let error): return error.message
        case .failed(let message, _), .refused(let message, _): return message
        }
    }

    /// The hint line, if any.
    public var hint: String? {
        switch self {
        case .usage(let error): return error.hint
        case .failed(_, let hint), .refused(_, let hint): return hint
        }
    }
}

import ODAGCore

/// Why the emulator could not start.
public enum EmulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// The state file exists but could not be read.
    case stateFileUnreadable(path: String, reason: String)
    /// The state file is not valid JSON or not a valid state.
    case stateFileInvalid(path: String, reason: String)
    /// The state file could not be written.
    case stateFileWriteFailed(path: String, reason: String)
    /// The server could not listen.
    case listenFailed(String)
    /// Another emulator serves this state file (its process id, when known).
    case stateFileLocked(path: String, holder: Int?)
    /// The state file holds data of one API flavour and the emulator was asked to serve the other.
    case stateFileFlavourMismatch(path: String, recorded: APIFlavour, requested: APIFlavour)

    /// A lowercase message naming the problem and, where there is one, the file.
    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return "invalid emulator configuration: \(message)"
        case .stateFileUnreadable(let path, let reason):
            return "cannot read state file \(path): \(reason)"
        case .stateFileInvalid(let path, let reason):
            return "invalid state file \(path): \(reason)"
        case .stateFileWriteFailed(let path, let reason):
            return "cannot write state file \(path): \(reason)"
        case .listenFailed(let message):
            return message
        case .stateFileLocked(let path, let holder):
            let who = holder.map { "process \($0)" } ?? "another process"
            return "another emulator (\(who)) is serving the state file \(path); stop it, or use another state file"
        case .stateFileFlavourMismatch(let path, let recorded, let requested):
            return
                "the state file \(path) holds data of the \(recorded.rawValue) api flavour, not \(requested.rawValue); "
                + "serve it with --api \(recorded.rawValue), or use another state file"
        }
    }
}

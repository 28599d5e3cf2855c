import Foundation
import ODAGCore
import Synchronization

/// Where a command writes: data to standard output, messages to standard error.
///
/// Colours are used only when the stream is a terminal and neither `NO_COLOR` nor `--no-color` is
/// set; `--quiet` silences messages but never data or errors.
///
/// Messages (``info(_:)``, ``message(_:)``, ``debug(_:)``, ``warning(_:)``, ``error(_:hint:)``) quote
/// server replies, link names and paths; whatever their author escaped, every character ``SafeText``
/// calls unsafe is escaped again here (line feeds excepted), so nothing a server or a pull request
/// wrote reaches a terminal raw. Data (``output(_:)``) is escaped by its renderer, which alone knows
/// its format.
public struct Console: Sendable {
    /// Receives text.
    public let standardOutput: TextSink
    /// Receives messages and errors.
    public let standardError: TextSink
    /// Whether data written to standard output may use ANSI colours.
    public var colorOutput: Bool
    /// Whether messages on standard error may use ANSI colours.
    public var colorErrors: Bool
    /// Whether standard input is a terminal (a person can answer `yes`).
    public var interactive: Bool
    /// Whether standard error is a terminal (progress may be drawn).
    public var errorIsTerminal: Bool
    /// Suppresses informational messages.
    public var quiet = false
    /// Prints request logs and other detail.
    public var verbose = false
    /// Reads one line of standard input (for the `yes` prompt).
    public let readLine: @Sendable () -> String?

    /// Creates a console over the given sinks.
    public init(
        standardOutput: TextSink, standardError: TextSink, colorOutput: Bool = false, colorErrors: Bool = false,
        interactive: Bool = false, errorIsTerminal: Bool = false, readLine: @escaping @Sendable () -> String? = { nil }
    ) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.colorOutput = colorOutput
        self.colorErrors = colorErrors
        self.interactive = interactive
        self.errorIsTerminal = errorIsTerminal
        self.readLine = readLine
    }

    /// The process's own streams, with colours decided from the terminal and `NO_COLOR`.
    public static func process(environment: [String: String]) -> Console {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let dumb = environment["TERM"] == "dumb"
        return Console(
            standardOutput: FileSink(handle: .standardOutput),
            standardError: FileSink(handle: .standardError),
            colorOutput: !noColor && !dumb && isatty(STDOUT_FILENO) == 1,
            colorErrors: !noColor && !dumb && isatty(STDERR_FILENO) == 1,
            interactive: isatty(STDIN_FILENO) == 1,
            errorIsTerminal: isatty(STDERR_FILENO) == 1,
            readLine: { Swift.readLine(strippingNewline: true) })
    }

    /// Writes data to standard output.
    public func output(_ text: String) {
        standardOutput.write(text)
    }

    /// Writes an informational message to standard error unless `--quiet`.
    public func info(_ text: String) {
        guard !quiet else { return }
        standardError.write(Console.safe(text) + "\n")
    }

    /// Writes a message to standard error, even with `--quiet` (what a refusal is made of, a prompt).
    /// No line feed is added.
    public func message(_ text: String) {
        standardError.write(Console.safe(text))
    }

    /// Writes a detail line to standard error with `--verbose`.
    public func debug(_ text: String) {
        guard verbose else { return }
        standardError.write(Console.safe(text) + "\n")
    }

    /// Writes `warning: …` to standard error (even with `--quiet`).
    public func warning(_ text: String) {
        standardError.write(styled("warning:", .yellow, enabled: colorErrors) + " " + Console.safe(text) + "\n")
    }

    /// Writes `error: …` and an optional `hint: …` line to standard error.
    public func error(_ text: String, hint: String? = nil) {
        var message = styled("error:", .red, enabled: colorErrors) + " " + Console.safe(text) + "\n"
        if let hint {
            message += styled("hint:", .cyan, enabled: colorErrors) + " " + Console.safe(hint) + "\n"
        }
        standardError.write(message)
    }

    /// `text` with every unsafe character but the line feed escaped.
    static func safe(_ text: String) -> String {
        SafeText.escaped(text, keepingLineFeeds: true)
    }
}

/// An ANSI colour.
public enum ANSIColor: String, Sendable {
    case red = "31"
    case green = "32"
    case yellow = "33"
    case cyan = "36"
    case bold = "1"
    case dim = "2"
}

/// `text` wrapped in the colour's escape codes when `enabled`.
public func styled(_ text: String, _ color: ANSIColor, enabled: Bool) -> String {
    enabled ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
}

/// Something text can be written to.
public protocol TextSink: Sendable {
    /// Writes `text` as UTF-8.
    func write(_ text: String)
}

/// A sink over a file handle (standard output or standard error).
public struct FileSink: TextSink {
    let handle: FileHandle

    /// Creates a sink writing to `handle`.
    public init(handle: FileHandle) { self.handle = handle }

    public func write(_ text: String) {
        handle.write(Data(text.utf8))
    }
}

/// A sink that keeps what is written, for tests.
public final class BufferSink: TextSink {
    private let storage = Mutex("")

    /// Creates an empty buffer.
    public init() {}

    public func write(_ text: String) {
        storage.withLock { $0 += text }
    }

    /// Everything written so far.
    public var text: String { storage.withLock { $0 } }
}

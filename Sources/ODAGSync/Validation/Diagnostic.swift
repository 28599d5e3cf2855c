import ODAGCore

/// One problem found in a manifest or config file, with where it is.
///
/// Diagnostics are collected and reported together, never thrown one at a time (except where a single
/// problem stops a step, such as selecting an unknown environment). Its ``description`` reads
/// `links/sales.json:12:5: links[3].templateAppId: "abc" is not a UUID`.
public struct Diagnostic: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// The input is wrong; validation fails.
        case error
        /// The input is suspicious but usable.
        case warning

        /// Errors sort before warnings at the same place.
        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// How serious it is.
    public var severity: Severity
    /// The file, as the user gave it or relative to the current folder; empty when no file is involved.
    public var file: String
    /// Where in the file, when known.
    public var location: SourceLocation?
    /// The JSON path of the offending value (`links[3].templateAppId`); empty for the file as a whole.
    public var path: String
    /// What is wrong, as a lowercase sentence that quotes the offending value and says what is expected.
    public var message: String

    /// Creates a diagnostic.
    public init(
        severity: Severity = .error, file: String, location: SourceLocation?, path: String = "", message: String
    ) {
        self.severity = severity
        self.file = file
        self.location = location
        self.path = path
        self.message = message
    }

    /// Creates an error.
    public static func error(file: String, location: SourceLocation?, path: String = "", _ message: String) -> Self {
        Diagnostic(severity: .error, file: file, location: location, path: path, message: message)
    }

    /// Creates a warning.
    public static func warning(file: String, location: SourceLocation?, path: String = "", _ message: String) -> Self {
        Diagnostic(severity: .warning, file: file, location: location, path: path, message: message)
    }

    /// Whether this is an error.
    public var isError: Bool { severity == .error }

    /// `file:line:column: path: message`; parts that are unknown are left out and warnings say so.
    public var description: String {
        var text = ""
        if !file.isEmpty {
            text += file
            if let location { text += ":\(location.line):\(location.column)" }
            text += ": "
        }
        if severity == .warning { text += "warning: " }
        if !path.isEmpty { text += path + ": " }
        return text + message
    }

    /// Orders by file (byte order), line, column, then severity, path and message, so output is stable.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.file != rhs.file { return lhs.file.utf8.lexicographicallyPrecedes(rhs.file.utf8) }
        let left = lhs.location ?? SourceLocation(line: 0, column: 0)
        let right = rhs.location ?? SourceLocation(line: 0, column: 0)
        if left != right { return left < right }
        if lhs.severity != rhs.severity { return lhs.severity < rhs.severity }
        if lhs.path != rhs.path { return lhs.path.utf8.lexicographicallyPrecedes(rhs.path.utf8) }
        return lhs.message.utf8.lexicographicallyPrecedes(rhs.message.utf8)
    }

    /// `diagnostics` sorted by file, line and column, with exact repeats removed (the same problem found
    /// while checking several environments is reported once).
    public static func normalized(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var result: [Diagnostic] = []
        result.reserveCapacity(diagnostics.count)
        for diagnostic in diagnostics.sorted() where result.last != diagnostic {
            result.append(diagnostic)
        }
        return result
    }
}

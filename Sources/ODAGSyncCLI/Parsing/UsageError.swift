/// Bad command-line usage (exit code 64), with a hint where one helps.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, as a lowercase sentence.
    public var message: String
    /// What to do instead (`did you mean "--server"?`), if anything.
    public var hint: String?

    /// Creates a usage error.
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { message }
}

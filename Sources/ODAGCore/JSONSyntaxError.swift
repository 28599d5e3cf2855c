/// A JSON text that is not valid, with where the problem is.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The byte offset of the problem.
    public var offset: Int
    /// The line and column of the problem.
    public var location: SourceLocation
    /// What is wrong, as a lowercase sentence.
    public var message: String

    init(source: [UInt8], offset: Int, message: String) {
        self.offset = offset
        self.location = LineTable(source: source).location(ofOffset: offset)
        self.message = message
    }

    /// `line:column: message`.
    public var description: String { "\(location): \(message)" }
}

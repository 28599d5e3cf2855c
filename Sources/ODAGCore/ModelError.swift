/// A JSON value that does not have the shape a model needs, with the JSON path of the problem.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is (`properties.retention.maxAge`); empty for the value itself.
    public var path: String
    /// What is wrong, as a lowercase sentence (`expected an integer, found "x"`).
    public var message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`, or the message alone for the root.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// The same error seen from a parent: `prefix` is put before the path.
    public func nested(under prefix: String) -> ModelError {
        guard !prefix.isEmpty else { return self }
        let joined: String
        if path.isEmpty {
            joined = prefix
        } else if path.hasPrefix("[") {
            joined = prefix + path
        } else {
            joined = prefix + "." + path
        }
        return ModelError(path: joined, message: message)
    }
}

/// Reads the members of a JSON object with type checks that name the path and the offending value.
public struct JSONObjectReader: Sendable {
    /// The object's members.
    public let members: [String: JSONValue]
    /// The object's own path, for messages.
    public let path: String

    /// Reads `value`, which must be an object.
    public init(_ value: JSONValue, path: String = "") throws(ModelError) {
        guard case .object(let members) = value else {
            throw ModelError(
                path: path, message: "expected an object, found \(value.kindDescription) \(value.snippet())")
        }
        self.members = members
        self.path = path
    }

    /// The members not named in `known`, kept so nothing a server sent is lost.
    public func extra(excluding known: Set<String>) -> [String: JSONValue] {
        members.filter { !known.contains($0.key) }
    }

    func childPath(_ key: String) -> String { JSONPath.appending(key: key, to: path) }

    func mismatch(_ key: String, _ expected: String, _ value: JSONValue) -> ModelError {
        ModelError(
            path: childPath(key), message: "expected \(expected), found \(value.kindDescription) \(value.snippet())")
    }

    /// The member's raw value; `null` counts as absent.
    public func value(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    /// A string member, or `nil` when absent.
    public func string(_ key: String) throws(ModelError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let s) = value else { throw mismatch(key, "a string", value) }
        return s
    }

    /// A string member that must be present.
    public func requiredString(_ key: String) throws(ModelError) -> String {
        guard let s = try string(key) else { throw ModelError(path: childPath(key), message: "is required") }
        return s
    }

    /// A UUID member, or `nil` when absent.
    public func uuid(_ key: String) throws(ModelError) -> String? {
        guard let s = try string(key) else { return nil }
        guard ODAGUUID.isValid(s) else {
            throw ModelError(path: childPath(key), message: "\(quoted(s)) is not a UUID")
        }
        return s
    }

    /// A UUID member that must be present.
    public func requiredUUID(_ key: String) throws(ModelError) -> String {
        guard let s = try uuid(key) else { throw ModelError(path: childPath(key), message: "is required") }
        return s
    }

    /// An integer member (a number with no fractional part), or `nil` when absent.
    public func int(_ key: String) throws(ModelError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let i = value.intValue else { throw mismatch(key, "an integer", value) }
        return i
    }

    /// A boolean member, or `nil` when absent.
    public func bool(_ key: String) throws(ModelError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let b) = value else { throw mismatch(key, "a boolean", value) }
        return b
    }

    /// An object member, or `nil` when absent.
    public func object(_ key: String) throws(ModelError) -> JSONValue? {
        guard let value = value(key) else { return nil }
        guard case .object = value else { throw mismatch(key, "an object", value) }
        return value
    }

    /// A member decoded by `decode` with its own path, or `nil` when absent.
    public func model<T>(_ key: String, _ decode: (JSONValue, String) throws(ModelError) -> T) throws(ModelError) -> T?
    {
        guard let value = value(key) else { return nil }
        return try decode(value, childPath(key))
    }

    /// An array member whose elements are decoded by `decode`, or `nil` when absent.
    public func array<T>(
        _ key: String, _ decode: (JSONValue, String) throws(ModelError) -> T
    ) throws(ModelError) -> [T]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else { throw mismatch(key, "an array", value) }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        let base = childPath(key)
        for (k, element) in elements.enumerated() {
            result.append(try decode(element, JSONPath.appending(index: k, to: base)))
        }
        return result
    }
}

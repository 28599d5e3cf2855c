import ODAGCore

/// Checks the shape of one parsed JSON file and collects diagnostics that point into it.
///
/// Shared by the manifest and config checks so both speak the same way: paths as in `links[3].name`,
/// values quoted as compact JSON, unknown keys with a suggestion.
struct DocumentChecker {
    let value: JSONValue
    let positions: SourcePositions
    let file: String
    var diagnostics: [Diagnostic] = []
    /// How many of ``diagnostics`` are errors.
    private(set) var errorCount = 0

    init(value: JSONValue, positions: SourcePositions, file: String) {
        self.value = value
        self.positions = positions
        self.file = file
    }

    /// Reports an error about the value at `path`.
    mutating func error(_ path: String, _ message: String) {
        diagnostics.append(.error(file: file, location: positions.location(of: path), path: path, message))
        errorCount += 1
    }

    /// Reports a warning about the value at `path`.
    mutating func warning(_ path: String, _ message: String) {
        diagnostics.append(.warning(file: file, location: positions.location(of: path), path: path, message))
    }

    /// Reports an error about the key of the member at `path` (an unknown or misspelt key).
    mutating func keyError(_ path: String, _ message: String) {
        let location = positions.keyLocation(of: path) ?? positions.location(of: path)
        diagnostics.append(.error(file: file, location: location, path: path, message))
        errorCount += 1
    }

    /// Reports a warning about the key of the member at `path` (a key that is passed through unchecked).
    mutating func keyWarning(_ path: String, _ message: String) {
        let location = positions.keyLocation(of: path) ?? positions.location(of: path)
        diagnostics.append(.warning(file: file, location: location, path: path, message))
    }

    /// The members of the object at `path`, or `nil` (and an error) when it is something else.
    mutating func object(_ value: JSONValue, at path: @autoclosure () -> String, expected: String = "an object")
        -> [String: JSONValue]?
    {
        guard case .object(let members) = value else {
            error(path(), "expected \(expected), found \(Self.describe(value))")
            return nil
        }
        return members
    }

    /// Reports every member of `members` not named in `known`, with the closest known key as a hint.
    mutating func checkKeys(
        _ members: [String: JSONValue], at path: @autoclosure () -> String, known: [String], what: String
    ) {
        for key in members.keys where !known.contains(key) {
            let childPath = JSONPath.appending(key: key, to: path())
            var message = "unknown key \(quoted(key)) in \(what)"
            if let hint = KeySuggester.hint(for: key, among: known) {
                message += "; \(hint)"
            } else {
                message += "; expected one of \(quotedList(known))"
            }
            keyError(childPath, message)
        }
    }

    /// Reports the member `key` of the object at `path` as unknown, with the closest of `known` as a hint.
    /// Callers that switch over an object's keys use it for the keys they do not handle.
    mutating func unknownKey(_ key: String, in path: String, known: [String], what: String) {
        checkKeys([key: .null], at: path, known: known, what: what)
    }

    /// A string value, or `nil` (and an error) when it is something else.
    mutating func string(_ value: JSONValue, at path: @autoclosure () -> String, expected: String = "a string")
        -> String?
    {
        guard case .string(let text) = value else {
            error(path(), "expected \(expected), found \(Self.describe(value))")
            return nil
        }
        return text
    }

    /// A boolean value, or `nil` (and an error).
    mutating func bool(_ value: JSONValue, at path: @autoclosure () -> String) -> Bool? {
        guard case .bool(let flag) = value else {
            error(path(), "expected a boolean (true or false), found \(Self.describe(value))")
            return nil
        }
        return flag
    }

    /// A non-negative integer, or `nil` (and an error).
    mutating func nonNegativeInt(_ value: JSONValue, at path: @autoclosure () -> String) -> Int? {
        guard let number = value.intValue, value.doubleValue != nil else {
            error(path(), "expected a non-negative integer, found \(Self.describe(value))")
            return nil
        }
        guard number >= 0 else {
            error(path(), "\(number) is negative; expected a non-negative integer")
            return nil
        }
        return number
    }

    /// An array, or `nil` (and an error).
    mutating func array(_ value: JSONValue, at path: @autoclosure () -> String, expected: String = "an array")
        -> [JSONValue]?
    {
        guard case .array(let elements) = value else {
            error(path(), "expected \(expected), found \(Self.describe(value))")
            return nil
        }
        return elements
    }

    /// A map of strings to strings (`variables`), or `nil` (and errors for each bad member).
    mutating func stringMap(_ value: JSONValue, at path: @autoclosure () -> String) -> [String: String]? {
        guard let members = object(value, at: path(), expected: "an object of strings") else { return nil }
        var result: [String: String] = [:]
        var valid = true
        for (key, member) in members {
            if let text = string(member, at: JSONPath.appending(key: key, to: path())) {
                result[key] = text
            } else {
                valid = false
            }
        }
        return valid ? result : nil
    }

    /// The value's kind and compact text for messages: `a string "abc"`, `an integer 5`, `null`.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        default: return "\(value.kindDescription) \(value.snippet())"
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

import ODAGCore

/// Expands `${name}` and `${env:NAME}` in manifest strings (SPEC §2); `$${` is a literal `${`.
///
/// `${name}` comes from ``variables`` (the selected environment's over the config's top level);
/// `${env:NAME}` from ``processEnvironment``, which is passed in rather than read globally so tests and
/// callers decide what the process environment is.
public struct VariableResolver: Sendable, Equatable {
    /// What became of one string: its expanded value, or why it could not be expanded.
    public struct Resolution: Sendable, Equatable {
        /// The expanded string (unresolved references are left as written).
        public var value: String
        /// One lowercase message per problem (`unresolved variable "salesApp" in environment "prod"`).
        public var problems: [String]
        /// Whether the string contained any reference or escape, so `value` differs from the input.
        public var substituted: Bool
    }

    /// Values for `${name}`.
    public var variables: [String: String]
    /// Values for `${env:NAME}`.
    public var processEnvironment: [String: String]
    /// The environment whose variables these are, named in messages; `nil` for the top level.
    public var environment: String?
    /// Credentials no string may expand to.
    public var credentials: CredentialValues

    /// Creates a resolver.
    public init(
        variables: [String: String] = [:], processEnvironment: [String: String] = [:], environment: String? = nil,
        credentials: CredentialValues = CredentialValues()
    ) {
        self.variables = variables
        self.processEnvironment = processEnvironment
        self.environment = environment
        self.credentials = credentials
    }

    /// Expands every reference in `text`.
    /// Whether `text` holds a `$`: memchr over the UTF-8 bytes, as `String.UTF8View.contains` goes through
    /// the generic iterator a byte at a time (6 % of checking manifests).
    static func containsDollar(_ text: String) -> Bool {
        let dollar = UInt8(ascii: "$")
        let found = text.utf8.withContiguousStorageIfAvailable { buffer in
            buffer.baseAddress.map { memchr($0, Int32(dollar), buffer.count) != nil } ?? false
        }
        return found ?? text.utf8.contains(dollar)
    }

    public func resolve(_ text: String) -> Resolution {
        // Most strings hold no `$`: hand them back without copying.
        guard Self.containsDollar(text) else {
            return Resolution(value: text, problems: [], substituted: false)
        }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var problems: [String] = []
        var substituted = false
        var k = 0
        while k < bytes.count {
            let byte = bytes[k]
            guard byte == UInt8(ascii: "$") else {
                output.append(byte)
                k += 1
                continue
            }
            if k + 2 < bytes.count, bytes[k + 1] == UInt8(ascii: "$"), bytes[k + 2] == UInt8(ascii: "{") {
                output.append(contentsOf: [UInt8(ascii: "$"), UInt8(ascii: "{")])
                substituted = true
                k += 3
                continue
            }
            guard k + 1 < bytes.count, bytes[k + 1] == UInt8(ascii: "{") else {
                output.append(byte)
                k += 1
                continue
            }
            substituted = true
            guard let close = bytes[(k + 2)...].firstIndex(of: UInt8(ascii: "}")) else {
                let rest = String(decoding: bytes[k...], as: UTF8.self)
                problems.append(
                    "unterminated variable reference \(quoted(rest)); expected \"${name}\", or \"$${\" for a literal \"${\""
                )
                output.append(contentsOf: bytes[k...])
                break
            }
            let name = String(decoding: bytes[(k + 2)..<close], as: UTF8.self)
            if let value = lookUp(name, problems: &problems) {
                output.append(contentsOf: value.utf8)
            } else {
                output.append(contentsOf: bytes[k...close])
            }
            k = close + 1
        }
        let value = String(decoding: output, as: UTF8.self)
        // A credential written as such is reported once, by the check of the file as written.
        if credentials.found(in: value) && !credentials.found(in: text) {
            problems.append("expands to a value that " + CredentialValues.message)
        }
        return Resolution(value: value, problems: problems, substituted: substituted)
    }

    private func lookUp(_ reference: String, problems: inout [String]) -> String? {
        if reference.hasPrefix("env:") {
            let name = String(reference.dropFirst(4))
            guard !name.isEmpty else {
                problems.append("empty environment variable name in \"${env:}\"; expected \"${env:NAME}\"")
                return nil
            }
            if CredentialValues.environmentVariables.contains(name) {
                problems.append(
                    "\(quoted("${env:" + name + "}")) names \(name), which holds a credential; a credential must never "
                        + "be put in a manifest, where everyone who can read the repository or the link sees it")
                return nil
            }
            if let value = processEnvironment[name] { return value }
            problems.append("unresolved environment variable \(quoted(name)); it is not set in the process environment")
            return nil
        }
        guard !reference.isEmpty else {
            problems.append("empty variable reference \"${}\"; expected \"${name}\", or \"$${\" for a literal \"${\"")
            return nil
        }
        if let value = variables[reference] { return value }
        var message = "unresolved variable \(quoted(reference))"
        if let environment { message += " in environment \(quoted(environment))" }
        if let hint = KeySuggester.hint(for: reference, among: variables.keys) {
            message += "; \(hint)"
        } else if variables.isEmpty {
            message += "; no variables are defined"
        }
        problems.append(message)
        return nil
    }
}

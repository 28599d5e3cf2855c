import Foundation
import ODAGCore

/// The credentials odag-sync was given (the bearer token, `--header` values), which no manifest or
/// config value may hold or expand to: a link's name and properties are readable by every Qlik user and
/// appear in plans, pull-request comments and plan files.
public struct CredentialValues: Sendable, Equatable {
    /// Shorter values are not looked for: too short to be a credential, and they would match ordinary text.
    public static let minimumLength = 8

    /// The process environment variables that hold credentials; `${env:…}` may not name them.
    public static let environmentVariables: Set<String> = ["ODAG_TOKEN", "ODAG_HEADERS"]

    /// The values looked for, each at least ``minimumLength`` characters long.
    public let values: [String]

    /// The credential values among `values` (shorter ones and repeats dropped).
    public init(_ values: [String] = []) {
        var seen: Set<String> = []
        self.values = values.filter { $0.count >= Self.minimumLength && seen.insert($0).inserted }
    }

    /// The credentials of the process environment: `ODAG_TOKEN` and the values of the `Name: value` lines
    /// of `ODAG_HEADERS`.
    public static func of(environment: [String: String]) -> CredentialValues {
        var values: [String] = []
        if let token = environment["ODAG_TOKEN"] {
            values.append(token.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        for line in (environment["ODAG_HEADERS"] ?? "").split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            values.append(line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return CredentialValues(values)
    }

    /// Whether there is nothing to look for.
    public var isEmpty: Bool { values.isEmpty }

    /// Whether `text` holds one of the credentials.
    public func found(in text: String) -> Bool {
        !values.isEmpty && text.utf8.count >= Self.minimumLength && values.contains { text.contains($0) }
    }

    /// The message for a value that holds or expands to a credential; it never shows the value.
    static let message =
        "holds a credential given to odag-sync (the token or a --header value); a manifest or config value "
        + "is readable by everyone who can read the repository or the link, so it must never carry one"

    /// An error for every string in `value` (a whole config or manifest) that holds a credential as written.
    public func diagnostics(in value: JSONValue, file: String, positions: SourcePositions) -> [Diagnostic] {
        guard !isEmpty else { return [] }
        var found: [(path: String, inKey: Bool)] = []
        collect(value, at: "", into: &found)
        return found.map { path, inKey in
            // A key is reported at its object, as its own path would show the credential.
            .error(
                file: file, location: positions.location(of: path), path: path,
                inKey ? "a member name " + Self.message : Self.message)
        }
    }

    private func collect(_ value: JSONValue, at path: String, into found: inout [(path: String, inKey: Bool)]) {
        switch value {
        case .string(let text):
            if self.found(in: text) { found.append((path, false)) }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                collect(element, at: JSONPath.appending(index: index, to: path), into: &found)
            }
        case .object(let members):
            for (key, member) in members {
                if self.found(in: key) {
                    found.append((path, true))
                    continue
                }
                collect(member, at: JSONPath.appending(key: key, to: path), into: &found)
            }
        default:
            break
        }
    }
}

import ODAGSync
import Synchronization

/// The secrets of one run (the token and every header value), replaced by `<redacted>` in everything the
/// command writes, so that a server echoing one (an `X-Qlik-User` value in an error message, say) never
/// gets it printed. Values shorter than ``CredentialValues/minimumLength`` are left alone: they would
/// match ordinary text.
public final class Redactions: Sendable {
    private let values = Mutex<[String]>([])

    /// An empty list.
    public init() {}

    /// Adds secrets to redact from now on.
    public func add(_ secrets: [String]) {
        let kept = CredentialValues(secrets).values
        values.withLock { values in
            for secret in kept where !values.contains(secret) { values.append(secret) }
            // Longest first, so that a secret containing another is replaced whole.
            values.sort { $0.count > $1.count }
        }
    }

    /// `text` with every secret replaced by `<redacted>`.
    public func apply(_ text: String) -> String {
        let secrets = values.withLock { $0 }
        guard !secrets.isEmpty else { return text }
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return result
    }
}

/// A sink that redacts what it passes on.
struct RedactingSink: TextSink {
    let inner: any TextSink
    let redactions: Redactions

    func write(_ text: String) {
        inner.write(redactions.apply(text))
    }
}

extension Console {
    /// This console with `redactions` applied to everything it writes.
    func redacting(_ redactions: Redactions) -> Console {
        var console = Console(
            standardOutput: RedactingSink(inner: standardOutput, redactions: redactions),
            standardError: RedactingSink(inner: standardError, redactions: redactions), colorOutput: colorOutput,
            colorErrors: colorErrors, interactive: interactive, errorIsTerminal: errorIsTerminal, readLine: readLine)
        console.quiet = quiet
        console.verbose = verbose
        return console
    }
}

/// One HTTP exchange as the `--verbose` log shows it: method, path (no query, so no xrfkey), status or failure,
/// duration and attempt number. It never holds a header, a body or a token.
public struct RequestLogEntry: Sendable, Equatable, CustomStringConvertible {
    /// The HTTP method.
    public var method: String
    /// The URL path, without the query.
    public var path: String
    /// The status, or `nil` when no answer came.
    public var status: Int?
    /// How long the exchange took.
    public var duration: Duration
    /// Which attempt this was (1 for the first).
    public var attempt: Int
    /// The transport failure when no answer came, else `nil`.
    public var failure: String?

    /// Creates an entry.
    public init(method: String, path: String, status: Int?, duration: Duration, attempt: Int, failure: String? = nil) {
        self.method = method
        self.path = path
        self.status = status
        self.duration = duration
        self.attempt = attempt
        self.failure = failure
    }

    /// `GET /api/odag/v1/links 200 12 ms`, with `(attempt 2)` on retries.
    public var description: String {
        let milliseconds = Int(
            (Double(duration.components.seconds) * 1000
                + Double(duration.components.attoseconds) / 1e15).rounded())
        let outcome = status.map(String.init) ?? "failed (\(failure ?? "no answer"))"
        let retry = attempt > 1 ? " (attempt \(attempt))" : ""
        return "\(method) \(path) \(outcome) \(milliseconds) ms\(retry)"
    }
}

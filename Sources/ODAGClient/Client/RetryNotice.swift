/// A failed attempt that the client is about to retry, and how long it waits first: what a person watching a slow
/// or silent server needs to see instead of silence.
public struct RetryNotice: Sendable, Equatable, CustomStringConvertible {
    /// The HTTP method.
    public var method: String
    /// The URL path, without the query.
    public var path: String
    /// The attempt that failed (1 for the first).
    public var failedAttempt: Int
    /// The most attempts the retry policy allows.
    public var maximumAttempts: Int
    /// The wait before the next attempt, in seconds.
    public var wait: Double
    /// Why the attempt failed (a status or a transport failure), without secrets.
    public var reason: String

    /// Creates a notice.
    public init(method: String, path: String, failedAttempt: Int, maximumAttempts: Int, wait: Double, reason: String) {
        self.method = method
        self.path = path
        self.failedAttempt = failedAttempt
        self.maximumAttempts = maximumAttempts
        self.wait = wait
        self.reason = reason
    }

    /// `GET /api/odag/v1/links: no complete answer … within 30 s; attempt 2 of 4 in 1.3 s`.
    public var description: String {
        let seconds = (wait * 10).rounded() / 10
        return "\(method) \(path): \(reason); attempt \(failedAttempt + 1) of \(maximumAttempts) in \(seconds) s"
    }
}

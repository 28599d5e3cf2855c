/// Sends one HTTP request and returns the server's response, whatever its status.
///
/// The seam between the client (xrfkey, retries, error mapping) and the network. A transport follows no redirects,
/// keeps no cookies and caches nothing. It throws ``HTTPTransportError`` when no response was received, saying
/// whether the request was certainly not sent or may have reached the server, and `CancellationError` when the
/// calling task was cancelled.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response, or throws ``HTTPTransportError``.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

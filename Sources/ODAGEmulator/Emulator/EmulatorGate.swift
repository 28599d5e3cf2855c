import Foundation
import ODAGCore

/// What happens in front of the API: the login page, latency, authentication and injected faults.
struct EmulatorGate: Sendable {
    let configuration: EmulatorConfiguration
    let faults: FaultInjector
    /// The proxy's sessions (the `qseow` flavour): an answer to a request without a session cookie opens one.
    var sessions: (any ProxySessions)?
    /// The flavour named in `APIFlavour.announcementHeader` on every answer past authentication; `nil`
    /// names none.
    var announced: APIFlavour?

    static let loginPage = """
        <!DOCTYPE html>
        <html><head><title>Qlik Sense login</title></head>
        <body><form method="post" action="\(EmulatorConfiguration.loginPath)">
        <input name="username"><input name="pwd" type="password"><button>Log in</button>
        </form></body></html>

        """

    func handle(_ request: HTTPServerRequest, next: (HTTPServerRequest) -> HTTPServerResponse) -> HTTPServerResponse {
        // The login page is never delayed, failed, dropped or protected.
        if request.path.hasPrefix(EmulatorConfiguration.loginPath)
            || request.path + "/" == EmulatorConfiguration.loginPath
        {
            return .text(200, EmulatorGate.loginPage, contentType: "text/html; charset=utf-8")
        }
        guard configuration.latencyMs > 0 else { return answer(request, next: next) }
        // The latency is the server's response time: the answer leaves `latencyMs` after the request
        // arrived, and the work (including the durable write of the state) happens within that time,
        // as on a real server, rather than adding to it.
        let deadline = ContinuousClock.now + .milliseconds(configuration.latencyMs)
        let response = answer(request, next: next)
        let remaining = deadline - ContinuousClock.now
        if remaining > .zero {
            let (seconds, attoseconds) = remaining.components
            Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) * 1e-18)
        }
        return response
    }

    private func answer(_ request: HTTPServerRequest, next: (HTTPServerRequest) -> HTTPServerResponse)
        -> HTTPServerResponse
    {
        if let token = configuration.requireToken, request.headers["Authorization"] != "Bearer \(token)" {
            var response = EmulatorRouter.error(
                EmulatorAPIError(
                    status: 401,
                    message: request.headers["Authorization"] == nil
                        ? "authentication required: send Authorization: Bearer <token>"
                        : "the bearer token was not accepted"))
            response.headers.replaceOrAdd(name: "WWW-Authenticate", value: "Bearer realm=\"odag-emulator\"")
            return response
        }
        if let header = configuration.requireHeader, (request.headers[header] ?? "").isEmpty {
            // As a Qlik virtual proxy does for an unauthenticated API call: redirect to its login form.
            var headers = HTTPFields()
            headers.replaceOrAdd(
                name: "Location", value: "\(EmulatorConfiguration.loginPath)?targetId=\(ODAGUUID.random())")
            headers.replaceOrAdd(name: "Content-Type", value: "text/html; charset=utf-8")
            return HTTPServerResponse(
                status: 302, headers: headers, body: Array("<html><body>Redirecting to login</body></html>".utf8))
        }
        let decision = faults.next()
        // Past authentication, as behind Qlik's proxy: an answer that is sent opens a session (a dropped
        // one never reached the client, so it opens none).
        let opensSession = sessions.map { !$0.knows(request) } ?? false
        var response = decision.fail ? EmulatorGate.unavailable(configuration) : next(request)
        if decision.drop { return .drop }
        if opensSession, let sessions {
            response.headers.add(name: "Set-Cookie", value: sessions.open())
        }
        if let announced {
            response.headers.replaceOrAdd(name: APIFlavour.announcementHeader, value: announced.rawValue)
        }
        return response
    }

    private static func unavailable(_ configuration: EmulatorConfiguration) -> HTTPServerResponse {
        var response = EmulatorRouter.error(
            EmulatorAPIError(status: 503, message: "the service is unavailable (injected failure), retry later"))
        response.headers.replaceOrAdd(name: "Retry-After", value: String(configuration.retryAfterSeconds))
        return response
    }
}

/// The sessions of the proxy in front of the API: which requests carry one, and opening a new one.
protocol ProxySessions: Sendable {
    /// Whether the request carries the cookie of a session this proxy opened.
    func knows(_ request: HTTPServerRequest) -> Bool
    /// Opens a session and returns its `Set-Cookie` value.
    func open() -> String
}

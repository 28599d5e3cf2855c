import Dispatch
import Foundation
import ODAGCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An ``HTTPTransport`` over `URLSession`: the default, for servers whose certificate the system trusts.
///
/// On Linux, `URLSession` trusts only the system store, cannot present a client certificate and cannot skip
/// verification; ``CurlTransport`` covers those cases. This transport works around Linux's traps: a `401` carrying
/// `WWW-Authenticate: Basic` would hang forever, so a delegate cancels every authentication challenge and the `401`
/// is still returned as a response; timeouts are whole seconds, rounded up; redirects are not followed; there is no
/// cookie storage and no cache; and a watchdog cancels any exchange that outlives its timeout by five seconds.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: `session` and `delegate` are immutable references to thread-safe objects.
    private let session: URLSession
    /// Requests with a body go through their own session, each on a fresh connection (`Connection: close`).
    /// On Linux, when a server closes a reused keep-alive connection without answering, libcurl re-sends the
    /// request on a new connection, but Foundation cannot rewind a body: the body is never re-sent and the
    /// exchange hangs until the timeout. A fresh connection is never re-sent by libcurl, so a lost answer fails
    /// at once as a lost connection, and the client resolves the outcome itself (re-reading before any re-create).
    private let bodySession: URLSession
    private let delegate: SessionDelegate
    // Task identifiers are per session, so each session has its own delegate.
    private let bodyDelegate: SessionDelegate

    /// The most connections opened to one host at once. Parallel apply needs at least its parallelism.
    public let maximumConnectionsPerHost: Int

    /// Creates a transport with its own session.
    ///
    /// - Parameters:
    ///   - maximumConnectionsPerHost: the connection limit per host; keep it at least the apply parallelism
    ///     (Linux's default of 6 would cap a parallelism of 8).
    ///   - defaultTimeout: the session's request timeout in seconds (rounded up); each request's own
    ///     ``HTTPRequest/timeout`` applies too.
    public init(maximumConnectionsPerHost: Int = 8, defaultTimeout: Double = 60) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maximumConnectionsPerHost)
        configuration.timeoutIntervalForRequest = TimeInterval(
            HTTPRequest(method: "GET", url: URL(fileURLWithPath: "/"), timeout: defaultTimeout).wholeSecondTimeout)
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.urlCredentialStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        self.maximumConnectionsPerHost = configuration.httpMaximumConnectionsPerHost
        self.delegate = SessionDelegate()
        self.session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        self.bodyDelegate = SessionDelegate()
        self.bodySession = URLSession(configuration: configuration, delegate: bodyDelegate, delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
        bodySession.finishTasksAndInvalidate()
    }

    /// Sends the request and returns the response, whatever its status (redirects included, not followed).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = TimeInterval(request.wholeSecondTimeout)
        urlRequest.httpShouldHandleCookies = false
        urlRequest.cachePolicy = .reloadIgnoringLocalCacheData
        for field in request.headers {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name)
        }
        if let body = request.body {
            urlRequest.httpBody = Data(body)
            urlRequest.setValue("close", forHTTPHeaderField: "Connection")
        }
        let task = (request.body == nil ? session : bodySession).dataTask(with: urlRequest)
        let taskID = task.taskIdentifier
        let delegate = request.body == nil ? self.delegate : bodyDelegate
        let outcome: Outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                delegate.register(taskID, continuation: continuation)
                task.resume()
                let watchdog = DispatchTime.now() + .seconds(request.wholeSecondTimeout + 5)
                DispatchQueue.global().asyncAfter(deadline: watchdog) { [weak task] in
                    if delegate.markWatchdogFired(taskID) { task?.cancel() }
                }
            }
        } onCancel: {
            delegate.markCancelledByCaller(taskID)
            task.cancel()
        }
        return try Self.result(of: outcome, for: request)
    }

    /// Turns what the delegate collected into a response or an error.
    private static func result(of outcome: Outcome, for request: HTTPRequest) throws -> HTTPResponse {
        let response = outcome.response ?? outcome.challengeResponse
        if let error = outcome.error {
            let nsError = error as NSError
            let cancelled = nsError.domain == NSURLErrorDomain && nsError.code == NSURLErrorCancelled
            if cancelled, !outcome.watchdogFired, !outcome.cancelledByCaller, let response {
                // We cancelled an authentication challenge: the 401 (or 407) itself is the answer.
                return makeResponse(response, body: outcome.body)
            }
            if outcome.watchdogFired {
                throw HTTPTransportError(
                    .timedOut,
                    detail: "no answer from \(endpoint(of: request.url)) within \(request.wholeSecondTimeout) s")
            }
            if cancelled || outcome.cancelledByCaller {
                throw CancellationError()
            }
            let code = nsError.domain == NSURLErrorDomain ? nsError.code : NSURLErrorUnknown
            throw transportError(forURLErrorCode: code, request: request)
        }
        guard let response else {
            throw HTTPTransportError(.other, detail: "\(endpoint(of: request.url)) gave no HTTP response")
        }
        return makeResponse(response, body: outcome.body)
    }

    private static func makeResponse(_ response: HTTPURLResponse, body: [UInt8]) -> HTTPResponse {
        var fields: [(String, String)] = []
        for (name, value) in response.allHeaderFields {
            fields.append(("\(name)", "\(value)"))
        }
        fields.sort { $0.0.lowercased() < $1.0.lowercased() }
        return HTTPResponse(status: response.statusCode, headers: HTTPFields(fields), body: body)
    }

    /// `host:port` of a URL, for messages.
    static func endpoint(of url: URL) -> String {
        let host = url.host ?? "?"
        if let port = url.port { return "\(host):\(port)" }
        return host
    }

    /// Maps an `NSURLErrorDomain` code to a transport error that says whether the request may have been sent.
    static func transportError(forURLErrorCode code: Int, request: HTTPRequest) -> HTTPTransportError {
        let endpoint = endpoint(of: request.url)
        switch code {
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed:
            return HTTPTransportError(.cannotResolveHost, detail: "cannot resolve host \(request.url.host ?? "?")")
        case NSURLErrorCannotConnectToHost:
            return HTTPTransportError(.cannotConnect, detail: "connection refused by \(endpoint)")
        case NSURLErrorNotConnectedToInternet:
            return HTTPTransportError(.cannotConnect, detail: "no network route to \(endpoint)")
        case NSURLErrorClientCertificateRejected, NSURLErrorClientCertificateRequired:
            return HTTPTransportError(
                .tlsFailure, detail: "the TLS handshake with \(endpoint) failed (client certificate)",
                hint: HTTPTransportError.clientCertificateHint)
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateHasBadDate,
            NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasUnknownRoot,
            NSURLErrorServerCertificateNotYetValid:
            return HTTPTransportError(
                .tlsFailure, detail: "the TLS handshake with \(endpoint) failed (server certificate not trusted)",
                hint: HTTPTransportError.serverCertificateHint)
        case NSURLErrorTimedOut:
            return HTTPTransportError(
                .timedOut, detail: "no answer from \(endpoint) within \(request.wholeSecondTimeout) s")
        case NSURLErrorNetworkConnectionLost, NSURLErrorBadServerResponse, NSURLErrorCannotParseResponse,
            NSURLErrorZeroByteResource:
            return HTTPTransportError(
                .connectionLost, detail: "the connection to \(endpoint) was lost before a complete answer")
        case NSURLErrorBadURL, NSURLErrorUnsupportedURL:
            return HTTPTransportError(.invalidRequest, detail: "unsupported URL for \(endpoint)")
        default:
            return HTTPTransportError(.other, detail: "the request to \(endpoint) failed (URL error \(code))")
        }
    }
}

/// What one task produced.
private struct Outcome {
    var response: HTTPURLResponse?
    var challengeResponse: HTTPURLResponse?
    var body: [UInt8] = []
    var error: (any Error)?
    var watchdogFired = false
    var cancelledByCaller = false
}

/// Collects each task's response and body and answers its callbacks; shared state is behind a lock.
private final class SessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct State {
        var outcome = Outcome()
        var continuation: CheckedContinuation<Outcome, Never>?
    }

    private let lock = NSLock()
    private var states: [Int: State] = [:]

    func register(_ taskID: Int, continuation: CheckedContinuation<Outcome, Never>) {
        lock.lock()
        states[taskID, default: State()].continuation = continuation
        lock.unlock()
    }

    /// Marks the watchdog as fired; `false` when the task already finished.
    func markWatchdogFired(_ taskID: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard states[taskID] != nil else { return false }
        states[taskID]?.outcome.watchdogFired = true
        return true
    }

    func markCancelledByCaller(_ taskID: Int) {
        // A task cancelled before it was registered completes with a plain cancellation, which needs no flag.
        lock.lock()
        if states[taskID] != nil { states[taskID]?.outcome.cancelledByCaller = true }
        lock.unlock()
    }

    private func update(_ taskID: Int, _ body: (inout Outcome) -> Void) {
        lock.lock()
        body(&states[taskID, default: State()].outcome)
        lock.unlock()
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        // Answering at all is what matters: unanswered, a 401 with `WWW-Authenticate: Basic` hangs on Linux.
        if let failure = challenge.failureResponse as? HTTPURLResponse {
            update(task.taskIdentifier) { $0.challengeResponse = failure }
        }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    func urlSession(
        _ session: URLSession, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        completionHandler(.performDefaultHandling, nil)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        // The redirect itself is the answer: a virtual proxy sending us to its login page must be reported.
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        if let http = response as? HTTPURLResponse {
            update(dataTask.taskIdentifier) {
                $0.response = http
                $0.body = []
            }
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        update(dataTask.taskIdentifier) { $0.body.append(contentsOf: data) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock()
        var state = states.removeValue(forKey: task.taskIdentifier) ?? State()
        lock.unlock()
        state.outcome.error = error
        if state.outcome.response == nil, let http = task.response as? HTTPURLResponse, error == nil {
            state.outcome.response = http
        }
        state.continuation?.resume(returning: state.outcome)
    }
}

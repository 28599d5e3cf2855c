import Foundation
import ODAGCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An ``HTTPTransport`` for plain `http://` servers: our own small HTTP/1.1 client over POSIX sockets.
///
/// It exists because it knows exactly what reached the socket, which lets it keep connections alive safely. Linux
/// `URLSession` re-sends a request whose reused keep-alive connection was closed under it and cannot rewind a body,
/// so ``URLSessionTransport`` sends every request with a body on a fresh connection; this transport instead:
/// - keeps connections alive and parks them per `host:port` (at most ``maximumIdleConnectionsPerHost``, each for at
///   most ``maximumIdleSeconds``), and checks before reusing one that the server has not closed it;
/// - when a reused connection ends before any byte of an answer (the server closed it as we wrote), sends the
///   request again on a fresh connection only if none of it was written, or if the method is `GET`, `HEAD` or `PUT`,
///   whose repetition has the same effect; a `POST` or `DELETE` fails as ``HTTPTransportError/Delivery/mayHaveBeenSent``
///   and the client resolves it (re-reading before any re-create);
/// - reads `Content-Length`, chunked and read-until-close bodies, skips `1xx` answers, and bounds the head (64 KiB)
///   and the body (``maximumBodyBytes``);
/// - follows no redirects, keeps no cookies, caches nothing and uses no proxy;
/// - runs each exchange on its own thread, so blocking waits never hold one of Swift concurrency's few threads, and
///   bounds every wait by the request's timeout (fractions of a second included).
///
/// `https://` URLs are refused with ``HTTPTransportError/Kind/invalidRequest``: TLS goes through
/// ``URLSessionTransport`` or ``CurlTransport``.
public final class SocketTransport: HTTPTransport, Sendable {
    /// The most idle connections kept per `host:port`.
    public let maximumIdleConnectionsPerHost: Int
    /// How long an idle connection may wait for reuse; older ones are closed instead (servers close idle
    /// connections on their own schedule, and a fresh connection avoids racing them).
    public let maximumIdleSeconds: Double
    /// The largest body accepted, in bytes.
    public let maximumBodyBytes: Int
    /// The largest response head accepted, in bytes.
    static let maximumHeadBytes = 64 * 1024
    private static let oversizedHead = HTTP1ResponseError("the answer's head is over 64 KiB")
    private let pool: ConnectionPool

    /// Creates a transport with an empty connection pool.
    public init(maximumIdleConnectionsPerHost: Int = 8, maximumIdleSeconds: Double = 2, maximumBodyBytes: Int = 1 << 30)
    {
        self.maximumIdleConnectionsPerHost = max(0, maximumIdleConnectionsPerHost)
        self.maximumIdleSeconds = maximumIdleSeconds.isFinite ? min(max(0, maximumIdleSeconds), 3600) : 0
        self.maximumBodyBytes = max(0, maximumBodyBytes)
        self.pool = ConnectionPool(
            capacity: self.maximumIdleConnectionsPerHost,
            maximumIdle: .milliseconds(Int64(self.maximumIdleSeconds * 1000)))
    }

    /// Sends the request and returns the response, whatever its status (redirects included, not followed).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let prepared = try PreparedRequest(request)
        let cancellation = ExchangeCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                Thread.detachNewThread { [self] in
                    continuation.resume(with: Result { try self.perform(prepared, cancellation) })
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// The whole exchange, on the calling (dedicated) thread.
    private func perform(_ request: PreparedRequest, _ cancellation: ExchangeCancellation) throws -> HTTPResponse {
        let deadline = ContinuousClock.now + request.timeout
        var mayReuse = true
        while true {
            if cancellation.isCancelled { throw CancellationError() }
            let reused = mayReuse ? pool.take(request.endpoint) : nil
            let connection: ClientConnection
            if let reused {
                connection = reused
            } else {
                do {
                    connection = try ClientConnection.open(
                        host: request.host, port: request.port, endpoint: request.endpoint, deadline: deadline,
                        cancellation: cancellation)
                } catch {
                    if error == .cancelled || cancellation.isCancelled { throw CancellationError() }
                    throw request.error(for: .socket(error), written: 0)
                }
            }
            guard cancellation.attach(connection.descriptor) else {
                connection.close()
                throw CancellationError()
            }
            var written = 0
            var receivedAny = false
            do {
                let (response, keepOpen) = try exchange(
                    request, on: connection, deadline: deadline, written: &written, receivedAny: &receivedAny)
                cancellation.detach()
                if keepOpen { pool.park(connection) } else { connection.close() }
                return response
            } catch {
                cancellation.detach()
                connection.close()
                if cancellation.isCancelled { throw CancellationError() }
                if reused != nil, !receivedAny, error.isEndOfConnection, written == 0 || request.isRepeatable {
                    // The server closed the parked connection as we used it: once more on a fresh one.
                    mayReuse = false
                    continue
                }
                throw request.error(for: error, written: written)
            }
        }
    }

    /// Writes the request and reads one complete answer (after any `1xx`); also says whether the connection may
    /// carry another exchange.
    private func exchange(
        _ request: PreparedRequest, on connection: ClientConnection, deadline: ContinuousClock.Instant,
        written: inout Int, receivedAny: inout Bool
    ) throws(ExchangeFailure) -> (HTTPResponse, Bool) {
        do {
            try connection.write(request.bytes, written: &written, until: deadline)
        } catch {
            throw .socket(error)
        }
        // A parked connection never holds unread bytes: one that received more than its answer is closed.
        var buffer: [UInt8] = []
        var start = 0
        func receiveMore(_ target: inout [UInt8], limit: Int) throws(ExchangeFailure) {
            let count: Int
            do {
                count = try connection.receive(into: &target, limit: limit, until: deadline)
            } catch {
                throw .socket(error)
            }
            guard count > 0 else { throw .closedEarly }
            receivedAny = true
        }
        while true {
            var searched = start
            var headEnd: Int? = HTTP1ResponseHead.end(in: buffer, start: start, searchFrom: searched)
            while headEnd == nil {
                guard buffer.count - start <= Self.maximumHeadBytes else {
                    throw .malformed(Self.oversizedHead)
                }
                searched = buffer.count
                try receiveMore(&buffer, limit: 64 * 1024)
                headEnd = HTTP1ResponseHead.end(in: buffer, start: start, searchFrom: searched)
            }
            guard let end = headEnd else { continue }
            guard end - start <= Self.maximumHeadBytes else {
                throw .malformed(Self.oversizedHead)
            }
            let head: HTTP1ResponseHead
            let framing: HTTP1ResponseHead.Framing
            do {
                head = try HTTP1ResponseHead.parse(buffer[start..<end])
                framing = try head.framing(requestMethod: request.method)
            } catch {
                throw .malformed(error)
            }
            start = end
            if (100..<200).contains(head.status) {
                guard head.status != 101 else { throw .malformed(HTTP1ResponseError("the server switched protocols")) }
                continue
            }
            var body: [UInt8] = []
            var extraBytes = false
            switch framing {
            case .none:
                extraBytes = start < buffer.count
            case .length(let length):
                guard length <= maximumBodyBytes else { throw .tooLarge(length) }
                body.reserveCapacity(length)
                let available = min(length, buffer.count - start)
                body.append(contentsOf: buffer[start..<(start + available)])
                extraBytes = buffer.count - start > length
                buffer = []
                while body.count < length {
                    try receiveMore(&body, limit: length - body.count)
                }
            case .chunked:
                var decoder = ChunkedBodyDecoder()
                var index = start
                while true {
                    do {
                        index = try decoder.consume(buffer, from: index, into: &body)
                    } catch {
                        throw .malformed(error)
                    }
                    guard body.count <= maximumBodyBytes else { throw .tooLarge(body.count) }
                    if decoder.isComplete {
                        extraBytes = index < buffer.count
                        break
                    }
                    buffer.removeFirst(index)
                    index = 0
                    try receiveMore(&buffer, limit: 64 * 1024)
                }
            case .untilClose:
                body.append(contentsOf: buffer[start...])
                buffer = []
                while true {
                    do {
                        try receiveMore(&body, limit: 64 * 1024)
                    } catch .closedEarly {
                        break
                    }
                    guard body.count <= maximumBodyBytes else { throw .tooLarge(body.count) }
                }
            }
            // Bytes after the answer were never asked for: such a connection cannot be trusted with another request.
            let keepOpen = head.keepsConnectionOpen && framing != .untilClose && !extraBytes
            return (HTTPResponse(status: head.status, headers: head.headers, body: body), keepOpen)
        }
    }
}

/// What ended an exchange early.
enum ExchangeFailure: Error {
    case socket(SocketFailure)
    /// The server closed the connection before a complete answer.
    case closedEarly
    case malformed(HTTP1ResponseError)
    case tooLarge(Int)

    /// Whether the connection ended (closed or reset) rather than timed out or answered nonsense.
    var isEndOfConnection: Bool {
        switch self {
        case .closedEarly, .socket(.broken): true
        default: false
        }
    }
}

/// A request turned into bytes, with what the exchange needs to know about it.
struct PreparedRequest: Sendable {
    let method: String
    let host: String
    let port: Int
    /// `host:port`, the pool's key and what messages name.
    let endpoint: String
    let bytes: [UInt8]
    let timeout: Duration
    let timeoutText: String
    /// Whether sending it twice has the effect of sending it once, with the same answer.
    let isRepeatable: Bool

    init(_ request: HTTPRequest) throws(HTTPTransportError) {
        let url = request.url
        guard url.scheme?.lowercased() == "http" else {
            throw HTTPTransportError(
                .invalidRequest, detail: "the built-in HTTP client speaks plain http only, not \(url.scheme ?? "?")")
        }
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false), var host = url.host,
            !host.isEmpty
        else { throw HTTPTransportError(.invalidRequest, detail: "the URL has no host") }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = url.port ?? 80
        guard (1...65535).contains(port) else {
            throw HTTPTransportError(.invalidRequest, detail: "the port \(port) is not a TCP port")
        }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        self.method = request.method
        self.host = host
        self.port = port
        self.endpoint = "\(bracketed):\(port)"
        self.isRepeatable = ["GET", "HEAD", "PUT"].contains(request.method)
        let seconds = request.timeout.isFinite && request.timeout > 0 ? min(request.timeout, 1e7) : 30
        self.timeout = .milliseconds(Int64((seconds * 1000).rounded(.up)))
        self.timeoutText =
            seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(String(format: "%.1f", seconds)) s"

        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let target = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        guard request.method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }), !request.method.isEmpty,
            target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw HTTPTransportError(.invalidRequest, detail: "the request line cannot be sent") }
        var head = "\(request.method) \(target) HTTP/1.1\r\n"
        if !request.headers.contains("Host") {
            head += "Host: \(bracketed)\(url.port.map { $0 == 80 ? "" : ":\($0)" } ?? "")\r\n"
        }
        let framingNames: Set<String> = ["content-length", "transfer-encoding", "connection"]
        for field in request.headers where !framingNames.contains(field.name.lowercased()) {
            let nameIsToken = !field.name.isEmpty && field.name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x3A }
            guard nameIsToken, !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw HTTPTransportError(
                    .invalidRequest, detail: "the header \(HTTP1ResponseHead.shown(field.name)) cannot be sent")
            }
            head += "\(field.name): \(field.value)\r\n"
        }
        if let body = request.body {
            head += "Content-Length: \(body.count)\r\n"
        } else if request.method == "POST" || request.method == "PUT" || request.method == "PATCH" {
            head += "Content-Length: 0\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if let body = request.body { bytes.append(contentsOf: body) }
        self.bytes = bytes
    }

    /// The transport error for a failed exchange, and whether the request may have reached the server.
    func error(for failure: ExchangeFailure, written: Int) -> HTTPTransportError {
        // A request the server did not receive whole cannot have been acted on.
        let delivery: HTTPTransportError.Delivery = written == 0 ? .notSent : .mayHaveBeenSent
        switch failure {
        case .socket(.cannotResolve(let reason)):
            return HTTPTransportError(.cannotResolveHost, detail: "cannot resolve host \(host) (\(reason))")
        case .socket(.cannotConnect(errno: nil)):
            return HTTPTransportError(.cannotConnect, detail: "no connection to \(endpoint) within \(timeoutText)")
        case .socket(.cannotConnect(errno: ECONNREFUSED)):
            return HTTPTransportError(.cannotConnect, detail: "connection refused by \(endpoint)")
        case .socket(.cannotConnect(errno: let code?)):
            return HTTPTransportError(
                .cannotConnect, detail: "cannot connect to \(endpoint) (\(String(cString: strerror(code))))")
        case .socket(.timedOut):
            return HTTPTransportError(
                .timedOut, delivery: delivery, detail: "no answer from \(endpoint) within \(timeoutText)")
        case .socket(.broken), .socket(.cancelled), .closedEarly:
            return HTTPTransportError(
                .connectionLost, delivery: delivery,
                detail: "the connection to \(endpoint) was lost before a complete answer")
        case .malformed(let reason):
            return HTTPTransportError(
                .other, delivery: delivery, detail: "the answer from \(endpoint) is not valid HTTP: \(reason)")
        case .tooLarge(let size):
            return HTTPTransportError(
                .other, delivery: delivery,
                detail: "the answer from \(endpoint) is too large (\(size) bytes; the limit is reached)")
        }
    }
}

/// Idle keep-alive connections per `host:port`.
private final class ConnectionPool: Sendable {
    private let idle = Mutex<[String: [ClientConnection]]>([:])
    private let capacity: Int
    private let maximumIdle: Duration

    init(capacity: Int, maximumIdle: Duration) {
        self.capacity = capacity
        self.maximumIdle = maximumIdle
    }

    /// The most recently parked connection to `endpoint` that is still usable, or `nil`; stale ones are closed.
    func take(_ endpoint: String) -> ClientConnection? {
        while true {
            let candidate = idle.withLock { $0[endpoint]?.popLast() }
            guard let candidate else { return nil }
            if ContinuousClock.now - candidate.idleSince <= maximumIdle && candidate.looksReusable {
                return candidate
            }
            candidate.close()
        }
    }

    /// Parks a connection after a complete exchange, or closes it when the pool for its endpoint is full.
    func park(_ connection: ClientConnection) {
        connection.idleSince = .now
        let parked = idle.withLock { idle -> Bool in
            guard idle[connection.endpoint, default: []].count < capacity else { return false }
            idle[connection.endpoint, default: []].append(connection)
            return true
        }
        if !parked { connection.close() }
    }
}

extension SocketTransport {
    /// A URL's host in lower case, without the brackets of an IPv6 address, for comparing with host lists.
    public static func comparableHost(of url: URL) -> String {
        (url.host ?? "").lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    }

    /// The proxy variable that applies to `url` (`http_proxy`, `all_proxy` or `ALL_PROXY`, as libcurl reads them
    /// for plain http), or `nil` when there is none or `no_proxy`/`NO_PROXY` excludes the host.
    ///
    /// This transport uses no proxy, so a caller that finds one sends through ``URLSessionTransport`` instead.
    public static func proxyVariable(for url: URL, environment: [String: String]) -> String? {
        guard let name = ["http_proxy", "all_proxy", "ALL_PROXY"].first(where: { !(environment[$0] ?? "").isEmpty })
        else { return nil }
        let host = comparableHost(of: url)
        let exclusions = (environment["no_proxy"] ?? environment["NO_PROXY"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        for entry in exclusions {
            if entry == "*" { return nil }
            let domain = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == domain || host.hasSuffix("." + domain) { return nil }
        }
        return name
    }
}

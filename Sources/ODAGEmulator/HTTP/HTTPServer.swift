import Dispatch
import Foundation
import ODAGCore
import Synchronization

/// A small HTTP/1.1 server on POSIX sockets that hands each request to a closure.
///
/// One `Thread` per connection (blocking reads on Dispatch's pool stall it, see
/// LINUX-SWIFT-FACTS.md), keep-alive and pipelining (requests are answered in order), `Content-Length`
/// and chunked request bodies, `Expect: 100-continue`, HTTP/1.0, an idle timeout, and `400`/`413`
/// then close on bad input. It never crashes on what a client sends.
///
/// Slow or hostile clients are bounded: at most `maxConnections` connections (so as many threads)
/// are open; a new one beyond that closes the connection that has waited longest for its next
/// request head (idle, or sending its head slowly), or, when every connection is busy with a
/// request, is answered `503` and closed. A request head must arrive whole within `requestTimeout`
/// seconds of its first byte (`408` and close otherwise), however slowly its bytes trickle in.
/// Parsing is linear in the bytes received and the bytes buffered are capped by the parser's limits.
///
/// ```swift
/// let server = try HTTPServer(port: 0) { request in
///     .text(401, "no", headers: ["WWW-Authenticate": "Basic realm=\"x\""])
/// }
/// defer { server.stop() }
/// print(server.port)
/// ```
///
/// The handler runs on the connection's own thread, so it may block (sleep to fake a slow server)
/// without holding up other connections. It must not call ``stop()`` itself.
public final class HTTPServer: Sendable {
    /// Maps a request to its answer; return ``HTTPServerResponse/drop`` to close without answering.
    public typealias Handler = @Sendable (HTTPServerRequest) -> HTTPServerResponse

    /// The host the server listens on.
    public let host: String
    /// The port the server listens on (the real one when started on port 0).
    public let port: Int

    private let handler: Handler
    private let parser: HTTPRequestParser
    private let idleTimeout: Double
    private let requestTimeout: Double
    private let maxConnections: Int
    private let state: Mutex<State>
    private let threads = DispatchGroup()
    private let lifetime = DispatchGroup()

    private struct State: ~Copyable {
        var listener: Int32
        /// Each open connection, with the time (monotonic nanoseconds) since when it has been waiting
        /// for a request head, or `nil` while it is busy with a request.
        var connections: [Int32: UInt64?] = [:]
        var evicted = 0
        var refused = 0
        var parserWork = 0
        var stopping = false
        var stopped = false
    }

    /// Starts listening on `host:port` and serving at once.
    ///
    /// - Parameters:
    ///   - host: an IPv4 or IPv6 address, or `localhost`; loopback by default.
    ///   - port: the port, `0` for any free one (read it back from ``port``).
    ///   - limits: header and body size limits (bodies over `maxBodyBytes` get `413`).
    ///   - idleTimeout: seconds a connection may stay silent before it is closed.
    ///   - requestTimeout: seconds from a request's first byte by which all of it must have arrived.
    ///   - maxConnections: the most connections open at once (at least 1).
    ///   - handler: answers each request.
    /// - Throws: ``HTTPServerError`` when the address is invalid or cannot be bound.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        limits: HTTPRequestParser.Limits = HTTPRequestParser.Limits(),
        idleTimeout: Double = 60,
        requestTimeout: Double = 30,
        maxConnections: Int = 512,
        handler: @escaping Handler
    ) throws(HTTPServerError) {
        let listening = try Socket.listen(host: host, port: port, backlog: 1024)
        self.host = host
        self.port = listening.port
        self.handler = handler
        self.parser = HTTPRequestParser(limits: limits)
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.maxConnections = max(1, maxConnections)
        self.state = Mutex(State(listener: listening.fd))
        lifetime.enter()
        threads.enter()
        let acceptThread = Thread { [self] in
            acceptLoop(listening.fd)
            threads.leave()
        }
        acceptThread.name = "http-accept-\(listening.port)"
        acceptThread.start()
    }

    /// Stops accepting, closes every live connection (an answer being written may be cut off) and
    /// waits for all of the server's threads to finish. Safe to call more than once, but not from
    /// the handler (it would wait for its own thread).
    public func stop() {
        let first = state.withLock { state -> Bool in
            if state.stopping { return false }
            state.stopping = true
            Socket.shutdownBoth(state.listener)
            for fd in state.connections.keys { Socket.shutdownBoth(fd) }
            return true
        }
        guard first else {
            lifetime.wait()
            return
        }
        threads.wait()
        state.withLock { $0.stopped = true }
        lifetime.leave()
    }

    /// Blocks until the server has been stopped by ``stop()`` (from another thread).
    public func waitUntilStopped() {
        lifetime.wait()
    }

    /// The number of connections open right now (for tests and diagnostics).
    public var openConnectionCount: Int {
        state.withLock { $0.connections.count }
    }

    /// Connections closed to make room for new ones because they were waiting for a request head.
    public var evictedConnectionCount: Int {
        state.withLock { $0.evicted }
    }

    /// Connections answered `503` and closed because every open connection was busy with a request.
    public var refusedConnectionCount: Int {
        state.withLock { $0.refused }
    }

    /// Byte visits of the request parser over all connections so far (see
    /// ``HTTPRequestParser/Cursor/work``): for tests that bound the work per byte received.
    public var parserWork: Int {
        state.withLock { $0.parserWork }
    }

    // MARK: - Accepting

    private func acceptLoop(_ listener: Int32) {
        while true {
            guard let fd = Socket.accept(listener) else {
                let code = errno
                if state.withLock({ $0.stopping }) { break }
                if code == EINTR || code == ECONNABORTED { continue }
                // Out of descriptors or memory: back off briefly instead of spinning.
                usleep(10_000)
                continue
            }
            let now = DispatchTime.now().uptimeNanoseconds
            let admission = state.withLock { state -> Admission in
                if state.stopping { return .stopping }
                if state.connections.count >= maxConnections {
                    // The connection that has waited longest for a request head makes room: a slow or idle
                    // client cannot keep a working one out.
                    let waiting = state.connections.compactMap { fd, since in since.map { (fd, $0) } }
                    guard let oldest = waiting.min(by: { $0.1 < $1.1 }) else {
                        state.refused += 1
                        return .refused
                    }
                    state.connections[oldest.0] = nil
                    state.evicted += 1
                    // Its thread sees the end of the stream and closes the descriptor itself.
                    Socket.shutdownBoth(oldest.0)
                }
                state.connections[fd] = .some(now)
                return .accepted
            }
            switch admission {
            case .stopping:
                Socket.closeDescriptor(fd)
            case .refused:
                Socket.configureConnection(fd, receiveTimeout: 1, sendTimeout: 1)
                let response = HTTPServer.errorResponse(status: 503, message: "too many connections")
                _ = Socket.sendAll(fd, response.serialized(close: true, omitBody: false))
                Socket.closeDescriptor(fd)
                continue
            case .accepted:
                break
            }
            guard admission == .accepted else { break }
            Socket.configureConnection(fd, receiveTimeout: idleTimeout, sendTimeout: max(idleTimeout, 10))
            threads.enter()
            let thread = Thread { [self] in
                serve(fd)
                state.withLock { _ = $0.connections.removeValue(forKey: fd) }
                Socket.closeDescriptor(fd)
                threads.leave()
            }
            thread.name = "http-connection-\(fd)"
            thread.start()
        }
        Socket.closeDescriptor(listener)
    }

    private enum Admission {
        case accepted
        case refused
        case stopping
    }

    // MARK: - One connection

    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        var start = 0
        var minimumBytes = 1
        var sentContinue = false
        var cursor = HTTPRequestParser.Cursor()
        var reportedWork = 0
        // When the current request's first byte arrived (monotonic nanoseconds); nil before it.
        var requestStarted: UInt64?
        var headComplete = false
        var receiveTimeoutShortened = false
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        defer { update(fd, waiting: nil, parserWork: cursor.work - reportedWork) }
        while true {
            if buffer.count - start >= minimumBytes {
                let result = parser.parse(buffer[start...], resuming: &cursor)
                switch result {
                case .complete(let request, let consumed):
                    start += consumed
                    minimumBytes = 1
                    sentContinue = false
                    // Busy while the handler runs, so it is never closed to make room.
                    update(fd, waiting: false, parserWork: cursor.work - reportedWork)
                    cursor = HTTPRequestParser.Cursor()
                    reportedWork = 0
                    requestStarted = nil
                    headComplete = false
                    if !respond(to: request, on: fd) { return }
                    if start == buffer.count {
                        buffer.removeAll(keepingCapacity: true)
                        start = 0
                    }
                    update(fd, waiting: true)
                    continue
                case .incomplete(let progress):
                    minimumBytes = progress.minimumBytes
                    if progress.headersComplete && !headComplete {
                        headComplete = true
                        update(fd, waiting: false, parserWork: cursor.work - reportedWork)
                        reportedWork = cursor.work
                    }
                    if progress.headersComplete && progress.expectsContinue && !sentContinue {
                        sentContinue = true
                        guard Socket.sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                    }
                case .failure(let error):
                    Self.fail(fd, status: error.status, message: error.message)
                    return
                }
            }
            if start > 0 && (start == buffer.count || start >= 64 * 1024) {
                buffer.removeFirst(start)
                start = 0
            }
            if buffer.count > start && requestStarted == nil { requestStarted = DispatchTime.now().uptimeNanoseconds }
            // Until the request is whole, each wait is cut to what is left of its time, so a byte now
            // and then does not keep a connection (and its thread) forever.
            if let requestStarted {
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds &- requestStarted) / 1e9
                let left = requestTimeout - elapsed
                if left <= 0 {
                    Self.fail(fd, status: 408, message: "request not received in time")
                    return
                }
                Socket.setTimeout(fd, option: SO_RCVTIMEO, seconds: min(idleTimeout, max(left, 0.001)))
                receiveTimeoutShortened = true
            } else if receiveTimeoutShortened {
                Socket.setTimeout(fd, option: SO_RCVTIMEO, seconds: idleTimeout)
                receiveTimeoutShortened = false
            }
            let received = Socket.receive(fd, into: &buffer, scratch: &scratch)
            if received > 0 { continue }
            let code = errno
            // A wait cut short by the request's deadline answers 408; the idle timeout or the end of the stream just closes.
            if received < 0 && (code == EAGAIN || code == EWOULDBLOCK), let requestStarted,
                Double(DispatchTime.now().uptimeNanoseconds &- requestStarted) / 1e9 >= requestTimeout
            {
                Self.fail(fd, status: 408, message: "request not received in time")
            }
            return
        }
    }

    /// Records whether a connection waits for a request head (and so may make room for a new one),
    /// `nil` to leave that as it is, and adds the parser's work since the last report.
    private func update(_ fd: Int32, waiting: Bool?, parserWork: Int = 0) {
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLock { state in
            state.parserWork += max(0, parserWork)
            // An evicted connection is no longer listed and must not come back.
            guard let waiting, state.connections[fd] != nil else { return }
            state.connections[fd] = .some(waiting ? now : nil)
        }
    }

    /// Answers one request; `false` when the connection must close.
    private func respond(to request: HTTPServerRequest, on fd: Int32) -> Bool {
        let response = handler(request)
        if response.disposition == .drop { return false }
        let stopping = state.withLock { $0.stopping }
        let close = !request.keepAlive || response.disposition == .respondAndClose || stopping
        let bytes = response.serialized(
            close: close, omitBody: request.method == "HEAD", announceKeepAlive: request.version.minor == 0)
        // A client that reads its answer a byte now and then must not hold the connection for ever.
        guard Socket.sendAll(fd, bytes, within: max(idleTimeout, 10)) else { return false }
        return !close
    }

    /// Answers a request the server will not serve, closes the connection and reads out what the client still sends
    /// (bounded), so the client sees the answer rather than a reset.
    private static func fail(_ fd: Int32, status: Int, message: String) {
        let response = errorResponse(status: status, message: message)
        _ = Socket.sendAll(fd, response.serialized(close: true, omitBody: false))
        Socket.lingeringClose(fd)
    }

    /// The `{"message": …}` JSON answer the server gives on its own (bad request, body too large).
    public static func errorResponse(status: Int, message: String) -> HTTPServerResponse {
        HTTPServerResponse(
            status: status, headers: ["Content-Type": "application/json; charset=utf-8"],
            body: JSONWriter.bytes(["message": .string(message)]), disposition: .respondAndClose)
    }
}

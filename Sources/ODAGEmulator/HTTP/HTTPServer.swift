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
    private let state: Mutex<State>
    private let threads = DispatchGroup()
    private let lifetime = DispatchGroup()

    private struct State: ~Copyable {
        var listener: Int32
        var connections: Set<Int32> = []
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
    ///   - handler: answers each request.
    /// - Throws: ``HTTPServerError`` when the address is invalid or cannot be bound.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        limits: HTTPRequestParser.Limits = HTTPRequestParser.Limits(),
        idleTimeout: Double = 60,
        handler: @escaping Handler
    ) throws(HTTPServerError) {
        let listening = try Socket.listen(host: host, port: port, backlog: 1024)
        self.host = host
        self.port = listening.port
        self.handler = handler
        self.parser = HTTPRequestParser(limits: limits)
        self.idleTimeout = idleTimeout
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
            for fd in state.connections { Socket.shutdownBoth(fd) }
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
            let accepted = state.withLock { state -> Bool in
                if state.stopping { return false }
                state.connections.insert(fd)
                return true
            }
            guard accepted else {
                Socket.closeDescriptor(fd)
                break
            }
            Socket.configureConnection(fd, receiveTimeout: idleTimeout, sendTimeout: max(idleTimeout, 10))
            threads.enter()
            let thread = Thread { [self] in
                serve(fd)
                state.withLock { _ = $0.connections.remove(fd) }
                Socket.closeDescriptor(fd)
                threads.leave()
            }
            thread.name = "http-connection-\(fd)"
            thread.start()
        }
        Socket.closeDescriptor(listener)
    }

    // MARK: - One connection

    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        var start = 0
        var minimumBytes = 1
        var sentContinue = false
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if buffer.count - start >= minimumBytes {
                switch parser.parse(buffer[start...]) {
                case .complete(let request, let consumed):
                    start += consumed
                    minimumBytes = 1
                    sentContinue = false
                    if !respond(to: request, on: fd) { return }
                    if start == buffer.count {
                        buffer.removeAll(keepingCapacity: true)
                        start = 0
                    }
                    continue
                case .incomplete(let progress):
                    minimumBytes = progress.minimumBytes
                    if progress.headersComplete && progress.expectsContinue && !sentContinue {
                        sentContinue = true
                        guard Socket.sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                    }
                case .failure(let error):
                    let response = HTTPServer.errorResponse(status: error.status, message: error.message)
                    _ = Socket.sendAll(fd, response.serialized(close: true, omitBody: false))
                    Socket.lingeringClose(fd)
                    return
                }
            }
            if start > 0 && (start == buffer.count || start >= 64 * 1024) {
                buffer.removeFirst(start)
                start = 0
            }
            let received = Socket.receive(fd, into: &buffer, scratch: &scratch)
            if received <= 0 { return }
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
        guard Socket.sendAll(fd, bytes) else { return false }
        return !close
    }

    /// The `{"message": …}` JSON answer the server gives on its own (bad request, body too large).
    public static func errorResponse(status: Int, message: String) -> HTTPServerResponse {
        HTTPServerResponse(
            status: status, headers: ["Content-Type": "application/json; charset=utf-8"],
            body: JSONWriter.bytes(["message": .string(message)]), disposition: .respondAndClose)
    }
}

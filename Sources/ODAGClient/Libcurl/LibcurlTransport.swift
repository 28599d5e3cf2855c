import CCurlShim
import Foundation
import ODAGCore
import Synchronization

/// The ``HTTPTransport`` for every server, `http://` and `https://`: libcurl called in the process, loaded at run
/// time (see ``Libcurl``).
///
/// - TLS: the system trust store by default, or the CA file of ``TLSOptions/caCertPath``; a client certificate and
///   key; verification off only with ``TLSOptions/insecure`` (the caller warns). Failures name the certificate
///   problem libcurl reports, with a ``HTTPTransportError/Kind`` that says which side is at fault.
/// - HTTP/1.1 only (libcurl would otherwise offer HTTP/2 over TLS), no redirects followed, no cookies, no cache,
///   no compression; `Expect: 100-continue` is never sent.
/// - Proxies from the environment (`http_proxy`, `https_proxy`, `all_proxy`, `no_proxy`, as libcurl reads them);
///   `https://` goes through the proxy with `CONNECT`, and the proxy's answer to `CONNECT` is never taken for the
///   server's.
/// - Connections stay alive and are reused: each exchange borrows an idle libcurl handle (which keeps its
///   connection) from a pool, and the handles share the DNS cache and TLS sessions, so a new connection to the
///   same server resumes TLS instead of a full handshake.
/// - A `POST` or `DELETE` always goes on a fresh connection. libcurl silently sends a request again when a reused
///   connection closes before any byte of the answer; for `GET` and `PUT` that repetition has the effect of one
///   request, but a create (`POST`) could be carried out twice and a repeated `DELETE` would answer `404` for a
///   delete that succeeded. On a fresh connection libcurl never re-sends, so a lost answer surfaces as
///   ``HTTPTransportError/Delivery/mayHaveBeenSent`` and the client settles it by reading.
/// - Bounds: the request's timeout bounds the whole exchange, body included (and the connection setup, within
///   ``connectTimeout``); answers are capped at ``maximumBodyBytes`` (body) and 64 KiB (head), and one past either
///   cap fails as ``HTTPTransportError/Kind/answerTooLarge`` at once, without reading the rest.
/// - Cancelling the calling task shuts the exchange's sockets down, which stops libcurl at once.
///
/// Each exchange runs on a thread of its own, so libcurl's blocking calls never hold one of Swift concurrency's
/// few threads.
public final class LibcurlTransport: HTTPTransport, Sendable {
    /// What to trust and present over TLS.
    public struct TLSOptions: Sendable, Equatable {
        /// A PEM file of CA certificates to trust instead of the system store, or `nil`.
        public var caCertPath: String?
        /// A PEM client certificate to present, or `nil`.
        public var clientCertPath: String?
        /// The PEM private key of the client certificate, or `nil` when it is inside the certificate file.
        public var clientKeyPath: String?
        /// Whether to skip verifying the server's certificate and host name (dangerous; the caller warns).
        public var insecure: Bool

        /// Creates TLS options.
        public init(
            caCertPath: String? = nil, clientCertPath: String? = nil, clientKeyPath: String? = nil,
            insecure: Bool = false
        ) {
            self.caCertPath = caCertPath
            self.clientCertPath = clientCertPath
            self.clientKeyPath = clientKeyPath
            self.insecure = insecure
        }
    }

    /// The TLS options.
    public let tls: TLSOptions
    /// The most idle handles (each with its live connection) kept for reuse.
    public let maximumIdleHandles: Int
    /// The largest answer body accepted, in bytes.
    public let maximumBodyBytes: Int
    /// The longest wait for a connection (TCP and TLS), in seconds; never longer than a request's own timeout.
    public let connectTimeout: Double
    /// The proxy every request goes through (`http://host:port`), or `nil` for the environment's proxy variables
    /// as libcurl reads them.
    public let proxy: String?
    /// libcurl's version line.
    public let libcurlVersion: String
    static let maximumHeadBytes = 64 * 1024
    private let share: SharedState
    private let idle: Mutex<[TransferHandle]>

    /// Loads libcurl (once per process) and creates a transport with an empty pool.
    ///
    /// - Throws: ``HTTPTransportError`` of kind `.transportUnavailable` when libcurl cannot be loaded.
    public init(
        tls: TLSOptions = TLSOptions(), maximumIdleHandles: Int = 8, maximumBodyBytes: Int = 1 << 30,
        connectTimeout: Double = 30, proxy: String? = nil
    ) throws(HTTPTransportError) {
        libcurlVersion = try Libcurl.load()
        guard let share = SharedState() else {
            throw HTTPTransportError(.transportUnavailable, detail: "libcurl could not create its shared state")
        }
        self.tls = tls
        self.maximumIdleHandles = max(0, maximumIdleHandles)
        self.maximumBodyBytes = max(0, min(maximumBodyBytes, Int(Int32.max) * 16))
        self.connectTimeout = connectTimeout.isFinite && connectTimeout > 0 ? min(connectTimeout, 1e6) : 30
        self.share = share
        self.proxy = proxy
        self.idle = Mutex([])
    }

    /// Sends the request and returns the response, whatever its status (redirects included, not followed).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let prepared = try PreparedCurlRequest(request)
        guard let handle = idle.withLock({ $0.popLast() }) ?? TransferHandle(share: share) else {
            throw HTTPTransportError(.transportUnavailable, detail: "libcurl could not create a handle")
        }
        let exchange = CurlExchange(handle)
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<HTTPResponse, any Error>, Never>) in
                Thread.detachNewThread { [self] in
                    continuation.resume(returning: Result { try perform(prepared, on: handle) })
                }
            }
        } onCancel: {
            exchange.cancel()
        }
        // A cancelled handle is never reused; one not parked is freed with its connections when its last
        // reference goes.
        if exchange.finish() { throw CancellationError() }
        idle.withLock { idle in
            if idle.count < maximumIdleHandles { idle.append(handle) }
        }
        return try outcome.get()
    }

    /// One exchange on the calling (dedicated) thread.
    private func perform(_ request: PreparedCurlRequest, on handle: TransferHandle) throws -> HTTPResponse {
        let transfer = handle.transfer
        odag_transfer_reset(transfer)
        var failedOption: Int32 = 0
        func set(_ option: Int32, _ value: Int) {
            let code = odag_transfer_set_long(transfer, option, value)
            if code != 0 && failedOption == 0 { failedOption = option }
        }
        func set(_ option: Int32, _ value: String) {
            let code = odag_transfer_set_string(transfer, option, value)
            if code != 0 && failedOption == 0 { failedOption = option }
        }
        set(Int32(ODAG_OPT_URL), request.url)
        set(Int32(ODAG_OPT_PROTOCOLS_STR), "http,https")
        set(Int32(ODAG_OPT_HTTP_VERSION), Int(ODAG_HTTP_VERSION_1_1))
        set(Int32(ODAG_OPT_TIMEOUT_MS), request.timeoutMilliseconds)
        set(Int32(ODAG_OPT_CONNECTTIMEOUT_MS), min(request.timeoutMilliseconds, Int(connectTimeout * 1000)))
        _ = odag_transfer_set_size(transfer, Int32(ODAG_OPT_MAXFILESIZE_LARGE), Int64(maximumBodyBytes))
        switch request.method {
        case "GET":
            set(Int32(ODAG_OPT_HTTPGET), 1)
        case "POST":
            set(Int32(ODAG_OPT_POST), 1)
        default:
            set(Int32(ODAG_OPT_CUSTOMREQUEST), request.method)
        }
        if let body = request.body {
            let code = body.withUnsafeBufferPointer { odag_transfer_set_body(transfer, $0.baseAddress, $0.count) }
            if code != 0 && failedOption == 0 { failedOption = Int32(ODAG_OPT_COPYPOSTFIELDS) }
        }
        if let proxy { set(Int32(ODAG_OPT_PROXY), proxy) }
        if request.needsFreshConnection {
            set(Int32(ODAG_OPT_FRESH_CONNECT), 1)
        }
        if let path = tls.caCertPath { set(Int32(ODAG_OPT_CAINFO), path) }
        if let path = tls.clientCertPath { set(Int32(ODAG_OPT_SSLCERT), path) }
        if let path = tls.clientKeyPath { set(Int32(ODAG_OPT_SSLKEY), path) }
        if tls.insecure {
            set(Int32(ODAG_OPT_SSL_VERIFYPEER), 0)
            set(Int32(ODAG_OPT_SSL_VERIFYHOST), 0)
        }
        for line in request.headerLines where odag_transfer_add_header(transfer, line) != 0 {
            throw HTTPTransportError(.other, detail: "libcurl could not take the request's headers (out of memory)")
        }
        guard failedOption == 0 else {
            throw HTTPTransportError(
                .transportUnavailable,
                detail: "this libcurl (\(libcurlVersion)) does not support option \(failedOption)")
        }
        let code = odag_transfer_perform(transfer, Self.maximumHeadBytes, maximumBodyBytes)
        if odag_transfer_cancelled(transfer) != 0 { throw CancellationError() }
        guard code == ODAG_CURLE_OK else {
            throw CurlFailure(
                code: code, message: String(cString: odag_transfer_error_text(transfer)),
                limit: odag_transfer_limit_hit(transfer),
                pretransferMicroseconds: odag_transfer_info_size(transfer, Int32(ODAG_INFO_PRETRANSFER_TIME_T)),
                systemError: Int32(truncatingIfNeeded: odag_transfer_info_long(transfer, Int32(ODAG_INFO_OS_ERRNO)))
            ).error(for: request)
        }
        var headCount = 0
        var bodyCount = 0
        let headBytes = odag_transfer_head(transfer, &headCount)
        let bodyBytes = odag_transfer_body(transfer, &bodyCount)
        let head = headBytes.map { Array(UnsafeBufferPointer(start: $0, count: headCount)) } ?? []
        let body = bodyBytes.map { Array(UnsafeBufferPointer(start: $0, count: bodyCount)) } ?? []
        guard let (status, headers) = Self.finalHead(head) else {
            throw HTTPTransportError(
                .invalidAnswer, detail: "the answer from \(request.endpoint) has no HTTP status line")
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// The status and fields of the last answer in `head` (which holds every header block libcurl saw, interim
    /// `1xx` answers included), or `nil` when there is none.
    static func finalHead(_ head: [UInt8]) -> (Int, HTTPFields)? {
        // Split as bytes: as a Swift string, "\r\n" is one character and would not split on "\n".
        let lines = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        guard let start = lines.lastIndex(where: { $0.hasPrefix("HTTP/") }) else { return nil }
        let parts = lines[start].split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]), (100...999).contains(status) else { return nil }
        var headers = HTTPFields()
        for line in lines[(start + 1)...] {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.add(name: name, value: value)
        }
        return (status, headers)
    }
}

/// One libcurl handle with its buffers; freed (closing its connections) with its last reference.
final class TransferHandle: @unchecked Sendable {
    // @unchecked: one thread uses the handle at a time (the pool's lock hands it over); only
    // `odag_transfer_cancel`, which is thread-safe, is called from elsewhere.
    let transfer: OpaquePointer
    private let share: SharedState

    init?(share: SharedState) {
        guard let transfer = odag_transfer_new(share.pointer) else { return nil }
        self.transfer = transfer
        self.share = share
    }

    deinit {
        odag_transfer_free(transfer)
    }
}

/// The DNS cache and TLS sessions the handles of one transport share.
final class SharedState: @unchecked Sendable {
    // @unchecked: libcurl guards the share with the locks the shim installs.
    let pointer: OpaquePointer

    init?() {
        guard let pointer = odag_share_new() else { return nil }
        self.pointer = pointer
    }

    deinit {
        odag_share_free(pointer)
    }
}

/// The calling task's claim on a running exchange: lets cancellation stop it, and never touches the handle once
/// the exchange is over (it may already serve another request).
final class CurlExchange: Sendable {
    private struct State {
        var running = true
        var cancelled = false
    }

    private let handle: TransferHandle
    private let state = Mutex(State())

    init(_ handle: TransferHandle) {
        self.handle = handle
    }

    func cancel() {
        state.withLock { state in
            state.cancelled = true
            if state.running { odag_transfer_cancel(handle.transfer) }
        }
    }

    /// Ends the claim; returns whether the exchange was cancelled.
    func finish() -> Bool {
        state.withLock { state in
            state.running = false
            return state.cancelled
        }
    }
}

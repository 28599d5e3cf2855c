import CCurlShim
import Foundation
import ODAGCore

/// A request checked and turned into what libcurl is given.
struct PreparedCurlRequest: Sendable {
    /// Headers libcurl writes itself from the body and the connection: a caller's copy is dropped.
    private static let managedHeaders: Set<String> = ["content-length", "transfer-encoding", "connection", "expect"]

    let method: String
    let url: String
    let body: [UInt8]?
    /// `Name: value` lines (`Name;` for an empty value), plus lines that switch off what libcurl would add.
    let headerLines: [String]
    let timeoutMilliseconds: Int
    let timeoutText: String
    /// `host:port`, for messages.
    let endpoint: String
    /// The server's port.
    let port: Int
    let isHTTPS: Bool
    /// Whether the request must not go on a reused connection, which libcurl may silently re-send it on.
    let needsFreshConnection: Bool

    init(_ request: HTTPRequest) throws(HTTPTransportError) {
        let url = request.url
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw HTTPTransportError(
                .invalidRequest, detail: "only http and https URLs can be sent, not \(url.scheme ?? "none")")
        }
        guard let host = url.host, !host.isEmpty else {
            throw HTTPTransportError(.invalidRequest, detail: "the URL has no host")
        }
        let method = request.method
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            throw HTTPTransportError(.invalidRequest, detail: "the method \"\(method)\" cannot be sent")
        }
        let text = url.absoluteString
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPTransportError(.invalidRequest, detail: "the URL cannot be sent as it is")
        }
        self.method = method
        self.url = text
        self.isHTTPS = scheme == "https"
        let port = url.port ?? (isHTTPS ? 443 : 80)
        self.port = port
        self.endpoint = "\(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host):\(port)"
        self.needsFreshConnection = method == "POST" || method == "DELETE"

        var lines: [String] = []
        for field in request.headers where !Self.managedHeaders.contains(field.name.lowercased()) {
            let nameIsToken =
                !field.name.isEmpty && field.name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x3A && $0 != 0x3B }
            guard nameIsToken, !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw HTTPTransportError(.invalidRequest, detail: "the header \"\(field.name)\" cannot be sent")
            }
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        // libcurl would wait for `100 Continue` before a larger body, and label a body it was not told the type of
        // as a form.
        lines.append("Expect:")
        if !request.headers.contains("Content-Type") { lines.append("Content-Type:") }
        if !request.headers.contains("Accept") { lines.append("Accept:") }
        self.headerLines = lines
        if let body = request.body {
            self.body = body
        } else if method == "POST" || method == "PUT" || method == "PATCH" {
            // An empty body, so that libcurl sends `Content-Length: 0` rather than waiting to read one.
            self.body = []
        } else {
            self.body = nil
        }
        let seconds = request.timeout.isFinite && request.timeout > 0 ? min(request.timeout, 1e7) : 30
        self.timeoutMilliseconds = max(1, Int((seconds * 1000).rounded(.up)))
        self.timeoutText = seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(String(format: "%.1f", seconds)) s"
    }
}

/// A libcurl failure, with what is known about how far the exchange got.
struct CurlFailure: Error {
    let code: Int32
    /// libcurl's detailed message (its error buffer), possibly empty.
    let message: String
    /// Which answer limit stopped the transfer (`ODAG_LIMIT_*`).
    let limit: Int32
    /// When the request started to be sent, in microseconds from the start; `0` when it never started, negative
    /// when unknown.
    let pretransferMicroseconds: Int64
    /// The system's `errno` of the failed connect or I/O, or `0`.
    var systemError: Int32 = 0

    /// libcurl's message for the failure, lowercased at the start.
    private var said: String {
        let text = message.isEmpty ? Libcurl.text(of: code) : message
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// The transport error, saying conservatively whether the server may have received the request.
    func error(for request: PreparedCurlRequest) -> HTTPTransportError {
        let endpoint = request.endpoint
        // The request is sent after the connection (and TLS) is set up; until then nothing reached the server.
        let sent: HTTPTransportError.Delivery = pretransferMicroseconds == 0 ? .notSent : .mayHaveBeenSent
        let lower = message.lowercased()
        switch code {
        case Int32(ODAG_CURLE_COULDNT_RESOLVE_HOST):
            return HTTPTransportError(.cannotResolveHost, detail: "cannot resolve the host of \(endpoint) (\(said))")
        case Int32(ODAG_CURLE_COULDNT_RESOLVE_PROXY):
            return HTTPTransportError(.cannotResolveHost, detail: "cannot resolve the proxy for \(endpoint) (\(said))")
        case Int32(ODAG_CURLE_COULDNT_CONNECT):
            // Through a proxy, libcurl connects to the proxy: its message then names the proxy's port, not ours.
            let toServer = lower.contains("port \(request.port) ")
            if (systemError == ECONNREFUSED || lower.contains("refused")) && toServer {
                return HTTPTransportError(.cannotConnect, detail: "connection refused by \(endpoint)")
            }
            return HTTPTransportError(.cannotConnect, detail: "cannot connect to \(endpoint) (\(said))")
        case Int32(ODAG_CURLE_PROXY):
            return HTTPTransportError(.cannotConnect, detail: "the proxy for \(endpoint) refused the tunnel (\(said))")
        case Int32(ODAG_CURLE_OPERATION_TIMEDOUT):
            if sent == .notSent {
                return HTTPTransportError(
                    .cannotConnect, detail: "no connection to \(endpoint) within \(request.timeoutText)")
            }
            return HTTPTransportError(
                .timedOut, delivery: sent, detail: "no complete answer from \(endpoint) within \(request.timeoutText)")
        case Int32(ODAG_CURLE_PEER_FAILED_VERIFICATION), Int32(ODAG_CURLE_SSL_ISSUER_ERROR):
            return HTTPTransportError(
                .untrustedServerCertificate,
                detail: "the TLS certificate of \(endpoint) is not trusted: \(said)")
        case Int32(ODAG_CURLE_SSL_CERTPROBLEM), Int32(ODAG_CURLE_SSL_CACERT_BADFILE), Int32(ODAG_CURLE_SSL_CRL_BADFILE):
            return HTTPTransportError(
                .certificateFileUnusable, detail: "a certificate or key file for \(endpoint) cannot be used: \(said)")
        case Int32(ODAG_CURLE_SSL_CLIENTCERT):
            return HTTPTransportError(
                .clientCertificateRejected, detail: "\(endpoint) did not accept the client certificate: \(said)")
        case Int32(ODAG_CURLE_SSL_CONNECT_ERROR), Int32(ODAG_CURLE_SSL_CIPHER), Int32(ODAG_CURLE_RECV_ERROR),
            Int32(ODAG_CURLE_SEND_ERROR), Int32(ODAG_CURLE_GOT_NOTHING):
            if Self.isClientCertificateAlert(lower) {
                // The server's TLS layer refused us before any HTTP was read.
                return HTTPTransportError(
                    .clientCertificateRejected,
                    detail: "\(endpoint) did not accept the client certificate (or wants one): \(said)")
            }
            if request.isHTTPS && sent == .notSent
                && (lower.contains("wrong version number") || lower.contains("packet length too long")
                    || lower.contains("record layer failure") || lower.contains("http request"))
            {
                return HTTPTransportError(
                    .serverNotTLS,
                    detail: "\(endpoint) answered in plain http, not TLS: the URL says https but the server speaks"
                        + " http on that port (\(said))")
            }
            if code == Int32(ODAG_CURLE_SSL_CONNECT_ERROR) || code == Int32(ODAG_CURLE_SSL_CIPHER) {
                return HTTPTransportError(.tlsFailure, detail: "the TLS handshake with \(endpoint) failed: \(said)")
            }
            if code == Int32(ODAG_CURLE_GOT_NOTHING) {
                return HTTPTransportError(
                    .connectionLost, delivery: sent,
                    detail: "\(endpoint) closed the connection without answering")
            }
            return HTTPTransportError(
                .connectionLost, delivery: sent,
                detail: "the connection to \(endpoint) was lost before a complete answer (\(said))")
        case Int32(ODAG_CURLE_PARTIAL_FILE):
            return HTTPTransportError(
                .connectionLost, delivery: sent,
                detail: "the connection to \(endpoint) closed in the middle of the answer (\(said))")
        case Int32(ODAG_CURLE_WRITE_ERROR), Int32(ODAG_CURLE_FILESIZE_EXCEEDED):
            if limit == Int32(ODAG_LIMIT_HEAD) {
                return HTTPTransportError(
                    .answerTooLarge, delivery: sent, detail: "the answer from \(endpoint) has a head over 64 KiB")
            }
            return HTTPTransportError(
                .answerTooLarge, delivery: sent, detail: "the answer from \(endpoint) is larger than the limit")
        case Int32(ODAG_CURLE_UNSUPPORTED_PROTOCOL) where lower.contains("http/0.9"),
            Int32(ODAG_CURLE_WEIRD_SERVER_REPLY):
            var detail = "the answer from \(endpoint) is not valid HTTP (\(said))"
            if !request.isHTTPS { detail += "; is the server speaking https on that port?" }
            return HTTPTransportError(.invalidAnswer, delivery: sent, detail: detail)
        case Int32(ODAG_CURLE_UNSUPPORTED_PROTOCOL), Int32(ODAG_CURLE_URL_MALFORMAT):
            return HTTPTransportError(.invalidRequest, detail: "libcurl cannot send to \(endpoint): \(said)")
        default:
            return HTTPTransportError(
                .other, delivery: sent, detail: "the exchange with \(endpoint) failed (libcurl \(code): \(said))")
        }
    }

    /// Whether OpenSSL reports a TLS alert in which the server rejects or asks for a client certificate.
    static func isClientCertificateAlert(_ lower: String) -> Bool {
        lower.contains("alert certificate required") || lower.contains("alert unknown ca")
            || lower.contains("alert bad certificate") || lower.contains("alert certificate unknown")
            || lower.contains("alert handshake failure") && lower.contains("certificate")
    }
}

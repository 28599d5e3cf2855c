import ODAGCore

/// What a handler of ``HTTPServer`` answers: a status, headers and a body, or "drop the connection".
///
/// `Content-Length` is always computed by the server (any value set here is replaced), and
/// `Connection: close` is added when the connection closes after this answer.
public struct HTTPServerResponse: Sendable, Hashable {
    /// How the server finishes the exchange.
    public enum Disposition: Sendable, Hashable {
        /// Send the response; keep the connection open if the request allows it.
        case respond
        /// Send the response, then close the connection.
        case respondAndClose
        /// Close the connection without sending anything (a lost answer, as for `--drop-rate`).
        case drop
    }

    /// The status code, for example `200`.
    public var status: Int
    /// The header fields to send.
    public var headers: HTTPFields
    /// The body bytes.
    public var body: [UInt8]
    /// Whether to answer, answer and close, or drop the connection.
    public var disposition: Disposition

    /// Creates a response.
    public init(
        status: Int, headers: HTTPFields = HTTPFields(), body: [UInt8] = [], disposition: Disposition = .respond
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.disposition = disposition
    }

    /// A response with a UTF-8 text body and the given content type.
    public static func text(
        _ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8",
        headers: HTTPFields = HTTPFields()
    ) -> HTTPServerResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: contentType)
        return HTTPServerResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    /// A response that closes the connection without sending a single byte.
    public static var drop: HTTPServerResponse {
        HTTPServerResponse(status: 0, disposition: .drop)
    }

    /// The standard reason phrase for a status code (`"OK"` for 200), or `"Status"` for an unusual one.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }

    /// The bytes to write: status line, headers (with `Content-Length`), blank line and, unless omitted, the body.
    /// `announceKeepAlive` adds `Connection: keep-alive`, which an HTTP/1.0 client needs to keep the connection.
    func serialized(close: Bool, omitBody: Bool, announceKeepAlive: Bool = false) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPServerResponse.reasonPhrase(status))\r\n"
        for field in headers {
            let lower = field.name.lowercased()
            if lower == "content-length" || lower == "connection" || lower == "transfer-encoding" { continue }
            head += "\(field.name): \(field.value)\r\n"
        }
        // 1xx, 204 and 304 answers never carry a body or a length.
        let bodyless = status < 200 || status == 204 || status == 304
        if !bodyless {
            head += "Content-Length: \(body.count)\r\n"
        }
        if close {
            head += "Connection: close\r\n"
        } else if announceKeepAlive {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if !bodyless && !omitBody {
            bytes.append(contentsOf: body)
        }
        return bytes
    }
}

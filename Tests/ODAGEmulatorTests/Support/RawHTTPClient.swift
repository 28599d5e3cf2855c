import Foundation
import ODAGCore
import ODAGEmulator
import ODAGTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// What the raw client read: one HTTP response.
struct RawHTTPResponse {
    var status: Int
    var headers: HTTPFields
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONParser.parse(body) }
    var message: String? { json?["message"]?.stringValue }
}

enum RawHTTPClientError: Error, Equatable, CustomStringConvertible {
    case connectFailed(Int32)
    case sendFailed(Int32)
    case closed
    case timedOut
    case malformed(String)

    var description: String {
        switch self {
        case .connectFailed(let code): return "connect failed: errno \(code)"
        case .sendFailed(let code): return "send failed: errno \(code)"
        case .closed: return "connection closed by the server"
        case .timedOut: return "timed out waiting for the server"
        case .malformed(let text): return "malformed response: \(text)"
        }
    }
}

/// A minimal blocking HTTP/1.1 client over a loopback socket, so tests can send exact bytes
/// (pipelined requests, broken framing, oversized bodies) and read exactly what comes back.
final class RawHTTPClient {
    static let xrfkey = "abcdefghijklmnop"
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeout: Double = 10) throws {
        do throws(Loopback.ConnectError) {
            fd = try Loopback.connect(port: UInt16(truncatingIfNeeded: port))
        } catch {
            throw RawHTTPClientError.connectFailed(error.code)
        }
        var value = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw RawHTTPClientError.sendFailed(errno) }
            offset += sent
        }
    }

    /// Reads more bytes; `false` at end of stream (or reset).
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw RawHTTPClientError.timedOut }
        return false
    }

    /// Reads one final (non-1xx) response.
    func readResponse(headOnly: Bool = false) throws -> RawHTTPResponse {
        while true {
            let response = try readOne(headOnly: headOnly)
            if response.status >= 200 { return response }
        }
    }

    /// Reads one response, including a `100 Continue`.
    func readOne(headOnly: Bool = false) throws -> RawHTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            if buffer.count >= 4 {
                for index in 0...(buffer.count - 4) where Array(buffer[index..<(index + 4)]) == separator {
                    headEnd = index
                    break
                }
            }
            if headEnd == nil {
                guard try fill() else { throw RawHTTPClientError.closed }
            }
        }
        guard let headEnd else { throw RawHTTPClientError.closed }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw RawHTTPClientError.malformed(statusLine)
        }
        var headers = HTTPFields()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw RawHTTPClientError.malformed(line) }
            headers.add(
                name: String(line[..<colon]),
                value: String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        buffer.removeFirst(headEnd + 4)
        var body: [UInt8] = []
        if headOnly || status < 200 || status == 204 || status == 304 {
            // no body
        } else if let lengthText = headers["Content-Length"], let length = Int(lengthText) {
            while buffer.count < length {
                guard try fill() else { throw RawHTTPClientError.closed }
            }
            body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else {
            while try fill() {}
            body = buffer
            buffer = []
        }
        return RawHTTPResponse(status: status, headers: headers, body: body)
    }

    /// Whether the server has closed the connection (reads until end of stream or timeout).
    func isClosedByServer() -> Bool {
        do {
            while try fill() {}
            return true
        } catch {
            return false
        }
    }

    /// The request bytes for an API call (`path` relative to `/api/odag/v1`), with the xrfkey unless told otherwise.
    static func apiRequest(
        _ method: String, _ path: String, body: String? = nil, headers: [(String, String)] = [],
        xrfkeyHeader: String? = xrfkey, xrfkeyQuery: String? = xrfkey, close: Bool = false
    ) -> String {
        var target = "/api/odag/v1" + path
        if let xrfkeyQuery { target += (target.contains("?") ? "&" : "?") + "Xrfkey=" + xrfkeyQuery }
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let xrfkeyHeader { text += "X-Qlik-Xrfkey: \(xrfkeyHeader)\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        }
        if close { text += "Connection: close\r\n" }
        text += "\r\n"
        if let body { text += body }
        return text
    }

    /// Sends an API call and reads its answer.
    func call(
        _ method: String, _ path: String, body: String? = nil, headers: [(String, String)] = [],
        xrfkeyHeader: String? = xrfkey, xrfkeyQuery: String? = xrfkey
    ) throws -> RawHTTPResponse {
        try send(
            RawHTTPClient.apiRequest(
                method, path, body: body, headers: headers, xrfkeyHeader: xrfkeyHeader, xrfkeyQuery: xrfkeyQuery))
        return try readResponse(headOnly: method == "HEAD")
    }

    func call(_ method: String, _ path: String, json: JSONValue, headers: [(String, String)] = []) throws
        -> RawHTTPResponse
    {
        try call(method, path, body: JSONWriter.string(json), headers: headers)
    }
}

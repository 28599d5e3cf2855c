import ODAGCore

/// Why bytes from a server are not an HTTP/1.x response we accept.
struct HTTP1ResponseError: Error, Equatable, CustomStringConvertible {
    /// A lowercase explanation, such as `the status line "FOO" is not HTTP/1.x`.
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The head of an HTTP/1.x response: status line and header fields.
struct HTTP1ResponseHead: Equatable {
    /// The minor version: `1` for HTTP/1.1, `0` for HTTP/1.0.
    var minorVersion: Int
    /// The status code, `100...999`.
    var status: Int
    /// The header fields in the order they came.
    var headers: HTTPFields

    /// How the body that follows the head is delimited (RFC 9112 §6.3).
    enum Framing: Equatable {
        /// No body.
        case none
        /// Exactly this many bytes.
        case length(Int)
        /// Chunked transfer coding.
        case chunked
        /// Everything until the server closes the connection.
        case untilClose
    }

    /// The index just past the blank line that ends a head starting at `start`, or `nil` while it is incomplete.
    ///
    /// `searchFrom` lets a caller that already searched part of the bytes skip it.
    static func end(in bytes: [UInt8], start: Int, searchFrom: Int) -> Int? {
        var index = max(start, searchFrom - 3)
        while index + 3 < bytes.count {
            if bytes[index + 3] != 0x0A {
                index += 1
                continue
            }
            if bytes[index] == 0x0D && bytes[index + 1] == 0x0A && bytes[index + 2] == 0x0D {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    /// Parses a complete head (status line, fields, blank line).
    static func parse(_ bytes: ArraySlice<UInt8>) throws(HTTP1ResponseError) -> HTTP1ResponseHead {
        // Bytes that are not UTF-8 (obsolete in field values) become U+FFFD; nothing we read depends on them.
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let statusLine = lines.first else { throw HTTP1ResponseError("the answer is empty") }
        let (minor, status) = try parseStatusLine(statusLine)
        var fields: [HTTPFields.Field] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw HTTP1ResponseError("the header line \(shown(line)) has no colon")
            }
            let name = line[..<colon]
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
                throw HTTP1ResponseError("the header name \(shown(name)) is not a token")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])
            fields.append(HTTPFields.Field(name: String(name), value: value))
        }
        return HTTP1ResponseHead(minorVersion: minor, status: status, headers: HTTPFields(fields))
    }

    /// Whether the connection may carry another request after this response's body (RFC 9112 §9.3).
    var keepsConnectionOpen: Bool {
        let tokens = Self.tokens(headers.values(for: "Connection"))
        if tokens.contains("close") { return false }
        return minorVersion >= 1 || tokens.contains("keep-alive")
    }

    /// How the body is delimited, given the request's method.
    func framing(requestMethod: String) throws(HTTP1ResponseError) -> Framing {
        if requestMethod == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304 {
            return .none
        }
        let codings = Self.tokens(headers.values(for: "Transfer-Encoding"))
        if !codings.isEmpty {
            // Only chunked as the final coding delimits the body; anything else runs to the close.
            return codings.last == "chunked" ? .chunked : .untilClose
        }
        let lengths = headers.values(for: "Content-Length")
            .flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingCharacters(in: [" ", "\t"]) }
        guard let first = lengths.first else { return .untilClose }
        guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.count <= 18,
            first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(first)
        else {
            throw HTTP1ResponseError(
                "the Content-Length \(Self.shown(lengths.joined(separator: ", "))) is not a length")
        }
        return .length(length)
    }

    private static func parseStatusLine(_ line: Substring) throws(HTTP1ResponseError) -> (Int, Int) {
        // "HTTP/1.1 200 OK": the reason phrase may be empty or missing.
        let bytes = Array(line.utf8)
        guard bytes.count >= 12, bytes.starts(with: Array("HTTP/1.".utf8)), bytes[7] >= 0x30, bytes[7] <= 0x39,
            bytes[8] == 0x20, bytes[9...11].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            bytes.count == 12 || bytes[12] == 0x20
        else { throw HTTP1ResponseError("the status line \(shown(line)) is not HTTP/1.x") }
        let status = bytes[9...11].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard status >= 100 else { throw HTTP1ResponseError("the status line \(shown(line)) has no valid status") }
        return (Int(bytes[7] - 0x30), status)
    }

    /// Comma-separated tokens of header values, lower case.
    private static func tokens(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: [" ", "\t"]).lowercased() }
            .filter { !$0.isEmpty }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// A short quoted excerpt for messages.
    static func shown(_ text: some StringProtocol) -> String {
        let excerpt = text.prefix(60)
        return "\"" + excerpt.replacingOccurrences(of: "\"", with: "\\\"") + (text.count > 60 ? "…" : "") + "\""
    }
}

/// Decodes a chunked body incrementally (RFC 9112 §7.1): feed it bytes as they arrive.
struct ChunkedBodyDecoder {
    private enum State {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailer
        case done
    }

    private var state = State.size
    /// The longest chunk-size or trailer line accepted.
    static let maximumLineLength = 8 * 1024

    /// Whether the last chunk and the trailer section have been read.
    var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Consumes bytes from `input` starting at `index`, appending decoded body bytes to `body`.
    ///
    /// Returns the index of the first byte not consumed: the rest of an incomplete line waits for more input,
    /// and after the end of the body the remaining bytes belong to the next response.
    mutating func consume(_ input: [UInt8], from index: Int, into body: inout [UInt8]) throws(HTTP1ResponseError)
        -> Int
    {
        var index = index
        while index < input.count {
            switch state {
            case .size:
                guard let lineEnd = Self.lineEnd(in: input, from: index) else {
                    try Self.checkLineLength(input.count - index)
                    return index
                }
                try Self.checkLineLength(lineEnd - index)
                state = try Self.chunkState(input[index..<lineEnd])
                index = lineEnd + 2
            case .data(let remaining):
                let take = min(remaining, input.count - index)
                body.append(contentsOf: input[index..<(index + take)])
                index += take
                state = remaining == take ? .dataEnd : .data(remaining: remaining - take)
            case .dataEnd:
                guard input.count - index >= 2 else { return index }
                guard input[index] == 0x0D && input[index + 1] == 0x0A else {
                    throw HTTP1ResponseError("a chunk is longer than its size says")
                }
                index += 2
                state = .size
            case .trailer:
                guard let lineEnd = Self.lineEnd(in: input, from: index) else {
                    try Self.checkLineLength(input.count - index)
                    return index
                }
                try Self.checkLineLength(lineEnd - index)
                // Trailer fields carry nothing we use; an empty line ends them.
                state = lineEnd == index ? .done : .trailer
                index = lineEnd + 2
            case .done:
                return index
            }
        }
        return index
    }

    private static func chunkState(_ line: ArraySlice<UInt8>) throws(HTTP1ResponseError) -> State {
        // "1a3f" or "1a3f;name=value": extensions are ignored.
        let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != 0x20 && $0 != 0x09 }
        guard !digits.isEmpty, digits.count <= 15 else {
            throw HTTP1ResponseError(
                "the chunk size \(HTTP1ResponseHead.shown(String(decoding: line, as: UTF8.self))) is not valid")
        }
        var size = 0
        for byte in digits {
            guard let value = hexValue(byte) else {
                throw HTTP1ResponseError(
                    "the chunk size \(HTTP1ResponseHead.shown(String(decoding: line, as: UTF8.self))) is not hexadecimal"
                )
            }
            size = size * 16 + value
        }
        return size == 0 ? .trailer : .data(remaining: size)
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }

    /// The index of the CR of the next CRLF at or after `index`, or `nil`.
    private static func lineEnd(in input: [UInt8], from index: Int) -> Int? {
        var cursor = index
        while cursor + 1 < input.count {
            if input[cursor] == 0x0D && input[cursor + 1] == 0x0A { return cursor }
            cursor += 1
        }
        return nil
    }

    /// Refuses a line (complete or still arriving) over the limit, so that how bytes arrive cannot change the result.
    private static func checkLineLength(_ length: Int) throws(HTTP1ResponseError) {
        if length > maximumLineLength { throw HTTP1ResponseError("a chunk-size or trailer line is too long") }
    }
}

import ODAGCore

/// A bounded parser of one HTTP/1.x request from the start of a byte buffer.
///
/// It does no I/O. Give it everything received so far and it says whether a complete request is
/// there (and how many bytes it used), more bytes are needed, or the input is malformed. Called
/// again with a ``Cursor`` as more bytes arrive, it continues where it stopped instead of starting
/// over, so the work for a request is linear in its bytes however they are split (a chunked body
/// sent as one-byte chunks with long extensions included). Sizes are capped by ``Limits``, the
/// chunk framing included, so it is safe to fuzz and to feed arbitrary bytes.
public struct HTTPRequestParser: Sendable {
    /// Size limits; exceeding them fails the request instead of buffering without end.
    public struct Limits: Sendable, Hashable {
        /// Largest request line plus header section, in bytes, including the blank line.
        public var maxHeaderBytes: Int
        /// Largest number of header fields.
        public var maxHeaderCount: Int
        /// Largest body after de-chunking, in bytes; a larger body fails with `413`.
        public var maxBodyBytes: Int
        /// Largest chunked body as sent (chunk-size lines and their extensions, data, CRLFs and
        /// trailers), in bytes; a larger one fails with `413`, so framing cannot make the raw body
        /// grow without end while the decoded body stays small.
        public var maxChunkedBodyBytes: Int

        /// Creates limits; the defaults are 16 KiB of headers, 100 fields, a 1 MiB body and, for a
        /// chunked body as sent, twice the body limit plus 64 KiB.
        public init(
            maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 1 << 20,
            maxChunkedBodyBytes: Int? = nil
        ) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
            let (doubled, overflow) = maxBodyBytes.multipliedReportingOverflow(by: 2)
            self.maxChunkedBodyBytes = maxChunkedBodyBytes ?? (overflow ? Int.max : doubled &+ 64 * 1024)
        }
    }

    /// What is known about a request that is not complete yet.
    public struct Progress: Sendable, Hashable {
        /// Whether the whole header section has been received (only the body is missing).
        public var headersComplete: Bool
        /// Whether the client sent `Expect: 100-continue` and waits for a `100 Continue` before its body.
        public var expectsContinue: Bool
        /// The buffer must hold at least this many bytes before parsing again can succeed.
        public var minimumBytes: Int

        /// Creates a progress value.
        public init(headersComplete: Bool, expectsContinue: Bool, minimumBytes: Int) {
            self.headersComplete = headersComplete
            self.expectsContinue = expectsContinue
            self.minimumBytes = minimumBytes
        }
    }

    /// The outcome of parsing a buffer.
    public enum Result: Sendable, Hashable {
        /// More bytes are needed.
        case incomplete(Progress)
        /// A full request, which used the first `consumed` bytes of the buffer.
        case complete(HTTPServerRequest, consumed: Int)
        /// The input is not an acceptable request; answer with the error's status and close.
        case failure(HTTPRequestParseError)
    }

    /// How far parsing of one request has got, so that the next call with more bytes continues from
    /// there. Start each request with a fresh cursor; after `complete` or `failure` it is spent.
    public struct Cursor: Sendable {
        enum Stage: Sendable {
            case leadingLines
            case head
            case body
            case chunkSizeLine
            case chunkData(size: Int)
            case trailer
        }

        var stage = Stage.leadingLines
        /// The next byte to examine, from the start of the request.
        var position = 0
        var lineStart = 0
        var requestLine: RequestLine?
        var headers = HTTPFields()
        var fieldCount = 0
        var expectsContinue = false
        var bodyStart = 0
        var framing = Framing.none
        var body: [UInt8] = []
        var trailerBytes = 0

        /// Byte visits so far (scanning, line parsing, copying): stays within a small multiple of
        /// the request's size however its bytes arrive. For tests that bound the parser's work.
        public private(set) var work = 0

        /// A cursor at the start of a request.
        public init() {}

        mutating func count(_ visits: Int) { work += visits }
    }

    /// The limits in force.
    public var limits: Limits

    /// Creates a parser with the given limits.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses the request at the start of `buffer`, from scratch.
    public func parse(_ buffer: ArraySlice<UInt8>) -> Result {
        var cursor = Cursor()
        return parse(buffer, resuming: &cursor)
    }

    /// Parses the request at the start of `buffer`, continuing from `cursor`.
    ///
    /// `buffer` must start where the request starts and hold the bytes given before, with more
    /// appended; each byte is examined a bounded number of times over all calls.
    public func parse(_ buffer: ArraySlice<UInt8>, resuming cursor: inout Cursor) -> Result {
        let bytes = Bytes(buffer)
        while true {
            switch cursor.stage {
            case .leadingLines:
                // RFC 9112 §2.2: ignore empty lines received before the request line.
                while cursor.position + 1 < bytes.count && bytes[cursor.position] == cr
                    && bytes[cursor.position + 1] == lf && cursor.position < limits.maxHeaderBytes
                {
                    cursor.position += 2
                    cursor.count(2)
                }
                if cursor.position >= limits.maxHeaderBytes {
                    return .failure(.init(status: 400, message: "request line too long"))
                }
                if cursor.position + 1 >= bytes.count {
                    if cursor.position < bytes.count && bytes[cursor.position] == lf {
                        return .failure(.init(status: 400, message: "request line ends without carriage return"))
                    }
                    if bytes.count >= limits.maxHeaderBytes {
                        return .failure(.init(status: 400, message: "request line too long"))
                    }
                    return .incomplete(
                        Progress(headersComplete: false, expectsContinue: false, minimumBytes: bytes.count + 1))
                }
                cursor.lineStart = cursor.position
                cursor.stage = .head
            case .head:
                if let failure = parseHeadLines(bytes, &cursor) { return failure }
            case .body:
                switch cursor.framing {
                case .none:
                    return complete(cursor, end: cursor.bodyStart)
                case .length(let length):
                    let (end, overflow) = cursor.bodyStart.addingReportingOverflow(length)
                    if overflow { return .failure(.init(status: 413, message: "request body too large")) }
                    guard end <= bytes.count else {
                        return .incomplete(
                            Progress(headersComplete: true, expectsContinue: cursor.expectsContinue, minimumBytes: end))
                    }
                    cursor.body = Array(bytes.slice(cursor.bodyStart, end))
                    cursor.count(length)
                    return complete(cursor, end: end)
                case .chunked:
                    cursor.stage = .chunkSizeLine
                    cursor.lineStart = cursor.bodyStart
                    cursor.position = cursor.bodyStart
                }
            case .chunkSizeLine, .chunkData, .trailer:
                return parseChunked(bytes, &cursor)
            }
        }
    }

    private func complete(_ cursor: Cursor, end: Int) -> Result {
        guard let line = cursor.requestLine else {
            return .failure(.init(status: 400, message: "malformed request line"))
        }
        let request = HTTPServerRequest(
            method: line.method, target: line.target, version: line.version, headers: cursor.headers,
            body: cursor.body)
        return .complete(request, consumed: end)
    }

    /// Finds the end of the next line from `cursor.position` on: a CR LF whose CR lies at or past
    /// `lineStart`. Examines each byte once over all calls. `nil` when the buffer ends first.
    private func nextLineEnd(_ bytes: Bytes, _ cursor: inout Cursor, bareLineFeed: inout Bool) -> Int? {
        var index = cursor.position
        defer {
            cursor.count(index - cursor.position)
            cursor.position = index
        }
        while index < bytes.count {
            if bytes[index] == lf {
                if index > cursor.lineStart && bytes[index - 1] == cr {
                    index += 1
                    return index - 2
                }
                bareLineFeed = true
                index += 1
                return nil
            }
            index += 1
        }
        return nil
    }

    /// Reads the request line and header lines that are complete; `nil` to go on to the body.
    private func parseHeadLines(_ bytes: Bytes, _ cursor: inout Cursor) -> Result? {
        while true {
            var bareLineFeed = false
            let inRequestLine = cursor.requestLine == nil
            guard let lineEnd = nextLineEnd(bytes, &cursor, bareLineFeed: &bareLineFeed) else {
                if bareLineFeed {
                    let message =
                        inRequestLine
                        ? "request line ends without carriage return" : "header line ends without carriage return"
                    return .failure(.init(status: 400, message: message))
                }
                if bytes.count >= limits.maxHeaderBytes {
                    return .failure(
                        .init(
                            status: 400, message: inRequestLine ? "request line too long" : "header section too large"))
                }
                return .incomplete(
                    Progress(headersComplete: false, expectsContinue: false, minimumBytes: bytes.count + 1))
            }
            // A line's CR must lie below `maxHeaderBytes - 1` so that its LF, and with it the whole header section,
            // fits within `maxHeaderBytes`: the same limit whether the request arrived whole or in pieces.
            if lineEnd >= limits.maxHeaderBytes - 1 {
                return .failure(
                    .init(status: 400, message: inRequestLine ? "request line too long" : "header section too large"))
            }
            let lineStart = cursor.lineStart
            cursor.lineStart = lineEnd + 2
            cursor.count(lineEnd - lineStart)
            if inRequestLine {
                // Rejected as soon as it is complete, without waiting for the headers.
                switch parseRequestLine(bytes, from: lineStart, to: lineEnd) {
                case .success(let line): cursor.requestLine = line
                case .failure(let error): return .failure(error)
                }
                continue
            }
            if lineEnd == lineStart {
                return startBody(&cursor, bodyStart: lineEnd + 2)
            }
            cursor.fieldCount += 1
            if cursor.fieldCount > limits.maxHeaderCount {
                return .failure(.init(status: 400, message: "too many header fields"))
            }
            switch parseField(bytes, from: lineStart, to: lineEnd) {
            case .success(let field): cursor.headers.add(name: field.name, value: field.value)
            case .failure(let error): return .failure(error)
            }
        }
    }

    private func startBody(_ cursor: inout Cursor, bodyStart: Int) -> Result? {
        guard let version = cursor.requestLine?.version else {
            return .failure(.init(status: 400, message: "malformed request line"))
        }
        cursor.expectsContinue =
            version.minor >= 1 && (cursor.headers["Expect"]?.trimmingSpaces().lowercased() == "100-continue")
        switch bodyFraming(cursor.headers, version: version) {
        case .success(let value): cursor.framing = value
        case .failure(let error): return .failure(error)
        }
        cursor.bodyStart = bodyStart
        cursor.position = bodyStart
        cursor.stage = .body
        return nil
    }

    // MARK: - Request line

    struct RequestLine {
        var method: String
        var target: String
        var version: HTTPVersion
    }

    func parseRequestLine(_ bytes: Bytes, from start: Int, to end: Int)
        -> Swift.Result<RequestLine, HTTPRequestParseError>
    {
        let bad = HTTPRequestParseError(status: 400, message: "malformed request line")
        guard let firstSpace = bytes.firstIndex(of: space, from: start, below: end) else { return .failure(bad) }
        guard let secondSpace = bytes.firstIndex(of: space, from: firstSpace + 1, below: end) else {
            return .failure(bad)
        }
        guard firstSpace > start, secondSpace > firstSpace + 1, secondSpace + 1 < end else { return .failure(bad) }
        for index in start..<firstSpace where !isTokenCharacter(bytes[index]) {
            return .failure(.init(status: 400, message: "malformed request method"))
        }
        for index in (firstSpace + 1)..<secondSpace where !(0x21...0x7E).contains(bytes[index]) {
            return .failure(.init(status: 400, message: "malformed request target"))
        }
        // HTTP-version = "HTTP/" DIGIT "." DIGIT
        let versionBytes = Array(bytes.slice(secondSpace + 1, end))
        guard versionBytes.count == 8, Array(versionBytes[0..<5]) == Array("HTTP/".utf8),
            let major = digitValue(versionBytes[5]), versionBytes[6] == UInt8(ascii: "."),
            let minor = digitValue(versionBytes[7])
        else {
            return .failure(.init(status: 400, message: "malformed http version"))
        }
        guard major == 1 else {
            return .failure(.init(status: 505, message: "http version \(major).\(minor) is not supported"))
        }
        let method = String(decoding: bytes.slice(start, firstSpace), as: UTF8.self)
        var target = String(decoding: bytes.slice(firstSpace + 1, secondSpace), as: UTF8.self)
        if target.hasPrefix("/") {
            // origin-form, the usual case
        } else if target == "*" && method == "OPTIONS" {
            // asterisk-form
        } else if let originForm = HTTPRequestParser.originForm(ofAbsolute: target) {
            target = originForm
        } else {
            return .failure(.init(status: 400, message: "malformed request target"))
        }
        return .success(RequestLine(method: method, target: target, version: HTTPVersion(major: major, minor: minor)))
    }

    /// `http://host:port/path?q` → `/path?q`; `nil` when the target is not an absolute http(s) URI.
    static func originForm(ofAbsolute target: String) -> String? {
        let lower = target.lowercased()
        let schemeLength: Int
        if lower.hasPrefix("http://") {
            schemeLength = 7
        } else if lower.hasPrefix("https://") {
            schemeLength = 8
        } else {
            return nil
        }
        let afterScheme = target.utf8.dropFirst(schemeLength)
        guard !afterScheme.isEmpty else { return nil }
        if let slash = afterScheme.firstIndex(of: UInt8(ascii: "/")) {
            return String(target[slash...])
        }
        if let question = afterScheme.firstIndex(of: UInt8(ascii: "?")) {
            return "/" + String(target[question...])
        }
        return "/"
    }

    // MARK: - Header fields

    func parseField(_ bytes: Bytes, from start: Int, to end: Int)
        -> Swift.Result<(name: String, value: String), HTTPRequestParseError>
    {
        if bytes[start] == space || bytes[start] == tab {
            return .failure(.init(status: 400, message: "obsolete header line folding is not accepted"))
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":"), from: start, below: end), colon > start else {
            return .failure(.init(status: 400, message: "malformed header field"))
        }
        for index in start..<colon where !isTokenCharacter(bytes[index]) {
            return .failure(.init(status: 400, message: "malformed header field name"))
        }
        var valueStart = colon + 1
        var valueEnd = end
        while valueStart < valueEnd && (bytes[valueStart] == space || bytes[valueStart] == tab) { valueStart += 1 }
        while valueEnd > valueStart && (bytes[valueEnd - 1] == space || bytes[valueEnd - 1] == tab) { valueEnd -= 1 }
        for index in valueStart..<valueEnd {
            let byte = bytes[index]
            // field-value = VCHAR / obs-text / SP / HTAB; CR, LF, NUL and other controls are refused.
            if byte < 0x20 && byte != tab || byte == 0x7F {
                return .failure(.init(status: 400, message: "invalid character in header field value"))
            }
        }
        let name = String(decoding: bytes.slice(start, colon), as: UTF8.self)
        let value = String(decoding: bytes.slice(valueStart, valueEnd), as: UTF8.self)
        return .success((name, value))
    }

    // MARK: - Body framing

    enum Framing {
        case none
        case length(Int)
        case chunked
    }

    func bodyFraming(_ headers: HTTPFields, version: HTTPVersion) -> Swift.Result<Framing, HTTPRequestParseError> {
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty {
                return .failure(.init(status: 400, message: "both transfer-encoding and content-length are present"))
            }
            if version.minor == 0 {
                return .failure(.init(status: 400, message: "transfer-encoding is not allowed in http/1.0"))
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map {
                $0.trimmingSpaces().lowercased()
            }
            guard codings == ["chunked"] else {
                return .failure(.init(status: 501, message: "unsupported transfer-encoding"))
            }
            return .success(.chunked)
        }
        guard !contentLengths.isEmpty else { return .success(.none) }
        var length: Int?
        for part in contentLengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let digits = part.trimmingSpaces()
            guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ digitValue($0) != nil }),
                let value = Int(digits)
            else {
                return .failure(.init(status: 400, message: "malformed content-length"))
            }
            if let previous = length, previous != value {
                return .failure(.init(status: 400, message: "conflicting content-length values"))
            }
            length = value
        }
        guard let length else { return .failure(.init(status: 400, message: "malformed content-length")) }
        if length > limits.maxBodyBytes {
            return .failure(.init(status: 413, message: "request body too large"))
        }
        return .success(.length(length))
    }

    /// Decodes as much of a chunked body as has arrived.
    private func parseChunked(_ bytes: Bytes, _ cursor: inout Cursor) -> Result {
        let maxChunkLine = 1024
        let rawLimit = limits.maxChunkedBodyBytes
        let tooLarge = Result.failure(.init(status: 413, message: "request body too large"))
        while true {
            // The raw body, framing included, never grows past its limit in the buffer either.
            if cursor.position - cursor.bodyStart > rawLimit { return tooLarge }
            switch cursor.stage {
            case .chunkSizeLine:
                // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
                var bareLineFeed = false
                guard let lineEnd = nextLineEnd(bytes, &cursor, bareLineFeed: &bareLineFeed) else {
                    if bareLineFeed { return .failure(.init(status: 400, message: "malformed chunk size")) }
                    // As for headers, the line's CRLF must fit within the limit however the bytes arrived.
                    if bytes.count - cursor.lineStart >= maxChunkLine {
                        return .failure(.init(status: 400, message: "chunk size line too long"))
                    }
                    return incompleteBody(bytes, cursor, minimumBytes: bytes.count + 1)
                }
                if lineEnd - cursor.lineStart >= maxChunkLine - 1 {
                    return .failure(.init(status: 400, message: "chunk size line too long"))
                }
                cursor.count(lineEnd - cursor.lineStart)
                let size: Int
                switch parseChunkSize(bytes, from: cursor.lineStart, to: lineEnd) {
                case .success(let value): size = value
                case .failure(let error): return .failure(error)
                }
                cursor.lineStart = lineEnd + 2
                if size == 0 {
                    cursor.stage = .trailer
                    continue
                }
                if cursor.body.count + size > limits.maxBodyBytes { return tooLarge }
                cursor.stage = .chunkData(size: size)
            case .chunkData(let size):
                let dataEnd = cursor.position + size
                if dataEnd + 2 - cursor.bodyStart > rawLimit { return tooLarge }
                guard dataEnd + 2 <= bytes.count else {
                    return incompleteBody(bytes, cursor, minimumBytes: dataEnd + 2)
                }
                guard bytes[dataEnd] == cr && bytes[dataEnd + 1] == lf else {
                    return .failure(.init(status: 400, message: "chunk data not followed by crlf"))
                }
                cursor.body.append(contentsOf: bytes.slice(cursor.position, dataEnd))
                cursor.count(size + 2)
                cursor.position = dataEnd + 2
                cursor.lineStart = cursor.position
                cursor.stage = .chunkSizeLine
            case .trailer:
                // trailer-section CRLF: header-like lines up to a blank line, read and ignored.
                let budget = limits.maxHeaderBytes - cursor.trailerBytes
                var bareLineFeed = false
                guard let lineEnd = nextLineEnd(bytes, &cursor, bareLineFeed: &bareLineFeed) else {
                    if bareLineFeed {
                        return .failure(.init(status: 400, message: "trailer line ends without carriage return"))
                    }
                    if bytes.count - cursor.lineStart >= budget {
                        return .failure(.init(status: 400, message: "chunked trailer section too large"))
                    }
                    return incompleteBody(bytes, cursor, minimumBytes: bytes.count + 1)
                }
                if lineEnd - cursor.lineStart >= budget - 1 {
                    return .failure(.init(status: 400, message: "chunked trailer section too large"))
                }
                let lineStart = cursor.lineStart
                cursor.lineStart = lineEnd + 2
                if lineEnd == lineStart {
                    if lineEnd + 2 - cursor.bodyStart > rawLimit { return tooLarge }
                    return complete(cursor, end: lineEnd + 2)
                }
                cursor.count(lineEnd - lineStart)
                if case .failure(let error) = parseField(bytes, from: lineStart, to: lineEnd) {
                    return .failure(error)
                }
                cursor.trailerBytes += lineEnd + 2 - lineStart
            case .leadingLines, .head, .body:
                return .failure(.init(status: 400, message: "malformed chunked body"))
            }
        }
    }

    private func incompleteBody(_ bytes: Bytes, _ cursor: Cursor, minimumBytes: Int) -> Result {
        // More bytes than the raw limit already buffered and the body still not over: it is too large.
        if bytes.count - cursor.bodyStart > limits.maxChunkedBodyBytes {
            return .failure(.init(status: 413, message: "request body too large"))
        }
        return .incomplete(
            Progress(headersComplete: true, expectsContinue: cursor.expectsContinue, minimumBytes: minimumBytes))
    }

    /// `chunk-size [ chunk-ext ]` between `start` and the line's CR.
    private func parseChunkSize(_ bytes: Bytes, from start: Int, to lineEnd: Int)
        -> Swift.Result<
            Int, HTTPRequestParseError
        >
    {
        var size = 0
        var digits = 0
        var index = start
        while index < lineEnd, let digit = HTTPServerRequest.hexValue(bytes[index]) {
            size = size * 16 + Int(digit)
            digits += 1
            index += 1
            if digits > 8 || size > limits.maxBodyBytes {
                return .failure(.init(status: 413, message: "request body too large"))
            }
        }
        guard digits > 0 else { return .failure(.init(status: 400, message: "malformed chunk size")) }
        while index < lineEnd && (bytes[index] == space || bytes[index] == tab) { index += 1 }
        if index < lineEnd && bytes[index] != UInt8(ascii: ";") {
            return .failure(.init(status: 400, message: "malformed chunk size"))
        }
        for extensionIndex in index..<lineEnd where bytes[extensionIndex] < 0x20 && bytes[extensionIndex] != tab {
            return .failure(.init(status: 400, message: "malformed chunk extension"))
        }
        return .success(size)
    }
}

/// Why a request could not be parsed, with the status to answer (`400`, `413`, `501` or `505`).
public struct HTTPRequestParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code to answer with before closing the connection.
    public var status: Int
    /// A lowercase explanation, for example `"malformed request line"`.
    public var message: String

    /// Creates an error.
    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")
private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")

/// tchar per RFC 9110 §5.6.2.
private func isTokenCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
        UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

private func digitValue(_ byte: UInt8) -> Int? {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
}

/// Zero-based, bounds-checked access to an `ArraySlice` (whose indices need not start at 0).
struct Bytes {
    let storage: ArraySlice<UInt8>
    let base: Int

    init(_ slice: ArraySlice<UInt8>) {
        storage = slice
        base = slice.startIndex
    }

    var count: Int { storage.count }

    subscript(offset: Int) -> UInt8 { storage[base + offset] }

    func slice(_ from: Int, _ to: Int) -> ArraySlice<UInt8> { storage[(base + from)..<(base + to)] }

    func firstIndex(of byte: UInt8, from: Int, below: Int) -> Int? {
        var index = from
        while index < below {
            if storage[base + index] == byte { return index }
            index += 1
        }
        return nil
    }
}

import ODAGCore

/// A pure, bounded parser of one HTTP/1.x request from the start of a byte buffer.
///
/// It does no I/O and keeps no state between calls: give it everything received so far and it
/// says whether a complete request is there (and how many bytes it used), more bytes are needed,
/// or the input is malformed. Work is linear in the buffer and capped by ``Limits``, so it is safe
/// to fuzz and to feed arbitrary bytes.
public struct HTTPRequestParser: Sendable {
    /// Size limits; exceeding them fails the request instead of buffering without end.
    public struct Limits: Sendable, Hashable {
        /// Largest request line plus header section, in bytes, including the blank line.
        public var maxHeaderBytes: Int
        /// Largest number of header fields.
        public var maxHeaderCount: Int
        /// Largest body after de-chunking, in bytes; a larger body fails with `413`.
        public var maxBodyBytes: Int

        /// Creates limits; the defaults are 16 KiB of headers, 100 fields and a 1 MiB body.
        public init(maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 1 << 20) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
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

    /// The limits in force.
    public var limits: Limits

    /// Creates a parser with the given limits.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses the request at the start of `buffer`.
    public func parse(_ buffer: ArraySlice<UInt8>) -> Result {
        let bytes = Bytes(buffer)
        var start = 0
        // RFC 9112 §2.2: ignore empty lines received before the request line.
        while start + 1 < bytes.count && bytes[start] == cr && bytes[start + 1] == lf && start < limits.maxHeaderBytes {
            start += 2
        }
        // A line's CR must lie below `maxHeaderBytes - 1` so that its LF, and with it the whole header section,
        // fits within `maxHeaderBytes`: the same limit whether the request arrived whole or in pieces.
        let searchLimit = min(bytes.count, limits.maxHeaderBytes - 1)
        // Reject a bad request line as soon as it is complete, without waiting for the headers.
        guard let requestLineEnd = bytes.findCRLF(from: start, below: searchLimit) else {
            if bytes.count >= limits.maxHeaderBytes {
                return .failure(.init(status: 400, message: "request line too long"))
            }
            if bytes.firstBareLineFeed(from: start, below: bytes.count) != nil {
                return .failure(.init(status: 400, message: "request line ends without carriage return"))
            }
            return .incomplete(Progress(headersComplete: false, expectsContinue: false, minimumBytes: bytes.count + 1))
        }
        let requestLine: RequestLine
        switch parseRequestLine(bytes, from: start, to: requestLineEnd) {
        case .success(let line): requestLine = line
        case .failure(let error): return .failure(error)
        }

        // Header fields, one per line, up to the blank line.
        var headers = HTTPFields()
        var lineStart = requestLineEnd + 2
        var headerEnd: Int?
        var fieldCount = 0
        while lineStart <= searchLimit {
            guard let lineEnd = bytes.findCRLF(from: lineStart, below: searchLimit) else { break }
            if lineEnd == lineStart {
                headerEnd = lineEnd + 2
                break
            }
            fieldCount += 1
            if fieldCount > limits.maxHeaderCount {
                return .failure(.init(status: 400, message: "too many header fields"))
            }
            switch parseField(bytes, from: lineStart, to: lineEnd) {
            case .success(let field): headers.add(name: field.name, value: field.value)
            case .failure(let error): return .failure(error)
            }
            lineStart = lineEnd + 2
        }
        guard let bodyStart = headerEnd else {
            if bytes.count >= limits.maxHeaderBytes {
                return .failure(.init(status: 400, message: "header section too large"))
            }
            if bytes.firstBareLineFeed(from: lineStart, below: bytes.count) != nil {
                return .failure(.init(status: 400, message: "header line ends without carriage return"))
            }
            return .incomplete(Progress(headersComplete: false, expectsContinue: false, minimumBytes: bytes.count + 1))
        }

        let expectsContinue =
            requestLine.version.minor >= 1 && (headers["Expect"]?.trimmingSpaces().lowercased() == "100-continue")
        let framing: Framing
        switch bodyFraming(headers, version: requestLine.version) {
        case .success(let value): framing = value
        case .failure(let error): return .failure(error)
        }

        let body: [UInt8]
        let consumed: Int
        switch framing {
        case .none:
            body = []
            consumed = bodyStart
        case .length(let length):
            let (end, overflow) = bodyStart.addingReportingOverflow(length)
            if overflow { return .failure(.init(status: 413, message: "request body too large")) }
            guard end <= bytes.count else {
                return .incomplete(Progress(headersComplete: true, expectsContinue: expectsContinue, minimumBytes: end))
            }
            body = Array(bytes.slice(bodyStart, end))
            consumed = end
        case .chunked:
            switch parseChunked(bytes, from: bodyStart) {
            case .complete(let decoded, let end):
                body = decoded
                consumed = end
            case .incomplete(let minimum):
                return .incomplete(
                    Progress(headersComplete: true, expectsContinue: expectsContinue, minimumBytes: minimum))
            case .failure(let error):
                return .failure(error)
            }
        }

        let request = HTTPServerRequest(
            method: requestLine.method, target: requestLine.target, version: requestLine.version, headers: headers,
            body: body)
        return .complete(request, consumed: consumed)
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

    enum ChunkedResult {
        case complete([UInt8], end: Int)
        case incomplete(minimumBytes: Int)
        case failure(HTTPRequestParseError)
    }

    func parseChunked(_ bytes: Bytes, from bodyStart: Int) -> ChunkedResult {
        let maxChunkLine = 1024
        var body: [UInt8] = []
        var position = bodyStart
        while true {
            // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
            // As for headers, the line's CRLF must fit within the limit however the bytes arrived.
            let lineLimit = min(bytes.count, position + maxChunkLine - 1)
            guard let lineEnd = bytes.findCRLF(from: position, below: lineLimit) else {
                if bytes.count - position >= maxChunkLine {
                    return .failure(.init(status: 400, message: "chunk size line too long"))
                }
                return .incomplete(minimumBytes: bytes.count + 1)
            }
            var size = 0
            var digits = 0
            var index = position
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
            position = lineEnd + 2
            if size == 0 {
                // trailer-section CRLF: header-like lines up to a blank line, read and ignored.
                var trailerBytes = 0
                while true {
                    let budget = limits.maxHeaderBytes - trailerBytes
                    let limit = min(bytes.count, position + budget - 1)
                    guard let trailerEnd = bytes.findCRLF(from: position, below: limit) else {
                        if bytes.count - position >= budget {
                            return .failure(.init(status: 400, message: "chunked trailer section too large"))
                        }
                        return .incomplete(minimumBytes: bytes.count + 1)
                    }
                    if trailerEnd == position {
                        return .complete(body, end: trailerEnd + 2)
                    }
                    if case .failure(let error) = parseField(bytes, from: position, to: trailerEnd) {
                        return .failure(error)
                    }
                    trailerBytes += trailerEnd + 2 - position
                    position = trailerEnd + 2
                }
            }
            if body.count + size > limits.maxBodyBytes {
                return .failure(.init(status: 413, message: "request body too large"))
            }
            let dataEnd = position + size
            guard dataEnd + 2 <= bytes.count else { return .incomplete(minimumBytes: dataEnd + 2) }
            guard bytes[dataEnd] == cr && bytes[dataEnd + 1] == lf else {
                return .failure(.init(status: 400, message: "chunk data not followed by crlf"))
            }
            body.append(contentsOf: bytes.slice(position, dataEnd))
            position = dataEnd + 2
        }
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
    default:
        return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
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

    /// Offset of the first CR LF starting at or after `from` whose CR is below `below`.
    func findCRLF(from: Int, below: Int) -> Int? {
        var index = from
        while index + 1 < count && index < below {
            if storage[base + index] == cr && storage[base + index + 1] == lf { return index }
            index += 1
        }
        return nil
    }

    func firstIndex(of byte: UInt8, from: Int, below: Int) -> Int? {
        var index = from
        while index < below {
            if storage[base + index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// Offset of the first LF not preceded by CR.
    func firstBareLineFeed(from: Int, below: Int) -> Int? {
        var index = from
        while index < below {
            if storage[base + index] == lf && (index == from || storage[base + index - 1] != cr) { return index }
            index += 1
        }
        return nil
    }
}

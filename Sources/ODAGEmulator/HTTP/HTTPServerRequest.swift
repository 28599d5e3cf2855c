import ODAGCore

/// One HTTP request as received by ``HTTPServer`` and passed to its handler.
public struct HTTPServerRequest: Sendable, Hashable {
    /// One `name=value` pair of the query string, percent-decoded (`+` is read as a space).
    public struct QueryItem: Sendable, Hashable {
        /// The decoded name.
        public var name: String
        /// The decoded value; empty when the item had no `=`.
        public var value: String

        /// Creates a query item.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The request method as sent, for example `GET` (methods are case-sensitive).
    public var method: String
    /// The request target as sent, for example `/api/odag/v1/links?Xrfkey=abc`.
    public var target: String
    /// The percent-decoded path of the target, without the query string.
    public var path: String
    /// The query items in order.
    public var queryItems: [QueryItem]
    /// The HTTP version as `(major, minor)`, for example `(1, 1)`.
    public var version: HTTPVersion
    /// The header fields; look them up case-insensitively with `headers["Name"]`.
    public var headers: HTTPFields
    /// The body bytes (already de-chunked); empty when there was none.
    public var body: [UInt8]

    /// Creates a request value (used by the parser and by tests of handlers).
    public init(
        method: String,
        target: String,
        version: HTTPVersion = HTTPVersion(major: 1, minor: 1),
        headers: HTTPFields = HTTPFields(),
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        let split = HTTPServerRequest.splitTarget(target)
        self.path = split.path
        self.queryItems = split.query
    }

    /// The value of the first query item named `name` (case-sensitive), or `nil`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the connection should stay open after this request, from the version and `Connection` header.
    public var keepAlive: Bool {
        let tokens = headers.values(for: "Connection")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingSpaces().lowercased() }
        if tokens.contains("close") { return false }
        if version.major == 1 && version.minor == 0 { return tokens.contains("keep-alive") }
        return true
    }

    static func splitTarget(_ target: String) -> (path: String, query: [QueryItem]) {
        let bytes = Array(target.utf8)
        guard let questionMark = bytes.firstIndex(of: UInt8(ascii: "?")) else {
            return (percentDecode(bytes[...], plusIsSpace: false), [])
        }
        let path = percentDecode(bytes[..<questionMark], plusIsSpace: false)
        var items: [QueryItem] = []
        for part in bytes[(questionMark + 1)...].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = part.firstIndex(of: UInt8(ascii: "=")) {
                items.append(
                    QueryItem(
                        name: percentDecode(part[..<equals], plusIsSpace: true),
                        value: percentDecode(part[(equals + 1)...], plusIsSpace: true)))
            } else {
                items.append(QueryItem(name: percentDecode(part, plusIsSpace: true), value: ""))
            }
        }
        return (path, items)
    }

    /// Decodes `%XX` escapes; an invalid escape is kept literally. Invalid UTF-8 becomes U+FFFD.
    static func percentDecode(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else if byte == UInt8(ascii: "+") && plusIsSpace {
                out.append(UInt8(ascii: " "))
                index += 1
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// An HTTP version such as 1.1.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// The major version number.
    public var major: Int
    /// The minor version number.
    public var minor: Int

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `HTTP/major.minor`.
    public var description: String { "HTTP/\(major).\(minor)" }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

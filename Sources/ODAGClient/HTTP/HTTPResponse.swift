import Foundation
import ODAGCore

/// One HTTP response as a transport returns it: status, headers (case-insensitive) and the whole body.
public struct HTTPResponse: Sendable, Equatable {
    /// The status code, such as `200` or `404`.
    public var status: Int
    /// The header fields.
    public var headers: HTTPFields
    /// The body bytes (empty when there is none).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HTTPFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is in `200..<300`.
    public var isSuccess: Bool {
        (200..<300).contains(status)
    }

    /// The media type of `Content-Type` in lower case without parameters (`application/json`), or `nil`.
    public var mediaType: String? {
        guard let value = headers["Content-Type"] else { return nil }
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = type.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Whether the body looks like an HTML page: a `text/html` content type, or a body whose first non-blank byte
    /// is `<`.
    public var looksLikeHTML: Bool {
        if let type = mediaType, type == "text/html" || type == "application/xhtml+xml" { return true }
        let blank: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        var bytes = body[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return bytes.first { !blank.contains($0) } == UInt8(ascii: "<")
    }
}

import Foundation
import ODAGCore

/// One HTTP request as the client hands it to an ``HTTPTransport``: our own value, independent of the transport.
public struct HTTPRequest: Sendable, Equatable {
    /// The method, upper case (`GET`, `POST`, `PUT`, `DELETE`).
    public var method: String
    /// The absolute URL, query included.
    public var url: URL
    /// The header fields to send. The transport adds nothing that changes their meaning.
    public var headers: HTTPFields
    /// The body bytes, or `nil` for no body.
    public var body: [UInt8]?
    /// The time limit of the whole exchange in seconds, answer included (fractions count).
    public var timeout: Double

    /// Creates a request.
    public init(method: String, url: URL, headers: HTTPFields = [:], body: [UInt8]? = nil, timeout: Double = 30) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The URL's path without the query, for messages and logs (the query carries the xrfkey, which is noise there).
    public var pathForDisplay: String {
        let path = url.path
        return path.isEmpty ? "/" : path
    }

}

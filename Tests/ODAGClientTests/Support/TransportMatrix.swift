import Foundation
import ODAGClient
import Testing

/// Every transport that remains, for the suites that run over each of them.
enum TransportKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case libcurl

    var testDescription: String { rawValue }

    /// A new transport of this kind with `tls`.
    func make(tls: LibcurlTransport.TLSOptions = .init(), maximumBodyBytes: Int = 1 << 30) throws -> any HTTPTransport {
        switch self {
        case .libcurl: try LibcurlTransport(tls: tls, maximumBodyBytes: maximumBodyBytes)
        }
    }
}

/// A request with a bearer token and `Accept: application/json`, as the client sends them.
func testRequest(_ url: URL, method: String = "GET", body: String? = nil, timeout: Double = 20) -> HTTPRequest {
    HTTPRequest(
        method: method, url: url, headers: ["Authorization": "Bearer \(Make.token)", "Accept": "application/json"],
        body: body.map { Array($0.utf8) }, timeout: timeout)
}

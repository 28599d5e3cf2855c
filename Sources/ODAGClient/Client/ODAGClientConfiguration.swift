import Foundation
import ODAGCore

/// Where and how the client talks to the ODAG service.
public struct ODAGClientConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The API base URL, ending in `/api/odag/v1` (behind a virtual proxy: `https://host/proxy/api/odag/v1`).
    public var baseURL: URL
    /// Headers sent with every request, such as `X-Qlik-User: UserDirectory=CORP; UserId=svc`.
    public var headers: HTTPFields
    /// A token sent as `Authorization: Bearer …`, or `nil`. Never printed.
    public var bearerToken: String?
    /// The time limit of each attempt, in seconds.
    public var timeout: Double
    /// When failed requests are retried.
    public var retryPolicy: RetryPolicy
    /// The `User-Agent` header, or `nil` to leave the transport's.
    public var userAgent: String?
    /// The shapes the server speaks: how ``ODAGClient/listLinks()`` reads the links (the writes of each
    /// flavour are separate calls).
    public var api: APIFlavour

    /// Creates a configuration.
    public init(
        baseURL: URL, headers: HTTPFields = [:], bearerToken: String? = nil, timeout: Double = 30,
        retryPolicy: RetryPolicy = .default, userAgent: String? = "odag-sync", api: APIFlavour = .document
    ) {
        self.api = api
        self.baseURL = baseURL
        self.headers = headers
        self.bearerToken = bearerToken
        self.timeout = timeout
        self.retryPolicy = retryPolicy
        self.userAgent = userAgent
    }

    /// The header values that must never be shown: the token and any credential-like header.
    public var secrets: [String] {
        var values: [String] = []
        if let bearerToken, !bearerToken.isEmpty { values.append(bearerToken) }
        for field in headers where Self.isSecretHeader(field.name) && !field.value.isEmpty {
            values.append(field.value)
        }
        return values
    }

    /// Whether a header of this name carries a credential (`Authorization`, `Cookie`, `Proxy-Authorization`, or a
    /// name containing `token`, `secret`, `session` or `key` other than the xrfkey).
    public static func isSecretHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower == "x-qlik-xrfkey" { return false }
        if ["authorization", "proxy-authorization", "cookie"].contains(lower) { return true }
        return ["token", "secret", "session", "key", "password"].contains { lower.contains($0) }
    }

    /// The configuration with secrets replaced by `<redacted>`.
    public var description: String {
        let shown = headers.map { field in
            "\(field.name): \(Self.isSecretHeader(field.name) ? "<redacted>" : field.value)"
        }
        return "ODAGClientConfiguration(baseURL: \(baseURL.absoluteString), headers: \(shown), bearerToken: "
            + "\(bearerToken == nil ? "none" : "<redacted>"), timeout: \(timeout), retryPolicy: \(retryPolicy), "
            + "api: \(api.rawValue))"
    }

    /// Same as ``description``: secrets redacted.
    public var debugDescription: String { description }
}

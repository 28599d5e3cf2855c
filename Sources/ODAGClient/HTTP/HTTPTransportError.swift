/// A request that got no HTTP response, and whether it may have reached the server.
///
/// ``delivery`` is what matters to a caller that must not create a thing twice: `.notSent` means the server certainly
/// never saw the request (refused connection, unknown host, failed TLS handshake), so sending it again is safe;
/// `.mayHaveBeenSent` means it may have been received and acted on (timeout, connection lost mid-exchange).
public struct HTTPTransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// The host name could not be resolved.
        case cannotResolveHost
        /// Nothing accepted the connection (refused, unreachable, connect timeout).
        case cannotConnect
        /// The TLS handshake failed (untrusted or mismatched server certificate, rejected client certificate).
        case tlsFailure
        /// No complete answer came within the time limit.
        case timedOut
        /// The connection closed or broke before a complete answer came.
        case connectionLost
        /// The transport cannot work at all (for example the `curl` program is missing).
        case transportUnavailable
        /// The request could not be expressed (bad URL, unreadable certificate file).
        case invalidRequest
        /// Anything else; treated as possibly sent.
        case other
    }

    /// Whether the server may have received the request.
    public enum Delivery: String, Sendable, Equatable {
        /// The request certainly did not reach the server: sending it again cannot duplicate anything.
        case notSent
        /// The request may have reached the server and may have been acted on.
        case mayHaveBeenSent
    }

    /// What went wrong.
    public var kind: Kind
    /// Whether the server may have received the request.
    public var delivery: Delivery
    /// A lowercase explanation without secrets, such as `connection refused by 127.0.0.1:8080`.
    public var detail: String
    /// Advice on how to fix it (for TLS failures, which option to use), or `nil`.
    public var hint: String?

    /// Creates an error; `delivery` defaults to what `kind` implies.
    public init(_ kind: Kind, delivery: Delivery? = nil, detail: String, hint: String? = nil) {
        self.kind = kind
        self.delivery = delivery ?? kind.defaultDelivery
        self.detail = detail
        self.hint = hint
    }

    /// `detail`, then the hint, then whether the request may have been received.
    public var description: String {
        var text = detail
        if let hint { text += "; \(hint)" }
        switch delivery {
        case .notSent: text += " (the request was not sent)"
        case .mayHaveBeenSent: text += " (the request may have reached the server)"
        }
        return text
    }

    /// The hint for TLS failures that point at the server's certificate.
    public static let serverCertificateHint =
        "check --ca-cert FILE (the CA that signed the server's certificate), or use --insecure to skip verification"
        + " (not recommended)"
    /// The hint for TLS failures that point at our client certificate.
    public static let clientCertificateHint =
        "check --client-cert FILE and --client-key FILE (a certificate the server trusts, and its key)"
}

extension HTTPTransportError.Kind {
    /// Where a failure of this kind leaves the request when nothing more is known.
    public var defaultDelivery: HTTPTransportError.Delivery {
        switch self {
        case .cannotResolveHost, .cannotConnect, .tlsFailure, .transportUnavailable, .invalidRequest: .notSent
        case .timedOut, .connectionLost, .other: .mayHaveBeenSent
        }
    }
}

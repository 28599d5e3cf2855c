/// A request that got no HTTP response, and whether it may have reached the server.
///
/// ``delivery`` is what matters to a caller that must not create a thing twice: `.notSent` means the server certainly
/// never saw the request (refused connection, unknown host, failed TLS handshake), so sending it again is safe;
/// `.mayHaveBeenSent` means it may have been received and acted on (timeout, connection lost mid-exchange).
///
/// Messages describe what happened in the client's terms and name no command-line option: a caller maps ``kind``
/// to its own advice.
public struct HTTPTransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, precisely enough for a caller to choose advice without reading ``detail``.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The host name could not be resolved.
        case cannotResolveHost
        /// Nothing accepted the connection (refused, unreachable, connect timeout).
        case cannotConnect
        /// The server's certificate is not trusted (unknown CA, expired, or not for this host name).
        case untrustedServerCertificate
        /// The server refused our client certificate, or asked for one and got none.
        case clientCertificateRejected
        /// A certificate or key file we were given cannot be used (unreadable, not PEM, key does not match).
        case certificateFileUnusable
        /// An `https://` URL reached a server that answers in plain http.
        case serverNotTLS
        /// Any other TLS failure (no common protocol or cipher, handshake broken off).
        case tlsFailure
        /// No complete answer came within the time limit.
        case timedOut
        /// The connection closed or broke before a complete answer came.
        case connectionLost
        /// The answer is not valid HTTP (for example an `http://` URL that reached a TLS server).
        case invalidAnswer
        /// The answer is larger than the transport accepts.
        case answerTooLarge
        /// The transport cannot work at all (for example libcurl is missing).
        case transportUnavailable
        /// The request could not be expressed (bad URL, header that cannot be sent).
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

    /// Creates an error; `delivery` defaults to what `kind` implies.
    public init(_ kind: Kind, delivery: Delivery? = nil, detail: String) {
        self.kind = kind
        self.delivery = delivery ?? kind.defaultDelivery
        self.detail = detail
    }

    /// `detail`, then whether the request may have been received.
    public var description: String {
        switch delivery {
        case .notSent: detail + " (the request was not sent)"
        case .mayHaveBeenSent: detail + " (the request may have reached the server)"
        }
    }

    /// Whether sending the same request again can get a different outcome: `false` for failures that would only
    /// repeat (a missing transport, a request that cannot be sent, an answer too large or not HTTP, a certificate
    /// problem).
    public var isWorthRetrying: Bool {
        switch kind {
        case .cannotResolveHost, .cannotConnect, .tlsFailure, .timedOut, .connectionLost, .other: true
        case .untrustedServerCertificate, .clientCertificateRejected, .certificateFileUnusable, .serverNotTLS,
            .invalidAnswer, .answerTooLarge, .transportUnavailable, .invalidRequest:
            false
        }
    }
}

extension HTTPTransportError.Kind {
    /// Where a failure of this kind leaves the request when nothing more is known.
    public var defaultDelivery: HTTPTransportError.Delivery {
        switch self {
        case .cannotResolveHost, .cannotConnect, .untrustedServerCertificate, .clientCertificateRejected,
            .certificateFileUnusable, .serverNotTLS, .tlsFailure, .transportUnavailable, .invalidRequest:
            .notSent
        case .timedOut, .connectionLost, .invalidAnswer, .answerTooLarge, .other: .mayHaveBeenSent
        }
    }
}

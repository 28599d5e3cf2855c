import ODAGClient

/// The command line's advice for a failed API call, chosen from the error's case and kind (never from its text),
/// in terms of this tool's options. The client library's messages say what happened; this says what to do.
enum ClientErrorHints {
    /// What to try for `error`, or `nil` when nothing specific helps.
    static func hint(for error: ODAGClientError, timeout: Double? = nil, clientCertificate: Bool = true)
        -> String?
    {
        switch error {
        case .authenticationFailed:
            return "check the token (--token-file or ODAG_TOKEN), the header a header-authenticated virtual proxy"
                + " needs (--header 'X-Qlik-User: UserDirectory=…; UserId=…'), the virtual proxy prefix in the"
                + " server URL, or the client certificate (--client-cert and --client-key)"
        case .htmlPage, .redirected:
            return "point --server at a virtual proxy that accepts API calls (header, JWT or certificate"
                + " authentication), ending in /api/odag/v1, and check --token-file, --header or --client-cert"
        case .staleModifiedDate:
            return "someone changed the link on the server after it was read: make a new plan and review it (applying"
                + " the manifests re-reads the link and keeps the other change)"
        case .notFound(_, _, nil, _):
            return "the server URL must end in /api/odag/v1 (https://HOST/PREFIX/api/odag/v1)"
        case .transport(_, _, let failure):
            if failure.kind == .connectionLost && !clientCertificate {
                // Over TLS 1.3 a server that wants a client certificate may just drop the connection.
                return "if the server requires a client certificate, give --client-cert FILE and --client-key FILE"
            }
            return hint(for: failure.kind, timeout: timeout)
        case .outcomeUnknown(_, let underlying):
            return hint(for: underlying, timeout: timeout, clientCertificate: clientCertificate)
        default:
            return nil
        }
    }

    /// What to try for a transport failure of `kind`.
    static func hint(for kind: HTTPTransportError.Kind, timeout: Double?) -> String? {
        switch kind {
        case .untrustedServerCertificate:
            return "trust the CA that signed the server's certificate with --ca-cert FILE (or add it to the system"
                + " trust store); --insecure only as a last resort"
        case .clientCertificateRejected:
            return "present a client certificate the server trusts with --client-cert FILE and --client-key FILE"
        case .certificateFileUnusable:
            return "check the files given to --ca-cert, --client-cert and --client-key: PEM, readable, and the key"
                + " must belong to the certificate"
        case .serverNotTLS:
            return "that port speaks plain http: use http:// in the server URL, or the port of the server's https"
                + " listener"
        case .invalidAnswer:
            return "check the server URL: an http:// URL that reaches an https port gets an answer that is not HTTP"
        case .cannotResolveHost:
            return "check the host name in the server URL (and https_proxy/http_proxy/no_proxy if a proxy is set)"
        case .cannotConnect:
            return "check the host and port in the server URL, that the server is running, and any proxy variables"
        case .timedOut:
            let limit = timeout.map { " (\(Int($0.rounded(.up))) s)" } ?? ""
            return "the server took longer than --timeout\(limit); raise --timeout or check the server's health"
        case .transportUnavailable:
            return "install libcurl 4 (Debian and Ubuntu: apt-get install libcurl4)"
        case .tlsFailure, .connectionLost, .answerTooLarge, .invalidRequest, .other:
            return nil
        }
    }
}

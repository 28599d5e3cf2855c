import Foundation

/// Chooses how requests reach a server: the one place that knows which transports exist.
public enum TransportFactory {
    /// A transport and a one-line description of it for `--verbose`.
    public struct Choice: Sendable {
        /// The transport to give the client.
        public let transport: any HTTPTransport
        /// What was chosen, such as `libcurl/7.88.1 OpenSSL/3.0.19 … (HTTP/1.1, https)`.
        public let summary: String
    }

    /// The transport for `url`: libcurl, in the process, for http and https alike.
    ///
    /// - Parameters:
    ///   - url: the server's base URL (only its scheme is read, for the summary).
    ///   - tls: what to trust and present over TLS.
    ///   - parallelism: how many requests may be in flight at once; that many connections are kept alive.
    /// - Throws: ``HTTPTransportError`` of kind `.transportUnavailable` when libcurl cannot be loaded.
    public static func make(for url: URL, tls: LibcurlTransport.TLSOptions = .init(), parallelism: Int = 8)
        throws(HTTPTransportError) -> Choice
    {
        let transport = try LibcurlTransport(tls: tls, maximumIdleHandles: max(8, parallelism))
        let scheme = url.scheme?.lowercased() ?? "?"
        return Choice(transport: transport, summary: "\(transport.libcurlVersion) (HTTP/1.1, \(scheme))")
    }

    /// A URL's host in lower case, without the brackets of an IPv6 address, for comparing with host lists.
    public static func comparableHost(of url: URL) -> String {
        (url.host ?? "").lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    }
}

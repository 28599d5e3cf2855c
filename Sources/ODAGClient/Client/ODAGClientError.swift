/// A failed ODAG API call, described for a person: a lowercase sentence naming the method, the URL path and the
/// status. No message ever contains the token or an authentication header, and none names a command-line option:
/// a caller chooses its advice from the case (and a transport failure's ``HTTPTransportError/kind``).
public enum ODAGClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `401` or `403`: the server did not accept who we are. `message` is the server's own explanation, if any.
    case authenticationFailed(method: String, path: String, status: Int, message: String?)
    /// The server answered with an HTML page instead of JSON (typically a virtual proxy's login page).
    case htmlPage(method: String, path: String, status: Int)
    /// The server answered with a redirect (typically to a virtual proxy's login page); redirects are not followed.
    case redirected(method: String, path: String, status: Int, location: String?)
    /// `404`. `object` names what was missing (`link 4e2c…`), or is `nil` when the path itself was not found.
    case notFound(method: String, path: String, object: String?, message: String?)
    /// Qlik's modify was refused because the `modifiedDate` it carried is no longer the link's: someone changed
    /// the link meanwhile (`409`, or a `400` whose message names `modifiedDate`). Nothing was changed.
    case staleModifiedDate(method: String, path: String, status: Int, message: String?)
    /// Any other unsuccessful status, with the server's `message` (or a problem document's `detail`/`title`).
    case server(method: String, path: String, status: Int, message: String?)
    /// A successful answer whose body could not be read; `detail` names the JSON path and value.
    case decoding(method: String, path: String, status: Int, detail: String)
    /// No answer: the transport failed (``HTTPTransportError/delivery`` says whether the request was sent).
    case transport(method: String, path: String, HTTPTransportError)
    /// A create (or another call that must not run twice) may or may not have been carried out: the request may
    /// have reached the server and no answer says what happened. It is not re-sent; re-read the live state first.
    /// `operation` is the method and path.
    indirect case outcomeUnknown(operation: String, underlying: ODAGClientError)
    /// The client was configured with something unusable, such as a base URL that is not `http(s)://host/…`.
    case invalidConfiguration(String)
    /// A call was given an unusable argument, such as an empty id; nothing was sent.
    case invalidArgument(String)

    /// The status the server answered with, if there was an answer.
    public var status: Int? {
        switch self {
        case .authenticationFailed(_, _, let status, _), .htmlPage(_, _, let status), .redirected(_, _, let status, _),
            .server(_, _, let status, _), .decoding(_, _, let status, _), .staleModifiedDate(_, _, let status, _):
            status
        case .notFound: 404
        case .outcomeUnknown(_, let underlying): underlying.status
        case .transport, .invalidConfiguration, .invalidArgument: nil
        }
    }

    /// Whether the request may have been carried out by the server although it failed here (an unknown outcome,
    /// or a transport failure after the request may have been sent).
    public var mayHaveBeenApplied: Bool {
        switch self {
        case .outcomeUnknown: true
        case .transport(_, _, let error): error.delivery == .mayHaveBeenSent
        default: false
        }
    }

    /// `METHOD /path: what happened; what to check`.
    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return "invalid client configuration: \(message)"
        case .invalidArgument(let message):
            return "invalid argument: \(message)"
        case .outcomeUnknown(let operation, let underlying):
            return "\(operation): the outcome is unknown, the server may have carried it out (\(underlying.reason));"
                + " it was not sent again: re-read the live state before retrying"
        case .authenticationFailed(let method, let path, _, _), .htmlPage(let method, let path, _),
            .redirected(let method, let path, _, _), .notFound(let method, let path, _, _),
            .server(let method, let path, _, _), .decoding(let method, let path, _, _),
            .transport(let method, let path, _), .staleModifiedDate(let method, let path, _, _):
            return "\(method) \(path): \(reason)"
        }
    }

    /// The description without the leading method and path.
    var reason: String {
        switch self {
        case .authenticationFailed(_, _, let status, let message):
            return "authentication failed (\(status))\(Self.quote(message))"
        case .htmlPage(_, _, let status):
            return "the server answered with an HTML page (likely a virtual proxy's login page) instead of JSON"
                + " (status \(status))"
        case .redirected(_, _, let status, let location):
            let target = location.map { " to \"\($0)\"" } ?? ""
            return "the server redirected\(target) (status \(status)), likely to a virtual proxy's login page"
        case .notFound(_, _, let object, let message):
            if let object { return "\(object) not found (404)" }
            return "not found (404)\(Self.quote(message)); check that the server URL ends in /api/odag/v1"
        case .staleModifiedDate(_, _, let status, let message):
            return "the link changed on the server since it was read: its modifiedDate is no longer the one sent"
                + " (\(status))\(Self.quote(message)); nothing was changed"
        case .server(_, _, let status, let message):
            if message == nil { return "the server answered \(status) without a message" }
            return "the server answered \(status)\(Self.quote(message))"
        case .decoding(_, _, let status, let detail):
            return "the server's answer (status \(status)) could not be read: \(detail)"
        case .transport(_, _, let error):
            return error.description
        case .outcomeUnknown(_, let underlying):
            return underlying.reason
        case .invalidConfiguration(let message), .invalidArgument(let message):
            return message
        }
    }

    private static func quote(_ message: String?) -> String {
        guard let message, !message.isEmpty else { return "" }
        return ": \"\(message)\""
    }
}

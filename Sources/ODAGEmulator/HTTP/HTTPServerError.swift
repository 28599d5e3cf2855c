#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an ``HTTPServer`` could not start.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host is not an IPv4 or IPv6 address (or `localhost`).
    case invalidHost(String)
    /// The port is outside 0...65535.
    case invalidPort(Int)
    /// `bind` failed, for example because the port is in use.
    case bindFailed(host: String, port: Int, errno: Int32)
    /// Another system call failed.
    case systemCall(String, Int32)

    /// A lowercase message naming the problem.
    public var description: String {
        switch self {
        case .invalidHost(let host):
            return "cannot listen on \"\(host)\": not an ip address"
        case .invalidPort(let port):
            return "cannot listen on port \(port): ports are 0 to 65535"
        case .bindFailed(let host, let port, let code):
            return "cannot listen on \(host):\(port): \(HTTPServerError.message(code))"
        case .systemCall(let name, let code):
            return "\(name) failed: \(HTTPServerError.message(code))"
        }
    }

    static func message(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback port that refuses every connection for as long as the value lives: a socket is bound to it
/// and never listens, so no other server of the test run (all bind port 0) can be given the port meanwhile.
///
/// A test that stops its server to see how a command fails holds one, or the port may be handed to another
/// test's server between the stop and the command, which would then talk to that server.
public final class ClosedPort: Sendable {
    /// The port.
    public let port: UInt16
    private let descriptor: Int32

    /// Binds `port` on 127.0.0.1 without listening; `nil` when another socket holds the port.
    public init?(port: UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        // The stopped server's closed connections may linger in TIME_WAIT on this port.
        var on: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        let bound = Loopback.withAddress(port: port) { bind(descriptor, $0, $1) }
        guard bound == 0 else {
            close(descriptor)
            return nil
        }
        self.port = port
        self.descriptor = descriptor
    }

    /// Holds the port of `url` (`http://127.0.0.1:PORT/…`); `nil` when the URL has no port or it is taken.
    public convenience init?(url: String) {
        guard let port = URL(string: url)?.port, let value = UInt16(exactly: port) else { return nil }
        self.init(port: value)
    }

    deinit { close(descriptor) }
}

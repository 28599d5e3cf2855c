import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The loopback address 127.0.0.1 as the socket calls take it, and a plain TCP connection to it.
public enum Loopback {
    /// A connection that could not be made; `code` is the `errno`.
    public struct ConnectError: Error, Equatable {
        /// The `errno` of `socket` or `connect`.
        public let code: Int32
    }

    /// Calls `body` with 127.0.0.1:`port` as a `sockaddr` (for `bind` or `connect`).
    public static func withAddress<T>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// A blocking TCP connection to 127.0.0.1:`port`: its descriptor, which the caller closes.
    public static func connect(port: UInt16) throws(ConnectError) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ConnectError(code: errno) }
        let connected = withAddress(port: port) { Glibc.connect(descriptor, $0, $1) }
        guard connected == 0 else {
            let code = errno
            close(descriptor)
            throw ConnectError(code: code)
        }
        return descriptor
    }
}

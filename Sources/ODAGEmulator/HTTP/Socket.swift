import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin wrappers over the POSIX socket calls the server needs, with Glibc's spellings in one place.
enum Socket {
    /// Creates a listening TCP socket bound to `host:port` (port 0 picks a free port).
    static func listen(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> (fd: Int32, port: Int) {
        let address = host == "localhost" ? "127.0.0.1" : host
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        let family: Int32
        if inet_pton(AF_INET, address, &ipv4) == 1 {
            family = AF_INET
        } else if inet_pton(AF_INET6, address, &ipv6) == 1 {
            family = AF_INET6
        } else {
            throw .invalidHost(host)
        }
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        #if canImport(Glibc)
            let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .systemCall("socket", errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        if family == AF_INET {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = UInt16(port).bigEndian
            socketAddress.sin_addr = ipv4
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } else {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = UInt16(port).bigEndian
            socketAddress.sin6_addr = ipv6
            bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw .bindFailed(host: host, port: port, errno: code)
        }
        #if canImport(Glibc)
            let listened = Glibc.listen(fd, backlog)
        #else
            let listened = Darwin.listen(fd, backlog)
        #endif
        guard listened == 0 else {
            let code = errno
            close(fd)
            throw .systemCall("listen", code)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(fd)
            throw .systemCall("getsockname", code)
        }
        let actualPort: Int
        if family == AF_INET {
            actualPort = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        } else {
            actualPort = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        }
        return (fd, actualPort)
    }

    /// Accepts one connection; `nil` with `errno` set on failure.
    static func accept(_ listener: Int32) -> Int32? {
        #if canImport(Glibc)
            let fd = Glibc.accept(listener, nil, nil)
        #else
            let fd = Darwin.accept(listener, nil, nil)
        #endif
        guard fd >= 0 else { return nil }
        // accept4 is not visible from Swift's Glibc module; a child process started between accept
        // and this call could inherit the descriptor, which is harmless here.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// Sets `TCP_NODELAY` and the receive/send timeouts of an accepted connection.
    static func configureConnection(_ fd: Int32, receiveTimeout: Double, sendTimeout: Double) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setTimeout(fd, option: SO_RCVTIMEO, seconds: receiveTimeout)
        setTimeout(fd, option: SO_SNDTIMEO, seconds: sendTimeout)
    }

    static func setTimeout(_ fd: Int32, option: Int32, seconds: Double) {
        // Zero, negative, NaN: no timeout. Huge or infinite: about eleven days, which fits a timeval.
        guard seconds > 0 else { return }
        let seconds = min(seconds, 1_000_000)
        let whole = seconds.rounded(.down)
        var value = timeval(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads into `scratch` and appends what arrived to `buffer`; returns the count, 0 at end of stream, -1 on error or timeout.
    static func receive(_ fd: Int32, into buffer: inout [UInt8], scratch: inout [UInt8]) -> Int {
        while true {
            let received = scratch.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return recv(fd, base, raw.count, 0)
            }
            if received < 0 && errno == EINTR { continue }
            if received > 0 { buffer.append(contentsOf: scratch[0..<received]) }
            return received
        }
    }

    /// Writes all of `bytes`, never raising SIGPIPE; `false` when the peer is gone, a send timed out,
    /// or, with `within`, that many seconds have passed before a send call starts.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8], within seconds: Double? = nil) -> Bool {
        let deadline = seconds.map { DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, $0) * 1e9) }
        var offset = 0
        while offset < bytes.count {
            if let deadline, offset > 0, DispatchTime.now().uptimeNanoseconds >= deadline { return false }
            let sent = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return send(fd, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    /// Closes after an error answer without resetting the connection: stop writing, read and discard
    /// what the client is still sending (bounded), then close, so the client sees the answer.
    static func lingeringClose(_ fd: Int32) {
        _ = shutdown(fd, Int32(SHUT_WR))
        // Bounded in time as well as bytes: a client trickling bytes must not keep the thread.
        let deadline = DispatchTime.now().uptimeNanoseconds &+ 2_000_000_000
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        var discarded = 0
        while discarded < 8 << 20 {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { break }
            setTimeout(fd, option: SO_RCVTIMEO, seconds: min(0.5, Double(deadline - now) / 1e9))
            let count = scratch.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return recv(fd, base, raw.count, 0)
            }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            discarded += count
        }
    }

    /// Wakes any thread blocked on the socket (`accept`, `recv`, `send`) without releasing the descriptor.
    static func shutdownBoth(_ fd: Int32) {
        _ = shutdown(fd, Int32(SHUT_RDWR))
    }

    static func closeDescriptor(_ fd: Int32) {
        _ = close(fd)
    }
}

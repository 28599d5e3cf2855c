import ODAGCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a socket call failed.
enum SocketFailure: Error, Equatable {
    /// The host name did not resolve (`getaddrinfo`'s message).
    case cannotResolve(String)
    /// No address accepted a connection (`errno` of the last attempt, or `nil` when the deadline passed).
    case cannotConnect(errno: Int32?)
    /// The deadline passed.
    case timedOut
    /// The connection broke (`errno`).
    case broken(errno: Int32)
    /// The exchange was cancelled by its caller.
    case cancelled
}

/// The calling task's claim on a connection: lets cancellation wake a thread blocked in `poll` by shutting the
/// socket down, without ever touching a descriptor that was already closed (and maybe reused).
final class ExchangeCancellation: Sendable {
    private struct State {
        var cancelled = false
        var descriptor: Int32?
    }

    private let state = Mutex(State())

    /// Records the descriptor in use; `false` when the exchange was already cancelled.
    func attach(_ descriptor: Int32) -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            state.descriptor = descriptor
            return true
        }
    }

    /// Forgets the descriptor; call before closing it or returning it to the pool.
    func detach() {
        state.withLock { $0.descriptor = nil }
    }

    /// Marks the exchange cancelled and shuts its socket down, which wakes the thread waiting on it.
    func cancel() {
        state.withLock { state in
            state.cancelled = true
            if let descriptor = state.descriptor { _ = shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool {
        state.withLock { $0.cancelled }
    }
}

/// One TCP connection to an HTTP server: a non-blocking socket whose every wait is bounded by a deadline.
///
/// Not thread-safe: one exchange uses it at a time, then it is closed or handed to the pool, whose lock passes it
/// on to the next exchange (hence `@unchecked Sendable`).
final class ClientConnection: @unchecked Sendable {
    /// The socket.
    let descriptor: Int32
    /// `host:port`, the pool's key.
    let endpoint: String
    /// When the last exchange on it ended.
    var idleSince: ContinuousClock.Instant = .now
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private var isClosed = false

    private init(descriptor: Int32, endpoint: String) {
        self.descriptor = descriptor
        self.endpoint = endpoint
    }

    deinit {
        close()
    }

    /// Resolves `host` and connects to the first of its addresses that accepts, by `deadline`.
    ///
    /// `cancellation` gets each socket as soon as it exists, so a caller can interrupt a slow connect.
    static func open(
        host: String, port: Int, endpoint: String, deadline: ContinuousClock.Instant, cancellation: ExchangeCancellation
    ) throws(SocketFailure) -> ClientConnection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            let message = resolved == 0 ? "no address" : String(cString: gai_strerror(resolved))
            throw .cannotResolve(message.lowercased())
        }
        defer { freeaddrinfo(first) }
        var lastError: Int32?
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            guard let address = entry.pointee.ai_addr else { continue }
            #if canImport(Glibc)
                let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
            #else
                let type = SOCK_STREAM
            #endif
            let descriptor = socket(entry.pointee.ai_family, type, entry.pointee.ai_protocol)
            guard descriptor >= 0 else {
                lastError = errno
                continue
            }
            let connection = ClientConnection(descriptor: descriptor, endpoint: endpoint)
            guard cancellation.attach(descriptor) else { throw .cancelled }
            defer { cancellation.detach() }
            #if canImport(Darwin)
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            #endif
            if connect(descriptor, address, entry.pointee.ai_addrlen) == 0 {
                connection.configure()
                return connection
            }
            guard errno == EINPROGRESS || errno == EINTR else {
                lastError = errno
                continue
            }
            do {
                try connection.wait(for: Int16(POLLOUT), until: deadline)
            } catch .timedOut {
                throw .cannotConnect(errno: nil)
            }
            if cancellation.isCancelled { throw .cancelled }
            var status: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &status, &length) == 0, status == 0 else {
                lastError = status == 0 ? errno : status
                continue
            }
            connection.configure()
            return connection
        }
        throw .cannotConnect(errno: lastError)
    }

    private func configure() {
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Writes all of `bytes`, counting in `written` how many the kernel took (also when it then throws).
    func write(_ bytes: [UInt8], written: inout Int, until deadline: ContinuousClock.Instant) throws(SocketFailure) {
        while written < bytes.count {
            let offset = written
            let sent = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(descriptor, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                written += sent
                continue
            }
            let code = errno
            if sent < 0 && code == EINTR { continue }
            if sent < 0 && (code == EAGAIN || code == EWOULDBLOCK) {
                try wait(for: Int16(POLLOUT), until: deadline)
                continue
            }
            throw .broken(errno: sent == 0 ? EPIPE : code)
        }
    }

    /// Receives at most `limit` bytes and appends them to `buffer`; returns how many came, `0` at end of stream.
    func receive(into buffer: inout [UInt8], limit: Int, until deadline: ContinuousClock.Instant)
        throws(SocketFailure) -> Int
    {
        let capacity = min(max(1, limit), scratch.count)
        while true {
            let received = scratch.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return recv(descriptor, base, capacity, 0)
            }
            if received > 0 {
                buffer.append(contentsOf: scratch[0..<received])
                return received
            }
            if received == 0 { return 0 }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), until: deadline)
                continue
            }
            throw .broken(errno: code)
        }
    }

    /// Whether a parked connection still looks usable: nothing to read (no close, no stray bytes) and no error.
    var looksReusable: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&entry, 1, 0)
            if ready < 0 && errno == EINTR { continue }
            return ready == 0
        }
    }

    /// Waits until the socket is ready for `events` (or has an error or hang-up, which the next call reveals).
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) throws(SocketFailure) {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { throw .timedOut }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = min(Int64(Int32.max), max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1))
            entry.revents = 0
            let ready = poll(&entry, 1, Int32(milliseconds))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .broken(errno: errno) }
        }
    }

    /// Closes the socket (once).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        #if canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Darwin.close(descriptor)
        #endif
    }
}

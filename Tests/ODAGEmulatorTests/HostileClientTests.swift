import Foundation
import ODAGCore
import ODAGEmulator
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Slow and hostile clients over real loopback HTTP: the work per byte, the bytes buffered, the
/// connections (one thread each) and the time a request head may take are all bounded. The bounds
/// are on work and resources, never on elapsed time.
@Suite struct HostileClientTests {
    /// A chunked request whose body is `chunks` one-byte chunks, each with a long extension: the
    /// shape that made parsing quadratic (every read re-parsed the whole body from its start).
    static func chunkedRequest(chunks: Int, extensionLength: Int = 1000) -> [UInt8] {
        var bytes = Array("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let chunk = Array(("1;" + String(repeating: "e", count: extensionLength) + "\r\nx\r\n").utf8)
        bytes.reserveCapacity(bytes.count + chunks * chunk.count + 5)
        for _ in 0..<chunks { bytes += chunk }
        bytes += Array("0\r\n\r\n".utf8)
        return bytes
    }

    static func makeServer(
        limits: HTTPRequestParser.Limits = .init(), requestTimeout: Double = 600, maxConnections: Int = 512,
        handler: @escaping HTTPServer.Handler = { request in .text(200, "\(request.body.count)") }
    ) throws -> HTTPServer {
        try HTTPServer(
            port: 0, limits: limits, idleTimeout: 600, requestTimeout: requestTimeout, maxConnections: maxConnections,
            handler: handler)
    }

    // MARK: - Linear parsing, capped buffering

    @Test(arguments: [1, 7, 1024])
    func parsingWorkIsLinearHoweverTheBytesArrive(pieceSize: Int) {
        let bytes = Self.chunkedRequest(chunks: pieceSize == 1 ? 100 : 1500)
        let parser = HTTPRequestParser()
        var cursor = HTTPRequestParser.Cursor()
        var length = 0
        var result = HTTPRequestParser.Result.incomplete(
            .init(headersComplete: false, expectsContinue: false, minimumBytes: 1))
        while length < bytes.count {
            length = min(bytes.count, length + pieceSize)
            result = parser.parse(bytes[..<length], resuming: &cursor)
            if case .incomplete = result { continue }
            break
        }
        guard case .complete(let request, let consumed) = result else {
            Issue.record("expected a complete request, got \(result)")
            return
        }
        #expect(consumed == bytes.count)
        #expect(request.body.count == (pieceSize == 1 ? 100 : 1500))
        // Re-parsing from the start on every read visited about n²/(2·piece) bytes: 1.1e9 here in 1 KiB reads.
        #expect(cursor.work <= 3 * bytes.count, "work \(cursor.work) for \(bytes.count) bytes")
    }

    @Test func aChunkedBodyIsParsedInLinearWorkOverHTTP() throws {
        let server = try Self.makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port, timeout: 120)
        let bytes = Self.chunkedRequest(chunks: 1500)
        // Sent in small pieces, so the server reads the body in many parts.
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 1500)
            try client.send(Array(bytes[offset..<end]))
            offset = end
        }
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "1500")
        #expect(server.parserWork <= 3 * bytes.count, "work \(server.parserWork) for \(bytes.count) bytes")
    }

    @Test func chunkFramingCountsTowardsTheRawBodyLimit() throws {
        // 64 KiB of decoded body at most; the body as sent may be 2 × 64 KiB + 64 KiB = 192 KiB.
        let limits = HTTPRequestParser.Limits(maxBodyBytes: 64 * 1024)
        #expect(limits.maxChunkedBodyBytes == 192 * 1024)
        let server = try Self.makeServer(limits: limits)
        defer { server.stop() }

        let fits = try RawHTTPClient(port: server.port, timeout: 120)
        try fits.send(Self.chunkedRequest(chunks: 150))  // about 150 KiB as sent, 150 bytes decoded
        #expect(try fits.readResponse().text == "150")

        // About 300 KiB of framing for 300 decoded bytes: far under the body limit, over the raw one.
        let framing = try RawHTTPClient(port: server.port, timeout: 120)
        try framing.send(Self.chunkedRequest(chunks: 300))
        let refused = try framing.readResponse()
        #expect(refused.status == 413)
        #expect(refused.message == "request body too large")
        #expect(framing.isClosedByServer())
    }

    @Test func theRawBodyLimitHoldsForAnyPrefixOfTheStream() {
        let limits = HTTPRequestParser.Limits(maxBodyBytes: 1024, maxChunkedBodyBytes: 4096)
        let parser = HTTPRequestParser(limits: limits)
        let bytes = Self.chunkedRequest(chunks: 100, extensionLength: 100)
        var cursor = HTTPRequestParser.Cursor()
        var length = 0
        while length < bytes.count {
            length = min(bytes.count, length + 97)
            switch parser.parse(bytes[..<length], resuming: &cursor) {
            case .incomplete:
                // Never more than the head, the raw limit and one read's worth buffered.
                #expect(length <= 100 + 4096 + 97)
                continue
            case .failure(let error):
                #expect(error.status == 413)
            case .complete:
                Issue.record("a body over the raw limit was accepted")
            }
            break
        }
    }

    // MARK: - Connections

    @Test func aNormalClientIsServedWhileManySlowClientsAreConnected() throws {
        let server = try Self.makeServer(maxConnections: 8)
        defer { server.stop() }
        // Each sends part of a head and then nothing, holding its connection open.
        var slow: [RawHTTPClient] = []
        for index in 0..<40 {
            let client = try RawHTTPClient(port: server.port, timeout: 120)
            try client.send("GET /slow-\(index) HTTP/1.1\r\nX-Slow: ")
            slow.append(client)
            #expect(server.openConnectionCount <= 8)
        }
        let normal = try RawHTTPClient(port: server.port, timeout: 120)
        try normal.send("GET /normal HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try normal.readResponse().status == 200)
        #expect(server.openConnectionCount <= 8)
        // Connections are accepted in arrival order, so all 41 were taken in before the normal one was answered.
        #expect(server.evictedConnectionCount >= 41 - 8)
        #expect(server.refusedConnectionCount == 0)
        // The oldest slow client was closed to make room.
        #expect(slow[0].isClosedByServer())
    }

    @Test func whenEveryConnectionIsBusyANewOneGets503() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let server = try Self.makeServer(maxConnections: 2) { request in
            if request.path == "/block" {
                entered.signal()
                // A hang guard only: the test releases both handlers once it has its answer.
                _ = release.wait(timeout: .now() + 300)
            }
            return .text(200, "done")
        }
        defer { server.stop() }
        let first = try RawHTTPClient(port: server.port, timeout: 300)
        let second = try RawHTTPClient(port: server.port, timeout: 300)
        try first.send("GET /block HTTP/1.1\r\n\r\n")
        try second.send("GET /block HTTP/1.1\r\n\r\n")
        #expect(entered.wait(timeout: .now() + 300) == .success)
        #expect(entered.wait(timeout: .now() + 300) == .success)

        let third = try RawHTTPClient(port: server.port, timeout: 120)
        try third.send("GET /x HTTP/1.1\r\n\r\n")
        let refused = try third.readResponse()
        #expect(refused.status == 503)
        #expect(refused.message == "too many connections")
        #expect(server.refusedConnectionCount == 1)

        release.signal()
        release.signal()
        #expect(try first.readResponse().status == 200)
        #expect(try second.readResponse().status == 200)
    }

    /// Sends one byte every 20 ms until the server answers or closes; `false` after 60 s of trickling (a
    /// hang guard, far beyond the 0.5 s deadlines the tests set).
    static func trickleUntilAnswered(_ client: RawHTTPClient) -> Bool {
        for _ in 0..<3000 {
            var waiting = pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)
            if poll(&waiting, 1, 20) > 0 { return true }
            do {
                try client.send("a")
            } catch {
                return true
            }
        }
        return false
    }

    @Test func aHeadTricklingInIsCutOffAtItsDeadlineNotKeptAliveByEachByte() throws {
        // The idle timeout (600 s) would never fire: a byte arrives every 20 ms.
        let server = try Self.makeServer(requestTimeout: 0.5)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port, timeout: 120)
        try client.send("GET /slow HTTP/1.1\r\nX-Slow: ")
        #expect(Self.trickleUntilAnswered(client))
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(response.message == "request not received in time")
        #expect(client.isClosedByServer())
    }

    @Test func aBodyTricklingInIsCutOffAtTheRequestsDeadline() throws {
        let server = try Self.makeServer(requestTimeout: 0.5)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port, timeout: 120)
        try client.send("POST /slow HTTP/1.1\r\nContent-Length: 100000\r\n\r\n")
        #expect(Self.trickleUntilAnswered(client))
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(client.isClosedByServer())
    }

    @Test func afterAnErrorAnswerATricklingClientIsNotReadForEver() throws {
        let server = try Self.makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port, timeout: 120)
        try client.send("BAD REQUEST LINE\r\n")
        #expect(try client.readResponse().status == 400)
        // The server has shut its side down and discards what still comes for a while. A byte every
        // 20 ms never lets its 0.5 s read wait expire, so only the time bound on discarding ends it:
        // once the server has closed, a send is refused (the pause is the trickle, not a wait).
        var closed = false
        for _ in 0..<3000 {
            do {
                try client.send("a")
            } catch {
                closed = true
                break
            }
            usleep(20_000)
        }
        #expect(closed, "the server kept reading a trickling client for a minute")
    }

    @Test func aHeadSentInPiecesIsServed() throws {
        let server = try Self.makeServer(requestTimeout: 300)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port, timeout: 120)
        for piece in ["GET /a HTTP/1.1\r\n", "Host: x\r\n", "X-A: 1\r\n", "\r\n"] {
            try client.send(piece)
        }
        #expect(try client.readResponse().status == 200)
        // The next request on the connection gets its own deadline.
        try client.send("GET /b HTTP/1.1\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }

    @Test func theEmulatorPassesItsConnectionCapToItsServer() throws {
        let emulator = try Fixtures.makeEmulator { $0.maxConnections = 4 }
        defer { emulator.stop() }
        var idle: [RawHTTPClient] = []
        for _ in 0..<12 { idle.append(try RawHTTPClient(port: emulator.port, timeout: 120)) }
        let client = try RawHTTPClient(port: emulator.port, timeout: 120)
        #expect(try client.call("GET", "/links").status == 200)
        #expect(idle[0].isClosedByServer())
        #expect(throws: EmulatorError.self) { try Fixtures.makeEmulator { $0.maxConnections = 0 } }
        #expect(throws: EmulatorError.self) { try Fixtures.makeEmulator { $0.requestTimeout = 0 } }
    }
}

import ODAGCore
import Foundation
import ODAGEmulator
import Synchronization
import Testing

@Suite struct HTTPServerTests {
    /// A server that echoes the method, path and body, and obeys a few test paths.
    func makeServer(
        limits: HTTPRequestParser.Limits = .init(), idleTimeout: Double = 30
    ) throws -> HTTPServer {
        try HTTPServer(port: 0, limits: limits, idleTimeout: idleTimeout) { request in
            switch request.path {
            case "/drop":
                return .drop
            case "/close":
                return HTTPServerResponse(status: 200, body: Array("bye".utf8), disposition: .respondAndClose)
            case "/unauthorized":
                return .text(401, "no", headers: ["WWW-Authenticate": "Basic realm=\"x\""])
            default:
                let text = "\(request.method) \(request.path) \(String(decoding: request.body, as: UTF8.self))"
                return .text(200, text, headers: ["X-Query": request.queryValue("q") ?? ""])
            }
        }
    }

    @Test func startsOnAFreePortAndStopsCleanly() throws {
        let server = try makeServer()
        #expect(server.port > 0)
        #expect(server.host == "127.0.0.1")
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /x HTTP/1.1\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        server.stop()
        // The idle keep-alive connection was closed, and nothing listens any more.
        #expect(client.isClosedByServer())
        #expect(throws: RawHTTPClientError.self) { try RawHTTPClient(port: server.port) }
        server.stop()
        server.waitUntilStopped()
    }

    @Test func refusesAnInvalidHost() {
        #expect(throws: HTTPServerError.invalidHost("not a host")) {
            try HTTPServer(host: "not a host") { _ in HTTPServerResponse(status: 200) }
        }
    }

    @Test func keepsTheConnectionAliveAcrossRequests() throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        for index in 0..<5 {
            try client.send("GET /r\(index)?q=\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "GET /r\(index) ")
            #expect(response.headers["x-query"] == "\(index)")
            #expect(response.headers["Connection"] == nil)
        }
        #expect(server.openConnectionCount == 1)
    }

    @Test func answersPipelinedRequestsInOrder() throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        var batch = ""
        for index in 0..<10 {
            batch += "POST /p\(index) HTTP/1.1\r\nContent-Length: \(String(index).count)\r\n\r\n\(index)"
        }
        try client.send(batch)
        for index in 0..<10 {
            #expect(try client.readResponse().text == "POST /p\(index) \(index)")
        }
    }

    @Test func decodesChunkedRequestBodies() throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
        try client.send("A\r\n0123456789\r\n0\r\n\r\n")
        #expect(try client.readResponse().text == "POST /c abc0123456789")
    }

    @Test func sendsContinueWhenTheClientExpectsIt() throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        try client.send("PUT /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(try client.readOne().status == 100)
        try client.send("data")
        #expect(try client.readResponse().text == "PUT /e data")
    }

    @Test func closesOnConnectionCloseAndForHTTP10() throws {
        let server = try makeServer()
        defer { server.stop() }
        let first = try RawHTTPClient(port: server.port)
        try first.send("GET /a HTTP/1.1\r\nConnection: close\r\n\r\n")
        let response = try first.readResponse()
        #expect(response.headers["Connection"] == "close")
        #expect(first.isClosedByServer())

        let second = try RawHTTPClient(port: server.port)
        try second.send("GET /b HTTP/1.0\r\n\r\n")
        #expect(try second.readResponse().text == "GET /b ")
        #expect(second.isClosedByServer())

        let keepAlive10 = try RawHTTPClient(port: server.port)
        for path in ["/c", "/d"] {
            try keepAlive10.send("GET \(path) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let answer = try keepAlive10.readResponse()
            #expect(answer.text == "GET \(path) ")
            #expect(answer.headers["Connection"] == "keep-alive")
        }

        let third = try RawHTTPClient(port: server.port)
        try third.send("GET /close HTTP/1.1\r\n\r\n")
        #expect(try third.readResponse().text == "bye")
        #expect(third.isClosedByServer())
    }

    @Test func answersHeadWithoutABody() throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        try client.send("HEAD /h HTTP/1.1\r\n\r\nGET /g HTTP/1.1\r\n\r\n")
        let head = try client.readResponse(headOnly: true)
        #expect(head.headers["Content-Length"] == "8")
        #expect(try client.readResponse().text == "GET /g ")
    }

    @Test func answersMalformedRequestsWith400AndStaysUp() throws {
        let server = try makeServer()
        defer { server.stop() }
        for garbage in ["NOT HTTP AT ALL\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n", "\u{0}\u{1}\u{2}\r\n\r\n"] {
            let client = try RawHTTPClient(port: server.port)
            try client.send(garbage)
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
            #expect(response.message?.isEmpty == false)
            #expect(client.isClosedByServer())
        }
        let client = try RawHTTPClient(port: server.port)
        try client.send("POST /chunks HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n")
        #expect(try client.readResponse().status == 400)
        let after = try RawHTTPClient(port: server.port)
        try after.send("GET /still-up HTTP/1.1\r\n\r\n")
        #expect(try after.readResponse().status == 200)
    }

    @Test func answersOversizedBodiesWith413AndStaysUp() throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        let size = (1 << 20) + 1
        try client.send("POST /big HTTP/1.1\r\nContent-Length: \(size)\r\n\r\n")
        // The whole body is sent although the answer is already decided; the server drains it.
        try client.send([UInt8](repeating: UInt8(ascii: "a"), count: size))
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(client.isClosedByServer())

        let chunked = try RawHTTPClient(port: server.port)
        var text = "POST /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        let piece = String(repeating: "b", count: 0x10000)
        for _ in 0..<17 { text += "10000\r\n\(piece)\r\n" }
        text += "0\r\n\r\n"
        try chunked.send(text)
        #expect(try chunked.readResponse().status == 413)

        let exact = try RawHTTPClient(port: server.port)
        try exact.send("POST /max HTTP/1.1\r\nContent-Length: \(1 << 20)\r\n\r\n")
        try exact.send([UInt8](repeating: UInt8(ascii: "c"), count: 1 << 20))
        let accepted = try exact.readResponse()
        #expect(accepted.status == 200)
        #expect(accepted.body.count == "POST /max ".utf8.count + (1 << 20))
    }

    @Test func answersHugeHeaderSectionsWith400() throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET / HTTP/1.1\r\nX-Big: " + String(repeating: "h", count: 20_000) + "\r\n\r\n")
        #expect(try client.readResponse().status == 400)
        #expect(client.isClosedByServer())
    }

    @Test func dropsTheConnectionWhenTheHandlerSaysSo() throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /drop HTTP/1.1\r\n\r\n")
        #expect(throws: RawHTTPClientError.closed) { try client.readResponse() }
    }

    @Test func closesIdleConnectionsAfterTheTimeout() throws {
        let server = try makeServer(idleTimeout: 0.2)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /a HTTP/1.1\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        // Blocks until the server gives up on the silent connection.
        #expect(client.isClosedByServer())
    }

    @Test func servesFiftyConcurrentClients() throws {
        let server = try makeServer()
        defer { server.stop() }
        let answered = Atomic<Int>(0)
        let port = server.port
        let errors = runOnThreads(50) { index in
            let client = try RawHTTPClient(port: port)
            for round in 0..<5 {
                try client.send("POST /c\(index) HTTP/1.1\r\nContent-Length: \(String(round).count)\r\n\r\n\(round)")
                let response = try client.readResponse()
                if response.text == "POST /c\(index) \(round)" { answered.add(1, ordering: .relaxed) }
            }
        }
        #expect(errors.isEmpty)
        #expect(answered.load(ordering: .relaxed) == 250)
    }

    @Test func survivesClientsThatVanishMidRequest() throws {
        let server = try makeServer()
        defer { server.stop() }
        do {
            let client = try RawHTTPClient(port: server.port)
            try client.send("POST /half HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly a part")
        }
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /ok HTTP/1.1\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }

    @Test func staysUpAfterConnectionsSendingRandomBytes() throws {
        let server = try makeServer()
        defer { server.stop() }
        let port = server.port
        let errors = runOnThreads(20) { index in
            var generator = SplitMix64(seed: UInt64(index))
            let client = try RawHTTPClient(port: port, timeout: 5)
            var bytes = Array("POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc".utf8)
            for _ in 0..<6 {
                bytes.insert(
                    UInt8.random(in: 0...255, using: &generator), at: Int.random(in: 0..<bytes.count, using: &generator)
                )
            }
            try client.send(bytes + Array("\r\n\r\n".utf8))
            // Whatever it was, the server answers or closes; it never hangs or dies.
            _ = try? client.readResponse()
        }
        #expect(errors.isEmpty, "\(errors)")
        let client = try RawHTTPClient(port: port)
        try client.send("GET /alive HTTP/1.1\r\n\r\n")
        #expect(try client.readResponse().text == "GET /alive ")
    }
}

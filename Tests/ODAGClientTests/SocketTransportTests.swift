import Foundation
import ODAGCore
import Testing

@testable import ODAGClient

@Suite("SocketTransport")
struct SocketTransportTests {
    static let python = URLSessionTransportTests.python

    static func request(_ url: URL, method: String = "GET", body: String? = nil, timeout: Double = 10) -> HTTPRequest {
        URLSessionTransportTests.request(url, method: method, body: body, timeout: timeout)
    }

    /// A transport whose parked connections stay usable for a minute: on a machine busy with the whole test suite,
    /// seconds can pass between two requests of one test, and the default two seconds would make reuse a matter
    /// of timing.
    static func patientTransport() -> SocketTransport {
        SocketTransport(maximumIdleSeconds: 60)
    }

    static func echo(_ response: HTTPResponse) throws -> JSONValue {
        try JSONParser.parse(response.body)
    }

    /// Waits until the test server's counter `name` reaches `count` (an event on the server's side, observed over
    /// another request that the server answers only then); `false` when it did not within ten seconds.
    static func waitForHits(
        _ name: String, toReach count: Int, on server: PythonTestServer, through transport: SocketTransport
    ) async throws -> Bool {
        let hits = try await transport.send(request(server.url("/await-hits/\(name)/\(count)"), timeout: 20))
        return try echo(hits)["hits"]?.intValue == count
    }

    // MARK: Requests as bytes

    @Test("the request goes out as one HTTP/1.1 message: Host with the port, the caller's headers, a length")
    func requestBytes() throws {
        var headers: HTTPFields = ["Accept": "application/json", "Connection": "upgrade", "Content-Length": "99"]
        headers.add(name: "X-Many", value: "1")
        headers.add(name: "X-Many", value: "2")
        let url = try #require(URL(string: "http://qlik.example.com:4242/api/odag/v1/links/a%20b?Xrfkey=abc"))
        let prepared = try PreparedRequest(
            HTTPRequest(method: "PUT", url: url, headers: headers, body: Array("{}".utf8), timeout: 0.5))
        let text = String(decoding: prepared.bytes, as: UTF8.self)
        #expect(
            text
                == "PUT /api/odag/v1/links/a%20b?Xrfkey=abc HTTP/1.1\r\nHost: qlik.example.com:4242\r\n"
                + "Accept: application/json\r\nX-Many: 1\r\nX-Many: 2\r\nContent-Length: 2\r\n\r\n{}")
        #expect(prepared.endpoint == "qlik.example.com:4242")
        #expect(prepared.timeout == .milliseconds(500))
        #expect(prepared.isRepeatable)

        let bare = try PreparedRequest(
            HTTPRequest(method: "POST", url: try #require(URL(string: "http://[::1]")), timeout: 30))
        #expect(
            String(decoding: bare.bytes, as: UTF8.self) == "POST / HTTP/1.1\r\nHost: [::1]\r\nContent-Length: 0\r\n\r\n"
        )
        #expect(bare.host == "::1")
        #expect(bare.endpoint == "[::1]:80")
        #expect(!bare.isRepeatable)
    }

    @Test("https, header injection and odd methods are refused before anything is sent")
    func refusesWhatCannotBeSent() throws {
        let secure = try #require(URL(string: "https://qlik.example.com/api"))
        let plain = try #require(URL(string: "http://qlik.example.com/api"))
        let cases = [
            HTTPRequest(method: "GET", url: secure),
            HTTPRequest(method: "GET", url: plain, headers: ["X-Evil": "a\r\nInjected: yes"]),
            HTTPRequest(method: "GET", url: plain, headers: ["Bad Name": "x"]),
            HTTPRequest(method: "get /x", url: plain),
        ]
        for request in cases {
            let error = #expect(throws: HTTPTransportError.self) { try PreparedRequest(request) }
            #expect(error?.kind == .invalidRequest)
            #expect(error?.delivery == .notSent)
        }
    }

    @Test("a proxy variable sends plain http through URLSession unless no_proxy excludes the host")
    func proxyVariables() throws {
        let url = try #require(URL(string: "http://qlik.corp.example:4242/api"))
        #expect(SocketTransport.proxyVariable(for: url, environment: [:]) == nil)
        #expect(SocketTransport.proxyVariable(for: url, environment: ["http_proxy": ""]) == nil)
        #expect(SocketTransport.proxyVariable(for: url, environment: ["http_proxy": "http://p:3128"]) == "http_proxy")
        #expect(SocketTransport.proxyVariable(for: url, environment: ["ALL_PROXY": "http://p:3128"]) == "ALL_PROXY")
        // libcurl reads only the lower-case http_proxy for http (HTTP_PROXY could come from a CGI request header).
        #expect(SocketTransport.proxyVariable(for: url, environment: ["HTTP_PROXY": "http://p:3128"]) == nil)
        for exclusion in ["*", "corp.example", ".corp.example", "other, qlik.corp.example"] {
            let environment = ["http_proxy": "http://p:3128", "no_proxy": exclusion]
            #expect(SocketTransport.proxyVariable(for: url, environment: environment) == nil, "\(exclusion)")
        }
        let unrelated = ["http_proxy": "http://p:3128", "NO_PROXY": "example.org,rp.example"]
        #expect(SocketTransport.proxyVariable(for: url, environment: unrelated) == "http_proxy")
    }

    // MARK: Over loopback

    @Test(
        "method, headers and body arrive as given; sequential requests share one kept-alive connection",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func echoAndKeepAlive() async throws {
        let server = try PythonTestServer(python: try #require(Self.python))
        let transport = Self.patientTransport()
        let body = #"{"name":"Sales"}"#
        var ports: Set<Int> = []
        for method in ["POST", "PUT", "GET", "DELETE"] {
            let response = try await transport.send(
                Self.request(
                    server.url("/echo/links?Xrfkey=abcdefghijklmnop"), method: method,
                    body: method == "GET" || method == "DELETE" ? nil : body, timeout: 0.9))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let echo = try Self.echo(response)
            #expect(echo["method"]?.stringValue == method)
            #expect(echo["path"] == "/echo/links")
            #expect(echo["query"] == "Xrfkey=abcdefghijklmnop")
            #expect(echo["body"]?.stringValue == (method == "GET" || method == "DELETE" ? "" : body))
            let sent = echo["headers"]?.arrayValue?.compactMap { $0.arrayValue?.compactMap(\.stringValue) } ?? []
            #expect(sent.contains(["Host", "127.0.0.1:\(server.port)"]))
            #expect(sent.contains(["Authorization", "Bearer \(Make.token)"]))
            if let port = echo["peer_port"]?.intValue { ports.insert(port) }
        }
        #expect(ports.count == 1, "one connection for four sequential requests, got ports \(ports)")
    }

    @Test(
        "a connection idle for longer than maximumIdleSeconds is closed, not reused",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func idleConnectionsExpire() async throws {
        let server = try PythonTestServer(python: try #require(Self.python))
        let transport = SocketTransport(maximumIdleSeconds: 0)
        var ports: Set<Int> = []
        for _ in 0..<3 {
            let echo = try Self.echo(try await transport.send(Self.request(server.url("/echo"))))
            if let port = echo["peer_port"]?.intValue { ports.insert(port) }
        }
        #expect(ports.count == 3)
    }

    @Test(
        "chunked, read-until-close and 1xx-preceded answers are read whole",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func bodyFramings() async throws {
        let server = try PythonTestServer(python: try #require(Self.python))
        let transport = SocketTransport()
        let chunked = try await transport.send(Self.request(server.url("/chunked")))
        #expect(chunked.status == 200)
        #expect(String(decoding: chunked.body, as: UTF8.self) == #"{"ok": true, "n": 1}"#)
        let untilClose = try await transport.send(Self.request(server.url("/until-close")))
        #expect(try Self.echo(untilClose)["ok"] == "until close")
        let continued = try await transport.send(Self.request(server.url("/continue")))
        #expect(continued.status == 200)
        #expect(try Self.echo(continued)["ok"] == true)
        // After each of those, the next request still works (a fresh or a still-good connection).
        #expect(try await transport.send(Self.request(server.url("/echo"))).status == 200)
    }

    @Test(
        "a 401 with WWW-Authenticate comes back as it is; a redirect is returned, not followed",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func answersAreReturnedAsTheyAre() async throws {
        let server = try PythonTestServer(python: try #require(Self.python))
        let transport = SocketTransport()
        let challenge = try await transport.send(Self.request(server.url("/basic401")))
        #expect(challenge.status == 401)
        #expect(challenge.headers["WWW-Authenticate"] == #"Basic realm="qlik""#)
        let redirect = try await transport.send(Self.request(server.url("/redirect")))
        #expect(redirect.status == 302)
        #expect(redirect.headers["Location"] == "/echo/after-redirect")
    }

    @Test(
        "a connection the server closed after answering is not reused: the next request goes on a fresh one",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func closedParkedConnectionIsNotReused() async throws {
        let server = try PythonTestServer(python: try #require(Self.python))
        let transport = Self.patientTransport()
        let observer = SocketTransport()
        for round in 1...3 {
            let answered = try await transport.send(Self.request(server.url("/answer-then-close")))
            #expect(answered.status == 200)
            // Waits (on other connections) until the server has closed the parked one.
            #expect(try await Self.waitForHits("closed", toReach: round, on: server, through: observer))
            // A POST cannot be repeated safely, so it must not meet the closed connection at all.
            let created = try await transport.send(Self.request(server.url("/echo"), method: "POST", body: "{}"))
            #expect(created.status == 200)
        }
    }

    @Test(
        "a lost answer on a kept-alive connection: PUT is sent once more on a fresh connection, POST and DELETE are not",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func lostAnswerOnReusedConnection() async throws {
        let server = try PythonTestServer(python: try #require(Self.python))
        let transport = Self.patientTransport()
        for (method, expectedHits) in [("PUT", 2), ("POST", 1), ("DELETE", 1)] {
            // Leaves a kept-alive connection parked, so the next request reuses it.
            #expect(try await transport.send(Self.request(server.url("/echo"))).status == 200)
            let clock = ContinuousClock()
            let started = clock.now
            let lost = await #expect(throws: HTTPTransportError.self) {
                try await transport.send(
                    Self.request(
                        server.url("/drop-count/\(method)"), method: method, body: method == "DELETE" ? nil : "{}",
                        timeout: 20))
            }
            #expect(lost?.kind == .connectionLost)
            #expect(lost?.delivery == .mayHaveBeenSent)
            #expect(clock.now - started < .seconds(5), "\(method) took \(clock.now - started)")
            let hits = try await transport.send(Self.request(server.url("/hits/\(method)")))
            #expect(try Self.echo(hits)["hits"]?.intValue == expectedHits, "\(method)")
        }
    }

    @Test(
        "refused is not sent; garbage and oversized heads are errors; a silent server times out on a fractional timeout",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func failures() async throws {
        let server = try PythonTestServer(python: try #require(Self.python))
        let transport = SocketTransport()
        let refused = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(try #require(URL(string: "http://127.0.0.1:1/x"))))
        }
        #expect(refused?.kind == .cannotConnect)
        #expect(refused?.delivery == .notSent)
        #expect(refused?.detail == "connection refused by 127.0.0.1:1")

        let unresolved = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(try #require(URL(string: "http://no-such-host.invalid/x"))))
        }
        #expect(unresolved?.kind == .cannotResolveHost)
        #expect(unresolved?.delivery == .notSent)

        let garbage = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(server.url("/garbage")))
        }
        #expect(garbage?.detail.contains("not valid HTTP") == true)
        #expect(garbage?.delivery == .mayHaveBeenSent)

        let huge = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(server.url("/huge-head")))
        }
        #expect(huge?.detail.contains("64 KiB") == true)

        let small = SocketTransport(maximumBodyBytes: 10)
        let tooLarge = await #expect(throws: HTTPTransportError.self) {
            try await small.send(Self.request(server.url("/echo")))
        }
        #expect(tooLarge?.detail.contains("too large") == true)

        let clock = ContinuousClock()
        let started = clock.now
        let silent = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(server.url("/hang"), timeout: 0.3))
        }
        #expect(silent?.kind == .timedOut)
        #expect(silent?.delivery == .mayHaveBeenSent)
        #expect(silent?.detail.contains("within 0.3 s") == true)
        #expect(clock.now - started < .seconds(10))
    }

    @Test(
        "cancelling a request blocked on a silent server ends it at once with CancellationError",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func cancellation() async throws {
        let server = try PythonTestServer(python: try #require(Self.python))
        let transport = SocketTransport()
        let url = server.url("/hang")
        let task = Task { try await transport.send(Self.request(url, timeout: 60)) }
        // Waits until the server has the request, so the cancellation meets a thread blocked on the socket.
        #expect(try await Self.waitForHits("hang", toReach: 1, on: server, through: SocketTransport()))
        let clock = ContinuousClock()
        let started = clock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.now - started < .seconds(5))
    }

    @Test("a task cancelled before it sends sends nothing", .enabled(if: python != nil, "needs python3 on PATH"))
    func cancelledBeforeSending() async throws {
        let server = try PythonTestServer(python: try #require(Self.python))
        let transport = SocketTransport()
        let url = server.url("/drop-count/early")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transport.send(Self.request(url, method: "POST", body: "{}"))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        let hits = try await transport.send(Self.request(server.url("/hits/early")))
        #expect(try Self.echo(hits)["hits"]?.intValue == 0)
    }
}

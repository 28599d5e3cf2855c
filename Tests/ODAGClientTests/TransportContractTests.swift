import Foundation
import ODAGCore
import Testing

@testable import ODAGClient

/// What every transport promises, checked over real loopback HTTP and TLS against `Fixtures/test_server.py`:
/// framing, keep-alive, lost answers, limits, TLS modes, proxies and cancellation. python3 and openssl are part of
/// the test set-up (a fresh Debian or Ubuntu machine has both); a missing one fails the test rather than skipping it.
@Suite("Transport contract")
struct TransportContractTests {
    static func python() throws -> String {
        try #require(Tools.find("python3"), "the transport tests need python3 on PATH for their loopback server")
    }

    static func openssl() throws -> String {
        try #require(Tools.find("openssl"), "the TLS tests need openssl on PATH to make their certificates")
    }

    static func echo(_ response: HTTPResponse) throws -> JSONValue {
        try JSONParser.parse(response.body)
    }

    /// Waits until the test server's counter `name` reaches `count`, observed over a request the server answers only
    /// then (it gives up after 100 seconds, a hang guard far past a starved machine's delays, and answers the count
    /// it has).
    static func waitForHits(_ name: String, toReach count: Int, on server: PythonTestServer) async throws -> Bool {
        let observer = try LibcurlTransport()
        let hits = try await observer.send(testRequest(server.url("/await-hits/\(name)/\(count)"), timeout: 120))
        return try echo(hits)["hits"]?.intValue == count
    }

    static func expectFailure(
        _ transport: any HTTPTransport, _ request: HTTPRequest,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async -> HTTPTransportError? {
        await #expect(throws: HTTPTransportError.self, sourceLocation: sourceLocation) {
            try await transport.send(request)
        }
    }

    // MARK: Framing and keep-alive

    @Test(
        "method, headers and body arrive as given; GET and PUT reuse one connection", arguments: TransportKind.allCases)
    func echoAndKeepAlive(kind: TransportKind) async throws {
        let server = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        let body = #"{"name":"Sales"}"#
        var ports: [String: Int] = [:]
        for method in ["GET", "PUT", "GET", "POST", "DELETE"] {
            let response = try await transport.send(
                testRequest(
                    server.url("/echo/links?Xrfkey=abcdefghijklmnop"), method: method,
                    body: method == "PUT" || method == "POST" ? body : nil))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let echo = try Self.echo(response)
            #expect(echo["method"]?.stringValue == method)
            #expect(echo["path"] == "/echo/links")
            #expect(echo["query"] == "Xrfkey=abcdefghijklmnop")
            #expect(echo["body"]?.stringValue == (method == "PUT" || method == "POST" ? body : ""))
            let sent = echo["headers"]?.arrayValue?.compactMap { $0.arrayValue?.compactMap(\.stringValue) } ?? []
            #expect(sent.contains(["Host", "127.0.0.1:\(server.port)"]))
            #expect(sent.contains(["Authorization", "Bearer \(Make.token)"]))
            #expect(sent.contains(["Accept", "application/json"]))
            // Nothing the caller did not ask for that changes meaning: no form type, no 100-continue.
            #expect(!sent.contains { $0.first?.lowercased() == "expect" })
            if method != "POST" && method != "PUT" {
                #expect(!sent.contains { $0.first?.lowercased() == "content-type" })
            }
            ports[method + "\(ports.count)"] = echo["peer_port"]?.intValue
        }
        // GET, PUT, GET on one kept-alive connection; POST and DELETE each on a fresh one (see LibcurlTransport).
        #expect(ports["GET0"] != nil && ports["GET0"] == ports["PUT1"] && ports["PUT1"] == ports["GET2"], "\(ports)")
        #expect(ports["POST3"] != ports["GET2"], "\(ports)")
        #expect(ports["DELETE4"] != ports["POST3"], "\(ports)")
    }

    @Test(
        "parallel workers share kept-alive connections: 64 requests, 8 at a time, over at most 8 connections",
        arguments: TransportKind.allCases)
    func connectionsAreReusedAcrossWorkers(kind: TransportKind) async throws {
        let server = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        let url = server.url("/echo")
        var ports: Set<Int> = []
        for _ in 0..<8 {
            try await withThrowingTaskGroup(of: Int?.self) { group in
                for _ in 0..<8 {
                    group.addTask { try Self.echo(try await transport.send(testRequest(url)))["peer_port"]?.intValue }
                }
                for try await port in group { if let port { ports.insert(port) } }
            }
        }
        #expect(!ports.isEmpty && ports.count <= 8, "\(ports.count) connections")
    }

    @Test("chunked, read-until-close and 1xx-preceded answers are read whole", arguments: TransportKind.allCases)
    func bodyFramings(kind: TransportKind) async throws {
        let server = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        let chunked = try await transport.send(testRequest(server.url("/chunked")))
        #expect(chunked.status == 200)
        #expect(String(decoding: chunked.body, as: UTF8.self) == #"{"ok": true, "n": 1}"#)
        let untilClose = try await transport.send(testRequest(server.url("/until-close")))
        #expect(try Self.echo(untilClose)["ok"] == "until close")
        let continued = try await transport.send(testRequest(server.url("/continue")))
        #expect(continued.status == 200)
        #expect(try Self.echo(continued)["ok"] == true)
        #expect(try await transport.send(testRequest(server.url("/echo"))).status == 200)
    }

    @Test(
        "a 401 with WWW-Authenticate comes back as it is; a redirect is returned, not followed",
        arguments: TransportKind.allCases)
    func answersAreReturnedAsTheyAre(kind: TransportKind) async throws {
        let server = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        let challenge = try await transport.send(testRequest(server.url("/basic401")))
        #expect(challenge.status == 401)
        #expect(challenge.headers["WWW-Authenticate"] == #"Basic realm="qlik""#)
        let redirect = try await transport.send(testRequest(server.url("/redirect")))
        #expect(redirect.status == 302)
        #expect(redirect.headers["Location"] == "/echo/after-redirect")
    }

    // MARK: Lost answers

    @Test(
        "a connection the server closed after answering is not used for the next request",
        arguments: TransportKind.allCases)
    func closedConnectionIsNotReused(kind: TransportKind) async throws {
        let server = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        for round in 1...3 {
            #expect(try await transport.send(testRequest(server.url("/answer-then-close"))).status == 200)
            #expect(try await Self.waitForHits("closed", toReach: round, on: server))
            let created = try await transport.send(testRequest(server.url("/echo"), method: "POST", body: "{}"))
            #expect(created.status == 200)
        }
    }

    @Test(
        "a lost answer on a kept-alive connection: PUT may go once more, POST and DELETE never, and all may have been sent",
        arguments: TransportKind.allCases)
    func lostAnswerOnReusedConnection(kind: TransportKind) async throws {
        let server = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        for (method, expectedHits) in [("PUT", 2), ("POST", 1), ("DELETE", 1)] {
            // Leaves a kept-alive connection parked, so the next request could reuse it.
            #expect(try await transport.send(testRequest(server.url("/echo"))).status == 200)
            let lost = await Self.expectFailure(
                transport,
                testRequest(
                    server.url("/drop-count/\(method)"), method: method, body: method == "DELETE" ? nil : "{}",
                    timeout: 60))
            #expect(lost?.kind == .connectionLost)
            #expect(lost?.delivery == .mayHaveBeenSent)
            let hits = try await transport.send(testRequest(server.url("/hits/\(method)")))
            #expect(try Self.echo(hits)["hits"]?.intValue == expectedHits, "\(method)")
        }
    }

    // MARK: Limits

    @Test(
        "refused is not sent; not HTTP, a head or body over the limit, an endless body: each fails, none retried",
        arguments: TransportKind.allCases)
    func limits(kind: TransportKind) async throws {
        let server = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        let refused = await Self.expectFailure(
            transport, testRequest(try #require(URL(string: "http://127.0.0.1:1/x"))))
        #expect(refused?.kind == .cannotConnect)
        #expect(refused?.delivery == .notSent)
        #expect(refused?.detail == "connection refused by 127.0.0.1:1")

        let garbage = await Self.expectFailure(transport, testRequest(server.url("/garbage")))
        #expect(garbage?.kind == .invalidAnswer)
        #expect(garbage?.detail.contains("not valid HTTP") == true)
        #expect(garbage?.isWorthRetrying == false)

        let huge = await Self.expectFailure(transport, testRequest(server.url("/huge-head")))
        #expect(huge?.kind == .answerTooLarge)
        #expect(huge?.detail.contains("64 KiB") == true)

        let small = try kind.make(maximumBodyBytes: 10)
        let tooLarge = await Self.expectFailure(small, testRequest(server.url("/echo")))
        #expect(tooLarge?.kind == .answerTooLarge)
        #expect(tooLarge?.isWorthRetrying == false)

        // An endless body: the size cap ends it (bounded memory), and so does the whole-attempt timeout.
        let capped = try kind.make(maximumBodyBytes: 1 << 20)
        let endless = await Self.expectFailure(capped, testRequest(server.url("/endless"), timeout: 600))
        #expect(endless?.kind == .answerTooLarge)
        let timed = await Self.expectFailure(transport, testRequest(server.url("/endless"), timeout: 1))
        #expect(timed?.kind == .timedOut)
        #expect(timed?.delivery == .mayHaveBeenSent)
        #expect(timed?.detail.contains("within 1 s") == true)

        // Long enough that a starved machine has connected and sent before it runs out (a timeout before that is
        // reported as a failure to connect); fractional, to check how the detail shows it.
        let silent = await Self.expectFailure(transport, testRequest(server.url("/hang"), timeout: 2.5))
        #expect(silent?.kind == .timedOut)
        #expect(silent?.detail.contains("within 2.5 s") == true)
    }

    @Test("what cannot be sent is refused before anything goes out")
    func refusesWhatCannotBeSent() throws {
        let url = try #require(URL(string: "http://127.0.0.1:9/x"))
        for request in [
            HTTPRequest(method: "GET", url: url, headers: ["X-Evil": "a\r\nInjected: yes"]),
            HTTPRequest(method: "GET", url: url, headers: ["Bad Name": "x"]),
            HTTPRequest(method: "get", url: url),
            HTTPRequest(method: "GET", url: try #require(URL(string: "ftp://127.0.0.1/x"))),
        ] {
            let error = #expect(throws: HTTPTransportError.self) { try PreparedCurlRequest(request) }
            #expect(error?.kind == .invalidRequest)
            #expect(error?.delivery == .notSent)
        }
        let prepared = try PreparedCurlRequest(HTTPRequest(method: "POST", url: url, timeout: 0.25))
        #expect(prepared.needsFreshConnection)
        #expect(prepared.body == [])
        #expect(prepared.timeoutMilliseconds == 250)
        #expect(try !PreparedCurlRequest(HTTPRequest(method: "PUT", url: url)).needsFreshConnection)
        #expect(try PreparedCurlRequest(HTTPRequest(method: "DELETE", url: url)).needsFreshConnection)
    }

    @Test("libcurl's failures map to kinds that say conservatively whether the request was sent")
    func failureMapping() throws {
        let request = try PreparedCurlRequest(
            HTTPRequest(method: "GET", url: try #require(URL(string: "https://qlik.example.com:4242/x"))))
        func map(_ code: Int32, _ message: String = "", started: Int64 = 0, limit: Int32 = 0) -> HTTPTransportError {
            CurlFailure(code: code, message: message, limit: limit, pretransferMicroseconds: started).error(
                for: request)
        }
        #expect(map(6).kind == .cannotResolveHost)
        #expect(map(6).delivery == .notSent)
        #expect(
            map(7, "Failed to connect to qlik.example.com port 4242 after 1 ms: Connection refused").detail
                == "connection refused by qlik.example.com:4242")
        // Through a proxy the refusal is the proxy's: libcurl's own words, which name it, are kept.
        #expect(
            map(7, "Failed to connect to proxy.example.com port 3128 after 1 ms: Connection refused").detail
                .contains("proxy.example.com port 3128"))
        #expect(map(28).kind == .cannotConnect)
        #expect(map(28, started: 1200).kind == .timedOut)
        #expect(map(28, started: 1200).delivery == .mayHaveBeenSent)
        #expect(
            map(60, "SSL certificate problem: unable to get local issuer certificate").kind
                == .untrustedServerCertificate)
        #expect(
            map(60, "SSL certificate problem: unable to get local issuer certificate").detail.contains("local issuer"))
        #expect(map(58, "could not load PEM client certificate").kind == .certificateFileUnusable)
        #expect(
            map(56, "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required", started: 9).kind
                == .clientCertificateRejected)
        #expect(map(35, "error:0A00010B:SSL routines::wrong version number").kind == .serverNotTLS)
        #expect(map(52, started: 9).kind == .connectionLost)
        #expect(map(52, started: 9).delivery == .mayHaveBeenSent)
        #expect(map(56, "Connection reset by peer", started: 0).delivery == .notSent)
        #expect(map(23, started: 9, limit: 1).kind == .answerTooLarge)
        #expect(map(8, started: 9).kind == .invalidAnswer)
        #expect(map(99, "something new", started: 9).kind == .other)
        #expect(map(99, "something new", started: 9).delivery == .mayHaveBeenSent)
        // Messages name the problem, never a command-line option.
        for code: Int32 in [6, 7, 28, 35, 52, 56, 58, 60, 98] {
            #expect(!map(code, started: 9).detail.contains("--"), "\(code)")
        }
    }

    // MARK: Cancellation

    @Test(
        "cancelling a request blocked on a silent server ends it with CancellationError",
        arguments: TransportKind.allCases)
    func cancellation(kind: TransportKind) async throws {
        let server = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        let url = server.url("/hang")
        let task = Task { try await transport.send(testRequest(url, timeout: 600)) }
        #expect(try await Self.waitForHits("hang", toReach: 1, on: server))
        task.cancel()
        // No time bound: the 600 s timeout above is the hang guard, far beyond a starved machine's delays.
        await #expect(throws: CancellationError.self) { try await task.value }
        // The transport still works after a cancelled exchange.
        #expect(try await transport.send(testRequest(server.url("/echo"))).status == 200)
    }

    @Test("a task cancelled before it sends sends nothing", arguments: TransportKind.allCases)
    func cancelledBeforeSending(kind: TransportKind) async throws {
        let server = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        let url = server.url("/drop-count/early")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transport.send(testRequest(url, method: "POST", body: "{}"))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        let hits = try await transport.send(testRequest(server.url("/hits/early")))
        #expect(try Self.echo(hits)["hits"]?.intValue == 0)
    }

    // MARK: TLS

    @Test(
        "TLS: a private CA is trusted only when given; HTTP/1.1 is what the client offers",
        arguments: TransportKind.allCases)
    func privateCA(kind: TransportKind) async throws {
        let tls = try await TLSMaterials.make(openssl: try Self.openssl())
        let server = try await PythonTestServer.start(
            python: try Self.python(), cert: tls.serverCert, key: tls.serverKey)
        let url = server.url("/echo")

        let untrusted = await Self.expectFailure(try kind.make(), testRequest(url))
        #expect(untrusted?.kind == .untrustedServerCertificate)
        #expect(untrusted?.delivery == .notSent)
        #expect(untrusted?.detail.contains("certificate") == true)
        #expect(untrusted?.detail.contains("URL error") == false)

        let other = await Self.expectFailure(try kind.make(tls: .init(caCertPath: tls.otherCA)), testRequest(url))
        #expect(other?.kind == .untrustedServerCertificate)

        let trusted = try kind.make(tls: .init(caCertPath: tls.ca))
        let echo = try Self.echo(try await trusted.send(testRequest(url)))
        #expect(echo["alpn"] == "http/1.1")
        // A second request reuses the TLS connection.
        let again = try Self.echo(try await trusted.send(testRequest(url)))
        #expect(again["peer_port"] == echo["peer_port"])

        let insecure = try kind.make(tls: .init(insecure: true))
        #expect(try await insecure.send(testRequest(url)).status == 200)

        let missing = await Self.expectFailure(
            try kind.make(tls: .init(caCertPath: tls.directory.appendingPathComponent("none.pem").path)),
            testRequest(url))
        #expect(missing?.kind == .certificateFileUnusable || missing?.kind == .untrustedServerCertificate)
    }

    @Test(
        "TLS: a server that wants a client certificate names the problem without one, answers with one",
        arguments: TransportKind.allCases)
    func clientCertificate(kind: TransportKind) async throws {
        let tls = try await TLSMaterials.make(openssl: try Self.openssl())
        let server = try await PythonTestServer.start(
            python: try Self.python(), cert: tls.serverCert, key: tls.serverKey, clientCA: tls.ca)
        let url = server.url("/echo")
        let without = await Self.expectFailure(try kind.make(tls: .init(caCertPath: tls.ca)), testRequest(url))
        // Over TLS 1.3 the server refuses after the client has finished its side of the handshake and sent the
        // request: its alert usually arrives and is named, but a reset can overtake it, which is then only a lost
        // connection.
        if without?.kind == .clientCertificateRejected {
            #expect(without?.delivery == .notSent)
            #expect(without?.detail.contains("certificate") == true)
        } else {
            // (Not sent when the reset came before the handshake ended, else possibly sent.)
            #expect(without?.kind == .connectionLost, "\(String(describing: without))")
        }
        let with = try kind.make(
            tls: .init(caCertPath: tls.ca, clientCertPath: tls.clientCert, clientKeyPath: tls.clientKey))
        #expect(try await with.send(testRequest(url)).status == 200)
        let wrongKey = await Self.expectFailure(
            try kind.make(tls: .init(caCertPath: tls.ca, clientCertPath: tls.clientCert, clientKeyPath: tls.serverKey)),
            testRequest(url))
        #expect(wrongKey?.kind == .certificateFileUnusable)
    }

    @Test(
        "https:// against a plain-http server, and http:// against a TLS server, say so",
        arguments: TransportKind.allCases)
    func wrongScheme(kind: TransportKind) async throws {
        let plain = try await PythonTestServer.start(python: try Self.python())
        let transport = try kind.make()
        let https = await Self.expectFailure(
            transport, testRequest(try #require(URL(string: "https://127.0.0.1:\(plain.port)/echo"))))
        #expect(https?.kind == .serverNotTLS)
        #expect(https?.detail.contains("plain http") == true)
        #expect(https?.delivery == .notSent)

        let tls = try await TLSMaterials.make(openssl: try Self.openssl())
        let secure = try await PythonTestServer.start(
            python: try Self.python(), cert: tls.serverCert, key: tls.serverKey)
        let http = await Self.expectFailure(
            transport, testRequest(try #require(URL(string: "http://127.0.0.1:\(secure.port)/echo"))))
        #expect(http?.kind == .invalidAnswer || http?.kind == .connectionLost, "\(String(describing: http))")
    }

    // MARK: Proxies

    @Test("a proxy carries plain http as absolute-form requests and https through a CONNECT tunnel")
    func proxies() async throws {
        let python = try Self.python()
        let proxy = try await PythonTestServer.start(python: python, script: "test_proxy.py")
        let proxyURL = "http://127.0.0.1:\(proxy.port)"
        let plain = try await PythonTestServer.start(python: python)
        let tls = try await TLSMaterials.make(openssl: try Self.openssl())
        let secure = try await PythonTestServer.start(python: python, cert: tls.serverCert, key: tls.serverKey)
        let transport = try LibcurlTransport(tls: .init(caCertPath: tls.ca), proxy: proxyURL)

        #expect(try await transport.send(testRequest(plain.url("/echo"))).status == 200)
        let tunnelled = try await transport.send(testRequest(secure.url("/status/201")))
        // The server's own answer, not the proxy's "200 Connection established" with its header.
        #expect(tunnelled.status == 201)
        #expect(tunnelled.headers["X-Proxy"] == nil)
        #expect(try Self.echo(tunnelled)["message"] == "status 201")
        let counts = try Self.echo(
            try await transport.send(testRequest(try #require(URL(string: "http://proxy.test/count")))))
        #expect(counts["connect"]?.intValue == 1)
        #expect(counts["forward"]?.intValue == 1)
    }
}

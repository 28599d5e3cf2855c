import Foundation
import ODAGCore
import Testing

@testable import ODAGClient

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("URLSessionTransport")
struct URLSessionTransportTests {
    static let python = Tools.find("python3")

    static func request(_ url: URL, method: String = "GET", body: String? = nil, timeout: Double = 10) -> HTTPRequest {
        HTTPRequest(
            method: method, url: url, headers: ["Authorization": "Bearer \(Make.token)", "Accept": "application/json"],
            body: body.map { Array($0.utf8) }, timeout: timeout)
    }

    @Test("URL error codes map to kinds that say whether the request was sent")
    func errorCodes() {
        let request = Self.request(URL(string: "https://qlik.example.com:4242/api/odag/v1/links")!)
        func map(_ code: Int) -> HTTPTransportError {
            URLSessionTransport.transportError(forURLErrorCode: code, request: request)
        }
        #expect(map(NSURLErrorTimedOut).kind == .timedOut)
        #expect(map(NSURLErrorTimedOut).delivery == .mayHaveBeenSent)
        #expect(map(NSURLErrorCannotConnectToHost).kind == .cannotConnect)
        #expect(map(NSURLErrorCannotConnectToHost).delivery == .notSent)
        #expect(map(NSURLErrorNetworkConnectionLost).kind == .connectionLost)
        #expect(map(NSURLErrorNetworkConnectionLost).delivery == .mayHaveBeenSent)
        #expect(map(NSURLErrorCannotFindHost).kind == .cannotResolveHost)
        #expect(map(NSURLErrorDNSLookupFailed).delivery == .notSent)
        #expect(map(NSURLErrorServerCertificateUntrusted).kind == .tlsFailure)
        #expect(map(NSURLErrorServerCertificateUntrusted).description.contains("--ca-cert"))
        #expect(map(NSURLErrorSecureConnectionFailed).delivery == .notSent)
        #expect(map(NSURLErrorClientCertificateRequired).description.contains("--client-cert"))
        #expect(map(-1).delivery == .mayHaveBeenSent)
        #expect(map(NSURLErrorTimedOut).description.contains("qlik.example.com:4242"))
    }

    @Test("the connection limit per host is at least 1 and defaults to 8")
    func connectionLimit() {
        #expect(URLSessionTransport().maximumConnectionsPerHost == 8)
        #expect(URLSessionTransport(maximumConnectionsPerHost: 16).maximumConnectionsPerHost == 16)
        #expect(URLSessionTransport(maximumConnectionsPerHost: 0).maximumConnectionsPerHost == 1)
    }

    @Test(
        "method, headers and body arrive as given; a fractional timeout is rounded up, not truncated to zero",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func echo() async throws {
        let server = try await PythonTestServer.start(python: try #require(Self.python))
        let body = #"{"name":"Sales"}"#
        let response = try await URLSessionTransport().send(
            Self.request(server.url("/echo/links?Xrfkey=abcdefghijklmnop"), method: "POST", body: body, timeout: 0.3))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let echo = try JSONParser.parse(response.body)
        #expect(echo["method"] == "POST")
        #expect(echo["query"] == "Xrfkey=abcdefghijklmnop")
        #expect(echo["body"]?.stringValue == body)
    }

    @Test(
        "a 401 with WWW-Authenticate: Basic does not hang: the 401 itself comes back",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func basicChallengeDoesNotHang() async throws {
        let server = try await PythonTestServer.start(python: try #require(Self.python))
        let clock = ContinuousClock()
        let started = clock.now
        // A hang would end only by the 60 s timeout (as an error); the bound leaves room for a loaded machine.
        let response = try await URLSessionTransport().send(Self.request(server.url("/basic401"), timeout: 60))
        #expect(clock.now - started < .seconds(30))
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"] == #"Basic realm="qlik""#)
        #expect(try JSONParser.parse(response.body)["message"] == "who are you")
    }

    @Test("a redirect is returned, not followed", .enabled(if: python != nil, "needs python3 on PATH"))
    func redirectNotFollowed() async throws {
        let server = try await PythonTestServer.start(python: try #require(Self.python))
        let response = try await URLSessionTransport().send(Self.request(server.url("/redirect")))
        #expect(response.status == 302)
        #expect(response.headers["Location"] == "/echo/after-redirect")
    }

    @Test(
        "refused is not sent; a dropped connection may have been sent; a silent server times out in ~1 s",
        .enabled(if: python != nil, "needs python3 on PATH"))
    func failures() async throws {
        let server = try await PythonTestServer.start(python: try #require(Self.python))
        let transport = URLSessionTransport()
        let refused = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(URL(string: "http://127.0.0.1:1/x")!))
        }
        #expect(refused?.kind == .cannotConnect)
        #expect(refused?.delivery == .notSent)
        let dropped = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(server.url("/drop")))
        }
        #expect(dropped?.delivery == .mayHaveBeenSent)
        let clock = ContinuousClock()
        let started = clock.now
        let silent = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(server.url("/hang"), timeout: 1))
        }
        #expect(silent?.kind == .timedOut)
        #expect(silent?.delivery == .mayHaveBeenSent)
        #expect(clock.now - started < .seconds(30))
    }

    @Test("a cancelled task ends at once with CancellationError", .enabled(if: python != nil, "needs python3 on PATH"))
    func cancellation() async throws {
        let server = try await PythonTestServer.start(python: try #require(Self.python))
        let transport = URLSessionTransport()
        let url = server.url("/hang")
        let task = Task { try await transport.send(Self.request(url, timeout: 30)) }
        task.cancel()
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.now - started < .seconds(30))
    }
}

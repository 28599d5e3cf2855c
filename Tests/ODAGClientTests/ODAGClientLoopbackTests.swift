import Dispatch
import Foundation
import ODAGCore
import ODAGEmulator
import Testing

@testable import ODAGClient

/// The client over real loopback HTTP against `HTTPServer`s with hand-written handlers, for answers the emulator
/// does not give: Basic challenges, HTML pages, silence, `Retry-After`, lost answers.
@Suite("ODAGClient over loopback HTTP with custom handlers")
struct ODAGClientLoopbackTests {
    static let kinds = TransportKind.allCases

    static func transport(_ kind: TransportKind) throws -> any HTTPTransport {
        try kind.make()
    }

    static func client(
        _ server: HTTPServer, kind: TransportKind = .libcurl, retry: RetryPolicy = .default,
        sleeps: SleepRecorder = SleepRecorder(), timeout: Double = 10
    ) throws -> ODAGClient {
        let configuration = ODAGClientConfiguration(
            baseURL: try #require(URL(string: "http://127.0.0.1:\(server.port)/api/odag/v1")),
            headers: ["X-Qlik-User": "UserDirectory=CORP; UserId=svc"], bearerToken: Make.token, timeout: timeout,
            retryPolicy: retry)
        return try ODAGClient(configuration: configuration, transport: transport(kind), sleeper: sleeps.sleeper)
    }

    static func json(_ status: Int, _ text: String, headers: HTTPFields = [:]) -> HTTPServerResponse {
        var all = headers
        all.replaceOrAdd(name: "Content-Type", value: "application/json")
        return HTTPServerResponse(status: status, headers: all, body: Array(text.utf8))
    }

    /// Counts and keeps the requests a handler saw.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var requests: [HTTPServerRequest] = []

        /// Records `request` and returns how many came before it.
        func record(_ request: HTTPServerRequest) -> Int {
            lock.withLock {
                requests.append(request)
                return requests.count - 1
            }
        }

        var all: [HTTPServerRequest] { lock.withLock { requests } }
    }

    @Test(
        "the server sees the xrfkey in header and query alike, the token, the user and the JSON headers",
        arguments: kinds)
    func wire(kind: TransportKind) async throws {
        let seen = Seen()
        let server = try HTTPServer { request in
            _ = seen.record(request)
            return Self.json(201, Make.linkJSON())
        }
        defer { server.stop() }
        _ = try await Self.client(server, kind: kind).createLink(
            OdagLinkCreate(name: "Sales", selectionAppId: Make.appA, templateAppId: Make.appB))
        let request = try #require(seen.all.first)
        #expect(request.method == "POST")
        #expect(request.path == "/api/odag/v1/links")
        let key = try #require(request.headers["X-Qlik-Xrfkey"])
        #expect(Xrfkey.isValid(key))
        #expect(request.queryItems.map(\.name) == ["Xrfkey"])
        #expect(request.queryValue("Xrfkey") == key)
        #expect(request.headers["Authorization"] == "Bearer \(Make.token)")
        #expect(request.headers["X-Qlik-User"] == "UserDirectory=CORP; UserId=svc")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(try JSONParser.parse(request.body)["name"] == "Sales")
    }

    @Test("a 401 with WWW-Authenticate: Basic does not hang and is an authentication failure", arguments: kinds)
    func basicChallenge(kind: TransportKind) async throws {
        let server = try HTTPServer { _ in
            Self.json(
                401, #"{"message":"Basic authentication required"}"#,
                headers: ["WWW-Authenticate": #"Basic realm="Qlik""#])
        }
        defer { server.stop() }
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(server, kind: kind, timeout: 60).listLinks()
        }
        #expect(
            error
                == .authenticationFailed(
                    method: "GET", path: "/api/odag/v1/links", status: 401, message: "Basic authentication required"))
    }

    @Test("an HTML login page is named as such", arguments: kinds)
    func htmlPage(kind: TransportKind) async throws {
        let server = try HTTPServer { _ in
            HTTPServerResponse.text(
                200, "<!DOCTYPE html><html><body>Please log in</body></html>", contentType: "text/html")
        }
        defer { server.stop() }
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(server, kind: kind).listLinks()
        }
        #expect(error == .htmlPage(method: "GET", path: "/api/odag/v1/links", status: 200))
        #expect(
            error?.description.contains("the server answered with an HTML page (likely a virtual proxy's login page)")
                == true)
    }

    @Test("a server that never answers fails in about a second with a timeout", arguments: kinds)
    func silentServer(kind: TransportKind) async throws {
        let gate = DispatchSemaphore(value: 0)
        let server = try HTTPServer { _ in
            gate.wait()  // released when the test ends, so the server can stop
            return Self.json(200, "[]")
        }
        defer {
            gate.signal()
            server.stop()
        }
        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(server, kind: kind, retry: .never, timeout: 1).listLinks()
        }
        let elapsed = clock.now - started
        // About a second. The upper bound only catches a hang (the session default is 60 s): a loaded
        // 2-core machine running the suite in parallel can delay the answer by several seconds.
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(30), "took \(elapsed)")
        guard case .transport(_, _, let underlying) = try #require(error) else {
            Issue.record("expected .transport, got \(String(describing: error))")
            return
        }
        #expect(underlying.kind == .timedOut)
        #expect(underlying.delivery == .mayHaveBeenSent)
    }

    @Test("cancelling a call in flight ends it at once with CancellationError", arguments: kinds)
    func cancellationInFlight(kind: TransportKind) async throws {
        let gate = DispatchSemaphore(value: 0)
        let (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
        let server = try HTTPServer { _ in
            arrived.yield()
            gate.wait()  // released when the test ends, so the server can stop
            return Self.json(200, "[]")
        }
        defer {
            gate.signal()
            server.stop()
        }
        let client = try Self.client(server, kind: kind, timeout: 60)
        let call = Task { try await client.listLinks() }
        var iterator = arrivals.makeAsyncIterator()
        _ = await iterator.next()  // the request has reached the server
        let clock = ContinuousClock()
        let started = clock.now
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(clock.now - started < .seconds(30))
    }

    @Test("Retry-After is honoured (seconds and HTTP date), and each attempt has a fresh xrfkey", arguments: kinds)
    func retryAfter(kind: TransportKind) async throws {
        let seen = Seen()
        let server = try HTTPServer { request in
            switch seen.record(request) {
            case 0: return Self.json(503, #"{"message":"busy"}"#, headers: ["Retry-After": "3"])
            case 1:
                return Self.json(
                    429, #"{"message":"slow down"}"#, headers: ["Retry-After": "Fri, 31 Dec 1999 23:59:59 GMT"])
            default: return Self.json(200, "[]")
            }
        }
        defer { server.stop() }
        let sleeps = SleepRecorder()
        #expect(try await Self.client(server, kind: kind, sleeps: sleeps).listLinks().isEmpty)
        #expect(sleeps.seconds == [3, 0])
        let keys = seen.all.compactMap { $0.headers["X-Qlik-Xrfkey"] }
        #expect(keys.count == 3)
        #expect(Set(keys).count == 3)
    }

    @Test("a lost answer: a GET is sent again, a create is not", arguments: kinds)
    func lostAnswers(kind: TransportKind) async throws {
        let seen = Seen()
        let server = try HTTPServer { request in
            let index = seen.record(request)
            if request.method == "POST" || index == 0 { return .drop }
            return Self.json(200, "[]")
        }
        defer { server.stop() }
        #expect(try await Self.client(server, kind: kind).listLinks().isEmpty)
        #expect(seen.all.count == 2)
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(server, kind: kind).createLink(
                OdagLinkCreate(name: "Sales", selectionAppId: Make.appA, templateAppId: Make.appB))
        }
        #expect(error?.mayHaveBeenApplied == true)
        guard case .outcomeUnknown = try #require(error) else {
            Issue.record("expected outcomeUnknown, got \(String(describing: error))")
            return
        }
        #expect(seen.all.filter { $0.method == "POST" }.count == 1)
    }

    @Test("a DELETE whose first answer is lost and which then finds 404 has succeeded", arguments: kinds)
    func deleteAfterLostAnswer(kind: TransportKind) async throws {
        let seen = Seen()
        let server = try HTTPServer { request in
            seen.record(request) == 0 ? .drop : Self.json(404, #"{"message":"no such link"}"#)
        }
        defer { server.stop() }
        try await Self.client(server, kind: kind).deleteLink(id: Make.linkId)
        #expect(seen.all.count == 2)
        #expect(seen.all.allSatisfy { $0.method == "DELETE" })
    }
}

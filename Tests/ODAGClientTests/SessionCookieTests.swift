import Foundation
import ODAGCore
import ODAGEmulator
import Testing

@testable import ODAGClient

/// The session cookie Qlik's proxy sets: kept in memory for the run, sent back on every later request (one proxy
/// session per run), never shown.
@Suite("Session cookies")
struct SessionCookieTests {
    typealias Seen = ODAGClientLoopbackTests.Seen

    static let session = "X-Qlik-Session=7f3c9a1e-2b4d-4c6e-8f0a-secretvalue"

    static func client(_ server: HTTPServer, headers: HTTPFields = [:], log: LogRecorder? = nil) throws -> ODAGClient {
        let configuration = ODAGClientConfiguration(
            baseURL: try #require(URL(string: "http://127.0.0.1:\(server.port)/api/odag/v1")), headers: headers,
            timeout: 60)
        return try ODAGClient(
            configuration: configuration, transport: try TransportKind.libcurl.make(), logger: log?.logger)
    }

    @Test("over real HTTP: the first answer's cookie comes back on every later request, also in parallel and retried")
    func oneSessionPerRun() async throws {
        let (server, seen) = try ODAGClientQseowTests.recording { _, index in
            var headers: HTTPFields = ["Content-Type": "application/json"]
            if index == 0 { headers.add(name: "Set-Cookie", value: Self.session + "; Path=/; HttpOnly") }
            if index == 0 { headers.add(name: "Set-Cookie", value: "Other=1; Path=/") }
            // The fourth request is refused once, to show the retry carries the cookie too.
            if index == 3 { return HTTPServerResponse(status: 503, headers: headers, body: Array("{}".utf8)) }
            return HTTPServerResponse(status: 200, headers: headers, body: Array("[]".utf8))
        }
        defer { server.stop() }
        let client = try Self.client(server)
        _ = try await client.listLinks()
        // A copy for another flavour is the same session.
        let copy = client.speaking(.qseow)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { _ = try await copy.listLinks() } }
            try await group.waitForAll()
        }
        let requests = seen.all
        #expect(requests.count == 5)
        #expect(requests[0].headers["Cookie"] == nil)
        for request in requests.dropFirst() {
            #expect(request.headers["Cookie"] == Self.session + "; Other=1")
        }
    }

    @Test("a cookie given with --header is kept, and the server's cookies of other names are added to it")
    func configuredCookie() async throws {
        let (server, seen) = try ODAGClientQseowTests.recording { _, index in
            var headers: HTTPFields = ["Content-Type": "application/json"]
            if index == 0 {
                headers.add(name: "Set-Cookie", value: "Mine=server")
                headers.add(name: "Set-Cookie", value: Self.session)
            }
            return HTTPServerResponse(status: 200, headers: headers, body: Array("[]".utf8))
        }
        defer { server.stop() }
        let client = try Self.client(server, headers: ["Cookie": "Mine=given"])
        _ = try await client.listLinks()
        _ = try await client.listLinks()
        #expect(seen.all.map { $0.headers["Cookie"] } == ["Mine=given", "Mine=given; " + Self.session])
    }

    @Test("a server that echoes the cookie in an error gets it redacted; the request log never holds it")
    func neverShown() async throws {
        let value = String(Self.session.split(separator: "=")[1])
        let (server, _) = try ODAGClientQseowTests.recording { _, index in
            if index == 0 {
                return HTTPServerResponse(
                    status: 200, headers: ["Content-Type": "application/json", "Set-Cookie": Self.session],
                    body: Array("[]".utf8))
            }
            let echoed = #"{"message":"session \#(value) is not allowed to do this"}"#
            return HTTPServerResponse(
                status: 400, headers: ["Content-Type": "application/json"], body: Array(echoed.utf8))
        }
        defer { server.stop() }
        let log = LogRecorder()
        let client = try Self.client(server, log: log)
        _ = try await client.listLinks()
        let error = await #expect(throws: ODAGClientError.self) { try await client.listLinks() }
        let text = try #require(error).description
        #expect(!text.contains(value), "\(text)")
        #expect(text.contains("<redacted>"))
        #expect(log.entries.count == 2)
        #expect(log.entries.allSatisfy { !$0.description.contains(value) })
    }

    @Test("Secure cookies are kept only over https; Max-Age 0, a past Expires or an empty value removes one")
    func jarRules() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let plain = SessionCookies(overHTTPS: false)
        plain.take(from: ["Set-Cookie": "A=1; Secure"], now: now)
        #expect(plain.header(besides: nil) == nil)
        let secure = SessionCookies(overHTTPS: true)
        var fields = HTTPFields()
        for value in ["A=1; Secure", "B=\"2\"", "C=3", "D=4", "E=5", "=nameless", "F=bad value", "G=6; Max-Age=60"] {
            fields.add(name: "Set-Cookie", value: value)
        }
        secure.take(from: fields, now: now)
        #expect(secure.header(besides: nil) == "A=1; B=2; C=3; D=4; E=5; G=6")
        var removals = HTTPFields()
        removals.add(name: "Set-Cookie", value: "B=; Path=/")
        removals.add(name: "Set-Cookie", value: "C=3; Max-Age=0")
        removals.add(name: "Set-Cookie", value: "D=4; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
        removals.add(name: "Set-Cookie", value: "E=5; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60")
        secure.take(from: removals, now: now)
        #expect(secure.header(besides: nil) == "A=1; G=6; E=5")
        #expect(secure.header(besides: "A=mine") == "A=mine; G=6; E=5")
        #expect(secure.values == ["1", "6", "5"])
    }
}

import Foundation
import ODAGCore
import ODAGEmulator
import Testing

@testable import ODAGClient

/// The client speaking Qlik's ODAG service API (the `qseow` flavour) over real loopback HTTP, against servers
/// that answer with the examples of Qlik's documentation (`Fixtures/qseow`) and record what they were sent.
@Suite("ODAGClient in the qseow flavour over loopback HTTP")
struct ODAGClientQseowTests {
    typealias Seen = ODAGClientLoopbackTests.Seen

    /// A fixture of `Fixtures/qseow`, as text.
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/qseow/\(name).json")
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func client(_ server: HTTPServer, api: APIFlavour = .qseow, headers: HTTPFields = [:]) throws -> ODAGClient {
        var all: HTTPFields = ["X-Qlik-User": "UserDirectory=CORP; UserId=jdoe"]
        for field in headers { all.add(name: field.name, value: field.value) }
        let configuration = ODAGClientConfiguration(
            baseURL: try #require(URL(string: "http://127.0.0.1:\(server.port)/api/odag/v1")), headers: all,
            timeout: 60, api: api)
        return try ODAGClient(configuration: configuration, transport: try TransportKind.libcurl.make())
    }

    static func json(_ status: Int, _ text: String, headers: HTTPFields = [:]) -> HTTPServerResponse {
        ODAGClientLoopbackTests.json(status, text, headers: headers)
    }

    static let linkId = "0b5e2d4c-7a1f-4e3b-9c8d-2f6a1b0e9d37"

    /// A loopback server that records each request and answers it with `answer` (given the request and how many
    /// came before it).
    static func recording(_ answer: @escaping @Sendable (HTTPServerRequest, Int) -> HTTPServerResponse) throws -> (
        HTTPServer, Seen
    ) {
        let seen = Seen()
        let server = try HTTPServer { request in answer(request, seen.record(request)) }
        return (server, seen)
    }

    /// The detail of a decoding error; any other error (or none) is recorded as an issue.
    static func decodingDetail(_ error: ODAGClientError?, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        -> String
    {
        guard case .decoding(_, _, _, let detail) = error else {
            Issue.record("expected a decoding error, got \(String(describing: error))", sourceLocation: sourceLocation)
            return ""
        }
        return detail
    }

    @Test("Qlik's documented link reads strictly and round-trips: the link's JSON is the server's, member for member")
    func documentedLinkRoundTrips() async throws {
        let element = try Self.fixture("link")
        let (server, seen) = try Self.recording { _, _ in
            Self.json(200, "[\(element)]")
        }
        defer { server.stop() }
        let links = try await Self.client(server).listLinks()
        let link = try #require(links.first)
        #expect(links.count == 1)
        #expect(link.json == (try JSONParser.parse(element)))
        #expect(link.id == Self.linkId)
        #expect(link.name == "Sales detail")
        #expect(link.owner == "CORP\\jdoe")
        #expect(link.templateAppId == "9f2d6b1a-4c8e-4f3a-a7d2-5e1b0c9f8a34")
        #expect(link.selectionAppId == nil)
        #expect(link.flavour == .qseow)
        #expect(link.qseow?.rowEstExpr == "Count(OrderID)")
        #expect(link.qseow?.bindings?.first?["selectionStates"] == "SO")
        let request = try #require(seen.all.first)
        #expect(request.path == "/api/odag/v1/links")
        #expect(request.queryItems.map(\.name) == ["Xrfkey", "type"])
        #expect(request.queryValue("type") == "all")
    }

    @Test("a document-shaped answer read as qseow is an error naming the JSON path and what was expected")
    func wrongShapeNamesThePath() async throws {
        let server = try HTTPServer { _ in Self.json(200, "[\(Make.linkJSON())]") }
        defer { server.stop() }
        let error = await #expect(throws: ODAGClientError.self) { try await Self.client(server).listLinks() }
        guard case .decoding(let method, let path, 200, let detail) = try #require(error) else {
            Issue.record("expected a decoding error, got \(String(describing: error))")
            return
        }
        #expect(method == "GET" && path == "/api/odag/v1/links")
        #expect(detail.hasPrefix("[0].owner: expected an object"), "\(detail)")
    }

    @Test("a Qlik-shaped answer read as document is an error naming the JSON path")
    func qseowAnswerReadAsDocument() async throws {
        let element = try Self.fixture("link")
        let server = try HTTPServer { _ in Self.json(200, "[\(element)]") }
        defer { server.stop() }
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(server, api: .document).listLinks()
        }
        let detail = Self.decodingDetail(error)
        #expect(detail.hasPrefix("[0]."), "\(detail)")
    }

    /// The recognition of each answer, and the links that come back with it.
    static let recognitionCases: [(String, String, APIFlavour.Recognition, Int)] = [
        ("Qlik's links", "[LINK,LINK2]", .recognised(.qseow), 2),
        ("the document's links", "[DOC]", .recognised(.document), 1),
        ("no links", "[]", .undecidable("the server has no links to tell it by"), 0),
        (
            "mixed", "[DOC,LINK]",
            .undecidable("link [1] has the qseow shape, but an earlier one has the document shape"), 0
        ),
        (
            "featureless", #"[{"id":"x","name":"n"}]"#,
            .undecidable("link [0] fits neither the document's shape nor Qlik's"), 0
        ),
    ]

    @Test("auto mode recognises the flavour from one read and reads the links in it", arguments: 0..<5)
    func recognition(index: Int) async throws {
        let (_, template, expected, count) = Self.recognitionCases[index]
        let link = try Self.fixture("link")
        let second = link.replacingOccurrences(of: Self.linkId, with: "1c6f3e5d-8b2a-4f4c-ad9e-3a7b2c1f0e48")
        let body = template.replacingOccurrences(of: "LINK2", with: second).replacingOccurrences(of: "LINK", with: link)
            .replacingOccurrences(of: "DOC", with: Make.linkJSON())
        let (server, seen) = try Self.recording { _, _ in
            Self.json(200, body)
        }
        defer { server.stop() }
        let read = try await Self.client(server, api: .document).listLinksRecognising()
        #expect(read.recognition == expected)
        #expect(read.links.count == count)
        if case .recognised(let flavour) = expected { #expect(read.links.allSatisfy { $0.flavour == flavour }) }
        #expect(seen.all.count == 1)
        #expect(seen.all.first?.queryValue("type") == "all")
    }

    @Test("auto mode: a link with Qlik's shape that breaks Qlik's rules is a decoding error, not a guess")
    func recognisedButBroken() async throws {
        let broken = #"[{"name":"n","owner":{"userId":"jdoe","userDirectory":"CORP"}}]"#
        let server = try HTTPServer { _ in Self.json(200, broken) }
        defer { server.stop() }
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(server).listLinksRecognising()
        }
        let detail = Self.decodingDetail(error)
        #expect(detail == "[0].id: is required", "\(detail)")
    }

    @Test("create sends Qlik's add payload exactly as given and reads the 201 {objectDef, feedback} answer")
    func create() async throws {
        let body = try JSONParser.parse(Self.fixture("create"))
        let answer = try Self.fixture("answer")
        let (server, seen) = try Self.recording { _, _ in
            Self.json(201, answer)
        }
        defer { server.stop() }
        let result = try await Self.client(server).createQseowLink(body)
        let request = try #require(seen.all.first)
        #expect(request.method == "POST" && request.path == "/api/odag/v1/links")
        #expect(try JSONParser.parse(request.body) == body)
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(result.link.json == (try JSONParser.parse(answer))["objectDef"])
        #expect(result.link.name == "Sales detail v2")
        #expect(result.feedback.map(\.isWarning) == [true])
        #expect(result.feedback.first?.content == "the template app's script has no $(od_Region) pattern")
        #expect(!result.isIncomplete)
    }

    @Test("a create whose answer is lost is never sent again: its outcome is unknown")
    func createLost() async throws {
        let (server, seen) = try Self.recording { _, _ in
            .drop
        }
        defer { server.stop() }
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(server).createQseowLink(try JSONParser.parse(Self.fixture("create")))
        }
        guard case .outcomeUnknown = try #require(error) else {
            Issue.record("expected outcomeUnknown, got \(String(describing: error))")
            return
        }
        #expect(seen.all.count == 1)
    }

    @Test("modify sends Qlik's modify payload as given and reads the wrapped answer; read reads the wrapper too")
    func modifyAndRead() async throws {
        let body = try JSONParser.parse(Self.fixture("modify"))
        let answer = try Self.fixture("answer")
        let (server, seen) = try Self.recording { _, _ in
            Self.json(200, answer)
        }
        defer { server.stop() }
        let client = try Self.client(server)
        let modified = try await client.modifyQseowLink(id: Self.linkId, body)
        let read = try await client.readQseowLink(id: Self.linkId)
        #expect(modified == read)
        #expect(modified.link.modifiedDate == "2024-03-03T09:30:00.000Z")
        let requests = seen.all
        #expect(requests.map(\.method) == ["PUT", "GET"])
        #expect(requests.allSatisfy { $0.path == "/api/odag/v1/links/\(Self.linkId)" })
        #expect(try JSONParser.parse(requests[0].body) == body)
    }

    /// Refusals of a modify and whether each means a stale `modifiedDate`.
    static let refusals: [(Int, String, Bool)] = [
        (409, #"{"message":"conflict"}"#, true),
        (400, #"{"message":"obsolete last modifiedDate"}"#, true),
        (400, "ModifiedDate does not match", true),
        (400, #"{"message":"bad rowEstRange"}"#, false),
        (404, #"{"message":"no such link"}"#, false),
    ]

    @Test("a modify refused with 409, or 400 naming modifiedDate, is stale; other refusals are not", arguments: 0..<5)
    func staleModifiedDate(index: Int) async throws {
        let (status, text, stale) = Self.refusals[index]
        let (server, seen) = try Self.recording { _, _ in
            text.hasPrefix("{")
                ? Self.json(status, text) : HTTPServerResponse(status: status, body: Array(text.utf8))
        }
        defer { server.stop() }
        let client = try Self.client(server)
        let error = await #expect(throws: ODAGClientError.self) {
            try await client.modifyQseowLink(id: Self.linkId, try JSONParser.parse(Self.fixture("modify")))
        }
        let failure = try #require(error)
        #expect(Self.isStale(failure) == stale)
        #expect(failure.status == status)
        if stale { #expect(failure.description.contains("no longer the one sent"), "\(failure)") }
        #expect(seen.all.count == 1)
    }

    @Test("a 409 to anything but Qlik's modify is an ordinary refusal")
    func conflictElsewhere() async throws {
        let server = try HTTPServer { _ in Self.json(409, #"{"message":"modifiedDate conflict"}"#) }
        defer { server.stop() }
        let client = try Self.client(server)
        let error = await #expect(throws: ODAGClientError.self) {
            try await client.updateLink(id: Self.linkId, OdagLinkUpdate(name: "n"))
        }
        #expect(!Self.isStale(try #require(error)))
    }

    static func isStale(_ error: ODAGClientError) -> Bool {
        if case .staleModifiedDate = error { return true }
        return false
    }

    @Test("selAppLinkUsages posts the link list to the selection app and reads which links it uses")
    func usages() async throws {
        let link = try Self.fixture("link")
        let other = "1c6f3e5d-8b2a-4f4c-ad9e-3a7b2c1f0e48"
        let (server, seen) = try Self.recording { _, _ in
            Self.json(200, #"[{"id":"\#(Self.linkId)","link":\#(link)},{"id":"\#(other)"}]"#)
        }
        defer { server.stop() }
        let selectionApp = "3a7c1e9b-5d2f-4b8a-9e6c-1f0d2b4a7c58"
        let usages = try await Self.client(server).selAppLinkUsages(
            selectionAppId: selectionApp, linkIds: [Self.linkId, other])
        #expect(usages.map(\.id) == [Self.linkId, other])
        #expect(usages.map(\.isReadable) == [true, false])
        let request = try #require(seen.all.first)
        #expect(request.method == "POST")
        #expect(request.path == "/api/odag/v1/apps/\(selectionApp)/selAppLinkUsages")
        #expect(request.queryValue("type") == "all")
        #expect(try JSONParser.parse(request.body) == ["linkList": [.string(Self.linkId), .string(other)]])
    }
}

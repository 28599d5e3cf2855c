import Foundation
import ODAGCore
import ODAGEmulator
import Testing

@testable import ODAGClient

/// The client in the qseow flavour against `emulator --api qseow` over real loopback HTTP: Qlik's documented
/// payloads accepted as sent, the answers read strictly, a stale `modifiedDate`, views, and one proxy session
/// per client.
@Suite("ODAGClient against the qseow emulator")
struct ODAGClientQseowEmulatorTests {
    static func start() throws -> Emulator {
        var configuration = EmulatorConfiguration()
        configuration.api = .qseow
        return try Emulator.start(configuration)
    }

    static func client(_ emulator: Emulator, api: APIFlavour = .qseow) throws -> ODAGClient {
        let configuration = ODAGClientConfiguration(
            baseURL: try #require(URL(string: emulator.baseURL)),
            headers: ["X-Qlik-User": "UserDirectory=CORP; UserId=jdoe"], timeout: 60, retryPolicy: .never, api: api)
        return try ODAGClient(configuration: configuration, transport: LibcurlTransport())
    }

    static func fixture(_ name: String) throws -> JSONValue {
        try JSONParser.parse(ODAGClientQseowTests.fixture(name))
    }

    @Test("Qlik's documented add and modify payloads are accepted as sent, and the answers read strictly")
    func documentedPayloads() async throws {
        let emulator = try Self.start()
        defer { emulator.stop() }
        let client = try Self.client(emulator)
        let created = try await client.createQseowLink(try Self.fixture("create"))
        #expect(created.link.name == "Sales detail")
        #expect(created.link.owner == "CORP\\jdoe", "the owner object read as DIRECTORY\\userId")
        #expect(created.link.templateAppId == "9f2d6b1a-4c8e-4f3a-a7d2-5e1b0c9f8a34")
        #expect(created.link.status == "active")
        #expect(created.link.qseow?.properties?["genAppLimit"] == [["context": "User_*", "limit": 5]])
        let id = try #require(created.link.id)

        let listed = try await client.listLinks()
        #expect(listed == [created.link])
        let recognised = try await client.listLinksRecognising()
        #expect(recognised.recognition == .recognised(.qseow))
        #expect(recognised.links == [created.link])

        var modify = try Self.fixture("modify")
        modify = Self.setting(modify, "modifiedDate", .string(try #require(created.link.modifiedDate)))
        let modified = try await client.modifyQseowLink(id: id, modify)
        #expect(modified.link.name == "Sales detail v2")
        #expect(modified.link.qseow?.properties?["rowEstRange"] == [["context": "*", "highBound": 50000]])
        #expect(try await client.readQseowLink(id: id) == QseowLinkAnswer(link: modified.link))

        // The first modifiedDate is stale now.
        let error = await #expect(throws: ODAGClientError.self) { try await client.modifyQseowLink(id: id, modify) }
        guard case .staleModifiedDate(_, _, 409, _) = try #require(error) else {
            Issue.record("expected a stale modifiedDate, got \(String(describing: error))")
            return
        }
        #expect(try await client.readQseowLink(id: id).link == modified.link, "the stale modify changed nothing")

        let usages = try await client.selAppLinkUsages(
            selectionAppId: "3a7c1e9b-5d2f-4b8a-9e6c-1f0d2b4a7c58", linkIds: [id])
        #expect(usages.map(\.isReadable) == [true])
    }

    @Test("views are read with the links (type=all), so a view is never taken for missing")
    func viewsAreRead() async throws {
        let emulator = try Self.start()
        defer { emulator.stop() }
        let client = try Self.client(emulator)
        var view = try Self.fixture("create")
        view = Self.setting(view, "name", "Sales view")
        view = Self.setting(view, "dynamicView", true)
        _ = try await client.createQseowLink(try Self.fixture("create"))
        _ = try await client.createQseowLink(view)
        let names = try await client.listLinks().compactMap(\.name).sorted()
        #expect(names == ["Sales detail", "Sales view"])
        // Without the query, the server leaves the view out, as Qlik Cloud documents.
        let url = try #require(URL(string: emulator.baseURL + "/links?Xrfkey=abcdefghijklmnop"))
        let bare = try await LibcurlTransport().send(
            HTTPRequest(
                method: "GET", url: url,
                headers: [
                    "X-Qlik-Xrfkey": "abcdefghijklmnop", "X-Qlik-User": "UserDirectory=CORP; UserId=jdoe",
                ]))
        #expect(try JSONParser.parse(bare.body).arrayValue?.count == 1)
    }

    @Test("one client is one proxy session however many requests it sends; the cookie never shows")
    func oneSessionPerClient() async throws {
        let emulator = try Self.start()
        defer { emulator.stop() }
        let client = try Self.client(emulator)
        for _ in 0..<3 { _ = try await client.createQseowLink(try Self.fixture("create")) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = try await client.listLinks() } }
            try await group.waitForAll()
        }
        #expect(emulator.sessionsCreated == 1)
        #expect(client.cookies.values.count == 1)
        #expect(!client.configuration.description.contains(client.cookies.values[0]))
        _ = try await Self.client(emulator).listLinks()
        #expect(emulator.sessionsCreated == 2, "another run is another session")
    }

    @Test("the document flavour's read of Qlik's links fails naming the path, as auto recognises them")
    func wrongFlavour() async throws {
        let emulator = try Self.start()
        defer { emulator.stop() }
        _ = try await Self.client(emulator).createQseowLink(try Self.fixture("create"))
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(emulator, api: .document).listLinks()
        }
        let detail = ODAGClientQseowTests.decodingDetail(error)
        #expect(detail.hasPrefix("[0]."), "\(detail)")
        let recognised = try await Self.client(emulator, api: .document).listLinksRecognising()
        #expect(recognised.recognition == .recognised(.qseow))
    }

    static func setting(_ object: JSONValue, _ key: String, _ value: JSONValue) -> JSONValue {
        var members = object.objectValue ?? [:]
        members[key] = value
        return .object(members)
    }
}

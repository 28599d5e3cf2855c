import Foundation
import ODAGCore
import ODAGEmulator
import Testing

@testable import ODAGClient

/// The client against the emulator over real loopback HTTP, through every transport.
@Suite("ODAGClient against the emulator")
struct ODAGClientEmulatorTests {
    static let selectionApp = "a5b6c7d8-0000-4000-8000-000000000001"
    static let templateApp = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"
    static let user: HTTPFields = ["X-Qlik-User": "UserDirectory=CORP; UserId=svc"]

    static func start(_ change: (inout EmulatorConfiguration) -> Void = { _ in }) throws -> Emulator {
        var configuration = EmulatorConfiguration()
        change(&configuration)
        return try Emulator.start(configuration)
    }

    static func transport(_ kind: TransportKind) throws -> any HTTPTransport {
        try kind.make()
    }

    static func client(
        _ emulator: Emulator, transport: (any HTTPTransport)? = nil, headers: HTTPFields = user,
        token: String? = nil, retry: RetryPolicy = .default, sleeps: SleepRecorder = SleepRecorder(),
        timeout: Double = 10
    ) throws -> ODAGClient {
        let configuration = ODAGClientConfiguration(
            baseURL: try #require(URL(string: emulator.baseURL)), headers: headers, bearerToken: token,
            timeout: timeout, retryPolicy: retry)
        return try ODAGClient(
            configuration: configuration, transport: transport ?? LibcurlTransport(), sleeper: sleeps.sleeper)
    }

    static func linkCreate(name: String = "Sales detail by region") -> OdagLinkCreate {
        OdagLinkCreate(
            name: name, selectionAppId: selectionApp, templateAppId: templateApp,
            properties: OdagLinkProperties(
                rowEstExpr: "Sum([Order Count])",
                bindings: [OdagBinding(selectionField: "Region", templateField: "Region", selectionType: "selected")],
                genAppAccessible: true, retention: OdagRetention(maxAge: 1440, maxCount: 5),
                extra: ["futureSetting": "kept"]))
    }

    @Test(
        "all 14 operations, from create to delete",
        arguments: TransportKind.allCases)
    func allOperations(kind: TransportKind) async throws {
        let clock = ManualClock()
        let emulator = try Self.start { $0.clock = clock }
        defer { emulator.stop() }
        let client = try Self.client(emulator, transport: Self.transport(kind))

        let about = try await client.getAbout()
        #expect(about.version == "3.4.1")
        #expect(about.stabilityIndex == "stable")

        let created = try await client.createLink(Self.linkCreate())
        let id = try #require(created.id)
        #expect(ODAGUUID.isValid(id))
        #expect(created.owner == "CORP\\svc")
        #expect(created.properties?.extra["futureSetting"] == "kept")
        #expect(created.createdDate != nil)

        #expect(try await client.listLinks().map(\.id) == [id])
        #expect(try await client.getLink(id: id) == created)

        var properties = try #require(created.properties)
        properties.retention = OdagRetention(maxAge: 720, maxCount: 5)
        let updated = try await client.updateLink(id: id, OdagLinkUpdate(name: "Sales v2", properties: properties))
        #expect(updated.name == "Sales v2")
        #expect(updated.properties?.retention?.maxAge == 720)
        #expect(updated.properties?.extra["futureSetting"] == "kept")
        #expect(updated.selectionAppId == Self.selectionApp)

        #expect(try await client.listLinkRequests(linkId: id).isEmpty)
        let submitted = try await client.submitRequest(
            linkId: id, OdagRequestCreate(selectionState: ["Region": ["North", "South"]]))
        let requestId = try #require(submitted.id)
        #expect(submitted.status == "queued")
        #expect(submitted.linkId == id)
        #expect(try await client.listLinkRequests(linkId: id).map(\.id) == [requestId])
        #expect(try await client.listRequests().map(\.id) == [requestId])

        clock.advance(by: 60)
        let completed = try await client.getRequest(id: requestId)
        #expect(completed.status == "completed")
        #expect(completed.generatedAppId != nil)

        let renamed = try await client.renameRequestApp(requestId: requestId, name: "North and South")
        #expect(renamed.generatedAppName == "North and South")
        let reloading = try await client.reloadRequestApp(requestId: requestId)
        #expect(reloading.status == "loading")
        clock.advance(by: 60)
        try await client.deleteRequestApp(requestId: requestId)
        #expect(try await client.getRequest(id: requestId).generatedAppId == nil)

        let second = try await client.submitRequest(linkId: id, OdagRequestCreate(selectionState: ["Region": ["East"]]))
        let cancelled = try await client.updateRequest(
            id: try #require(second.id), OdagRequestUpdate(status: "cancelled"))
        #expect(cancelled.status == "cancelled")

        try await client.deleteLink(id: id)
        #expect(try await client.listLinks().isEmpty)
        let gone = await #expect(throws: ODAGClientError.self) { try await client.getLink(id: id) }
        #expect(
            gone
                == .notFound(
                    method: "GET", path: "/api/odag/v1/links/\(id)", object: "link \(id)",
                    message: gone.flatMap {
                        if case .notFound(_, _, _, let message) = $0 { return message }
                        return nil
                    }))
        #expect(gone?.description == "GET /api/odag/v1/links/\(id): link \(id) not found (404)")
        // The link's requests outlive it.
        #expect(try await client.listRequests().count == 2)
    }

    @Test("unknown ids are 404s that name the object")
    func unknownIDs() async throws {
        let emulator = try Self.start()
        defer { emulator.stop() }
        let client = try Self.client(emulator)
        let missing = "00000000-0000-4000-8000-00000000dead"
        let cases: [(String, @Sendable () async throws -> Void)] = [
            ("link \(missing)", { _ = try await client.getLink(id: missing) }),
            ("link \(missing)", { _ = try await client.updateLink(id: missing, OdagLinkUpdate(name: "x")) }),
            ("link \(missing)", { try await client.deleteLink(id: missing) }),
            ("link \(missing)", { _ = try await client.listLinkRequests(linkId: missing) }),
            ("request \(missing)", { _ = try await client.getRequest(id: missing) }),
            ("request \(missing) (or its generated app)", { try await client.deleteRequestApp(requestId: missing) }),
        ]
        for (object, call) in cases {
            let error = await #expect(throws: ODAGClientError.self) { try await call() }
            #expect(error?.description.hasSuffix(": \(object) not found (404)") == true, "\(String(describing: error))")
        }
    }

    @Test("bad bodies and bad ids are 400s whose message is quoted")
    func badInput() async throws {
        let emulator = try Self.start()
        defer { emulator.stop() }
        let client = try Self.client(emulator)
        let badID = await #expect(throws: ODAGClientError.self) { try await client.getLink(id: "not-a-uuid") }
        #expect(badID?.description.contains(#"linkId "not-a-uuid" is not a UUID"#) == true)
        let link = try await client.createLink(Self.linkCreate())
        let badSelection = await #expect(throws: ODAGClientError.self) {
            try await client.submitRequest(
                linkId: try #require(link.id), OdagRequestCreate(selectionState: ["Region": "North"]))
        }
        #expect(badSelection?.status == 400)
        #expect(badSelection?.description.contains("selectionState.Region") == true)
        #expect(badSelection?.mayHaveBeenApplied == false)
    }

    @Test("raw requests: mismatched xrfkeys are refused with 401, a body that is not JSON with 400")
    func badXrfkey() async throws {
        let emulator = try Self.start()
        defer { emulator.stop() }
        let transport = try LibcurlTransport()
        let url = try #require(URL(string: emulator.baseURL + "/links?Xrfkey=abcdefghijklmnop"))
        let mismatched = try await transport.send(
            HTTPRequest(method: "GET", url: url, headers: ["X-Qlik-Xrfkey": "ponmlkjihgfedcba"]))
        #expect(mismatched.status == 401)
        #expect(try JSONParser.parse(mismatched.body)["message"]?.stringValue?.contains("does not match") == true)
        let matched = try await transport.send(
            HTTPRequest(method: "GET", url: url, headers: ["X-Qlik-Xrfkey": "abcdefghijklmnop"]))
        #expect(matched.status == 200)
        // A body that is not JSON, sent raw with a valid xrfkey, is a 400 whose message the client quotes.
        let broken = try await transport.send(
            HTTPRequest(
                method: "POST", url: url,
                headers: ["X-Qlik-Xrfkey": "abcdefghijklmnop", "Content-Type": "application/json"],
                body: Array(#"{"name": "x",}"#.utf8)))
        #expect(broken.status == 400)
        let brokenError = try Self.client(emulator).error(
            for: broken, operation: Operation(method: "POST", path: ["links"]))
        #expect(
            brokenError.description.hasPrefix(
                "POST /api/odag/v1/links: the server answered 400: \"the request body is not valid JSON"))
        // Through the client, the same 401 is an authentication failure that quotes the server.
        let client = try Self.client(emulator)
        let error = client.error(for: mismatched, operation: Operation(method: "GET", path: ["links"]))
        #expect(
            error.description.hasPrefix(
                "GET /api/odag/v1/links: authentication failed (401): \"the X-Qlik-Xrfkey header"))
    }

    @Test("a required token: without it authentication fails, with it the call works; the token is never shown")
    func requiredToken() async throws {
        let token = "emulator-token-123456"
        let emulator = try Self.start { $0.requireToken = token }
        defer { emulator.stop() }
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(emulator, token: "wrong-token-999999").listLinks()
        }
        #expect(error?.status == 401)
        #expect(error?.description.contains("authentication failed") == true)
        #expect(error?.description.contains("wrong-token-999999") == false)
        #expect(try await Self.client(emulator, token: token).listLinks().isEmpty)
    }

    @Test("a required header missing: the virtual proxy's redirect to its login page is named")
    func requiredHeader() async throws {
        let emulator = try Self.start { $0.requireHeader = "X-Qlik-User" }
        defer { emulator.stop() }
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(emulator, headers: [:]).listLinks()
        }
        guard case .redirected(_, _, let status, let location) = try #require(error) else {
            Issue.record("expected .redirected, got \(String(describing: error))")
            return
        }
        #expect(status == 302)
        #expect(location?.contains(EmulatorConfiguration.loginPath) == true)
        #expect(try await Self.client(emulator).listLinks().isEmpty)
    }

    @Test("injected 503s with Retry-After are retried after the server's wait; creates are not re-sent")
    func injectedFailures() async throws {
        let emulator = try Self.start {
            $0.failRate = 1
            $0.retryAfterSeconds = 2
        }
        defer { emulator.stop() }
        let sleeps = SleepRecorder()
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(emulator, retry: RetryPolicy(maxAttempts: 3), sleeps: sleeps).listLinks()
        }
        #expect(error?.status == 503)
        #expect(sleeps.seconds == [2, 2])
        let createSleeps = SleepRecorder()
        let create = await #expect(throws: ODAGClientError.self) {
            try await Self.client(emulator, sleeps: createSleeps).createLink(Self.linkCreate())
        }
        guard case .outcomeUnknown = try #require(create) else {
            Issue.record("expected outcomeUnknown, got \(String(describing: create))")
            return
        }
        #expect(createSleeps.sleeps.isEmpty)
        #expect(emulator.linkCount == 0)
    }

    @Test("a create whose answer is lost is reported as outcomeUnknown, and it did happen")
    func droppedCreate() async throws {
        let emulator = try Self.start { $0.dropRate = 1 }
        defer { emulator.stop() }
        let error = await #expect(throws: ODAGClientError.self) {
            try await Self.client(emulator).createLink(Self.linkCreate())
        }
        #expect(error?.mayHaveBeenApplied == true)
        guard case .outcomeUnknown(let operation, _) = try #require(error) else {
            Issue.record("expected outcomeUnknown, got \(String(describing: error))")
            return
        }
        #expect(operation == "POST /api/odag/v1/links")
        #expect(emulator.linkCount == 1)
    }
}

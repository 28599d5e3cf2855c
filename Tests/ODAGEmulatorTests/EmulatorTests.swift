import Foundation
import ODAGCore
import ODAGEmulator
import ODAGTestSupport
import Testing

/// The 14 operations over real loopback HTTP: success paths, then error paths.
@Suite struct EmulatorTests {
    static let json = "application/json; charset=utf-8"

    func isTimestamp(_ value: JSONValue?) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil
    }

    // MARK: - About and links

    @Test func getAbout() throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let response = try RawHTTPClient(port: emulator.port).call("GET", "/about")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == Self.json)
        #expect(response.json?["version"]?.stringValue == "3.4.1")
        #expect(response.json?["stabilityIndex"]?.stringValue == "stable")
        #expect(emulator.baseURL == "http://127.0.0.1:\(emulator.port)/api/odag/v1")
    }

    @Test func createGetListLinks() throws {
        let clock = ManualClock()
        let emulator = try Fixtures.makeEmulator(clock: clock)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let empty = try client.call("GET", "/links")
        #expect(empty.status == 200)
        #expect(empty.text == "[]")

        let created = try client.call("POST", "/links", json: Fixtures.makeLink())
        #expect(created.status == 201)
        #expect(created.headers["Content-Type"] == Self.json)
        let link = try #require(created.json)
        let id = try #require(link["id"]?.stringValue)
        #expect(ODAGUUID.isValid(id) && id == id.lowercased())
        #expect(link["createdDate"]?.stringValue == "2026-01-01T00:00:00.000Z")
        #expect(link["modifiedDate"] == link["createdDate"])
        #expect(link["owner"]?.stringValue == "INTERNAL\\sa_api")
        #expect(link["status"]?.stringValue == "active")
        #expect(link["name"]?.stringValue == "Sales detail")
        #expect(link["properties"] == Fixtures.makeLink()["properties"])
        #expect(link["properties"]?["someServerField"]?["nested"] == [1, 2, 3])

        let fetched = try client.call("GET", "/links/\(id)")
        #expect(fetched.status == 200)
        #expect(fetched.json == link)
        let upper = try client.call("GET", "/links/\(id.uppercased())")
        #expect(upper.status == 200)

        let list = try client.call("GET", "/links")
        #expect(list.json == .array([link]))
    }

    @Test func createTakesTheOwnerFromXQlikUser() throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let response = try client.call(
            "POST", "/links", json: Fixtures.makeLink(), headers: [("X-Qlik-User", "UserDirectory=CORP; UserId=jdoe")])
        #expect(response.json?["owner"]?.stringValue == "CORP\\jdoe")
    }

    @Test func duplicateNamesAreAllowedAndListedInCreationOrder() throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let first = try Fixtures.createLink(client)
        let second = try Fixtures.createLink(client)
        let third = try Fixtures.createLink(client, Fixtures.makeLink(name: "Another"))
        #expect(first["id"] != second["id"])
        let list = try client.call("GET", "/links").json?.arrayValue ?? []
        #expect(list.map { $0["id"] } == [first["id"], second["id"], third["id"]])
    }

    @Test func updateReplacesNameAndPropertiesAndBumpsModifiedDate() throws {
        let clock = ManualClock()
        let emulator = try Fixtures.makeEmulator(clock: clock)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let link = try Fixtures.createLink(client)
        let id = link["id"]?.stringValue ?? ""
        clock.advance(by: 61.5)
        let update: JSONValue = ["name": "Renamed", "properties": ["rowEstExpr": "1", "custom": "kept"]]
        let response = try client.call("PUT", "/links/\(id)", json: update)
        #expect(response.status == 200)
        let updated = try #require(response.json)
        #expect(updated["name"]?.stringValue == "Renamed")
        #expect(updated["properties"] == ["rowEstExpr": "1", "custom": "kept"])
        #expect(updated["createdDate"] == link["createdDate"])
        #expect(updated["modifiedDate"]?.stringValue == "2026-01-01T00:01:01.500Z")
        #expect(updated["selectionAppId"] == link["selectionAppId"])

        // Name only: properties stay.
        let renamed = try client.call("PUT", "/links/\(id)", json: ["name": "Again"])
        #expect(renamed.json?["properties"] == ["rowEstExpr": "1", "custom": "kept"])
        #expect(try client.call("GET", "/links/\(id)").json == renamed.json)
    }

    @Test func deleteLink() throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let id = try Fixtures.createLink(client)["id"]?.stringValue ?? ""
        let deleted = try client.call("DELETE", "/links/\(id)")
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        #expect(try client.call("GET", "/links/\(id)").status == 404)
        let again = try client.call("DELETE", "/links/\(id)")
        #expect(again.status == 404)
        #expect(again.message == "link \"\(id)\" was not found")
        #expect(try client.call("GET", "/links").text == "[]")
    }

    // MARK: - Link errors

    @Test(arguments: [
        ("{}", "name: is required"),
        (#"{"name":"a","templateAppId":"22222222-2222-4222-8222-222222222222"}"#, "selectionAppId: is required"),
        (
            #"{"name":"a","selectionAppId":"nope","templateAppId":"22222222-2222-4222-8222-222222222222"}"#,
            "selectionAppId: \"nope\" is not a UUID"
        ),
        (#"{"name":"a","selectionAppId":"11111111-1111-4111-8111-111111111111"}"#, "templateAppId: is required"),
        (
            #"{"name":5,"selectionAppId":"11111111-1111-4111-8111-111111111111","templateAppId":"22222222-2222-4222-8222-222222222222"}"#,
            "name: expected a string"
        ),
        (
            #"{"name":"a","selectionAppId":"11111111-1111-4111-8111-111111111111","templateAppId":"22222222-2222-4222-8222-222222222222","properties":{"retention":{"maxAge":"x"}}}"#,
            "properties.retention.maxAge: expected an integer"
        ),
        (
            #"{"name":"a","selectionAppId":"11111111-1111-4111-8111-111111111111","templateAppId":"22222222-2222-4222-8222-222222222222","properties":{"bindings":[{"selectionField":1}]}}"#,
            "properties.bindings[0].selectionField: expected a string"
        ),
        ("[]", "expected an object"),
        ("{\"name\": ", "not valid JSON"),
        ("{\"a\":1,}", "not valid JSON"),
        ("", "request body is required"),
    ])
    func createRejectsBadBodies(body: String, expected: String) throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let response = try client.call("POST", "/links", body: body)
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == Self.json)
        #expect(response.message?.contains(expected) == true, "\(response.message ?? response.text)")
        #expect(emulator.linkCount == 0)
    }

    @Test func updateRejectsBadInput() throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let id = try Fixtures.createLink(client)["id"]?.stringValue ?? ""
        let badProperties = try client.call("PUT", "/links/\(id)", body: #"{"properties":{"genAppAccessible":"yes"}}"#)
        #expect(badProperties.status == 400)
        #expect(badProperties.message?.contains("properties.genAppAccessible: expected a boolean") == true)
        let changedApp = try client.call(
            "PUT", "/links/\(id)", json: ["selectionAppId": .string(Fixtures.unknownId)])
        #expect(changedApp.status == 400)
        #expect(changedApp.message?.contains("selectionAppId: cannot be changed") == true)
        let sameApp = try client.call("PUT", "/links/\(id)", json: ["selectionAppId": .string(Fixtures.selectionAppId)])
        #expect(sameApp.status == 200)
        #expect(try client.call("PUT", "/links/\(id)", body: "nope").status == 400)
        let unknown = try client.call("PUT", "/links/\(Fixtures.unknownId)", json: ["name": "x"])
        #expect(unknown.status == 404)
        #expect(unknown.message == "link \"\(Fixtures.unknownId)\" was not found")
    }

    /// Every operation with an id in its path: a non-UUID is `400`, an unknown id `404`.
    @Test(arguments: [
        ("GET", "/links/{id}"), ("PUT", "/links/{id}"), ("DELETE", "/links/{id}"),
        ("GET", "/links/{id}/requests"), ("POST", "/links/{id}/requests"),
        ("GET", "/requests/{id}"), ("PUT", "/requests/{id}"), ("DELETE", "/requests/{id}/app"),
        ("POST", "/requests/{id}/reloadApp"), ("POST", "/requests/{id}/renameApp"),
    ])
    func idsMustBeUUIDsAndKnown(method: String, path: String) throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let body: String? =
            ["PUT", "POST"].contains(method) ? #"{"name":"n","status":"cancelled","selectionState":{}}"# : nil
        let bad = try client.call(method, path.replacingOccurrences(of: "{id}", with: "not-a-uuid"), body: body)
        #expect(bad.status == 400)
        #expect(bad.message?.contains("\"not-a-uuid\" is not a UUID") == true, "\(bad.text)")
        let unknown = try client.call(
            method, path.replacingOccurrences(of: "{id}", with: Fixtures.unknownId), body: body)
        #expect(unknown.status == 404)
        #expect(unknown.message?.contains(Fixtures.unknownId) == true, "\(unknown.text)")
        #expect(unknown.headers["Content-Type"] == Self.json)
    }

    // MARK: - Routing and xrfkey

    @Test func unknownPathsAre404AndWrongMethods405() throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        for path in ["/nothing", "/links/\(Fixtures.unknownId)/other", "/", "/links/"] {
            let response = try client.call("GET", path)
            #expect(response.status == 404, "\(path)")
            #expect(response.headers["Content-Type"] == Self.json)
        }
        try client.send("GET /elsewhere HTTP/1.1\r\n\r\n")
        #expect(try client.readResponse().status == 404)
        let wrong = try client.call("DELETE", "/links")
        #expect(wrong.status == 405)
        #expect(wrong.headers["Allow"] == "GET, POST")
        #expect(wrong.message?.isEmpty == false)
        #expect(try client.call("PATCH", "/links/\(Fixtures.unknownId)").headers["Allow"] == "GET, PUT, DELETE")
        #expect(try client.call("GET", "/requests/\(Fixtures.unknownId)/renameApp").headers["Allow"] == "POST")
    }

    static let operations: [(String, String)] = [
        ("GET", "/about"), ("GET", "/links"), ("POST", "/links"), ("GET", "/links/{id}"), ("PUT", "/links/{id}"),
        ("DELETE", "/links/{id}"), ("GET", "/links/{id}/requests"), ("POST", "/links/{id}/requests"),
        ("GET", "/requests"), ("GET", "/requests/{id}"), ("PUT", "/requests/{id}"), ("DELETE", "/requests/{id}/app"),
        ("POST", "/requests/{id}/reloadApp"), ("POST", "/requests/{id}/renameApp"),
    ]

    @Test(arguments: operations)
    func everyOperationEnforcesTheXrfkey(method: String, path: String) throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let target = path.replacingOccurrences(of: "{id}", with: Fixtures.unknownId)
        let cases: [(String?, String?, String)] = [
            (nil, nil, "missing xrfkey"),
            (nil, RawHTTPClient.xrfkey, "missing X-Qlik-Xrfkey header"),
            (RawHTTPClient.xrfkey, nil, "missing Xrfkey query parameter"),
            ("ABCDEFGHIJKLMNOP", RawHTTPClient.xrfkey, "does not match"),
            ("short", "short", "must be 16 characters, found 5"),
            ("abcdefghijklmnopq", "abcdefghijklmnopq", "must be 16 characters, found 17"),
        ]
        for (header, query, expected) in cases {
            let response = try client.call(
                method, target, body: method == "GET" || method == "DELETE" ? nil : "{}", xrfkeyHeader: header,
                xrfkeyQuery: query)
            #expect(response.status == 401)
            #expect(response.headers["Content-Type"] == Self.json)
            #expect(response.message?.contains(expected) == true, "\(response.message ?? response.text)")
        }
        #expect(emulator.linkCount == 0)
    }

    // MARK: - Requests

    /// A link with a required `Region` binding and an optional `Year` binding, and a queued request on it.
    func makeRequest(
        _ client: RawHTTPClient, selection: JSONValue = ["Region": ["North"], "Year": []]
    ) throws -> (linkId: String, request: JSONValue) {
        let linkId = try Fixtures.createLink(client)["id"]?.stringValue ?? ""
        let response = try client.call("POST", "/links/\(linkId)/requests", json: ["selectionState": selection])
        guard response.status == 201, let request = response.json else {
            throw RawHTTPClientError.malformed("submit answered \(response.status): \(response.text)")
        }
        return (linkId, request)
    }

    @Test func requestMovesFromQueuedToLoadingToCompleted() throws {
        let clock = ManualClock()
        let emulator = try Fixtures.makeEmulator(clock: clock)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let (linkId, request) = try makeRequest(client)
        let id = try #require(request["id"]?.stringValue)
        #expect(request["status"]?.stringValue == "queued")
        #expect(request["linkId"]?.stringValue == linkId)
        #expect(request["selectionAppId"]?.stringValue == Fixtures.selectionAppId)
        #expect(request["templateAppId"]?.stringValue == Fixtures.templateAppId)
        #expect(request["selectionState"] == ["Region": ["North"], "Year": []])
        #expect(request["generatedAppId"] == nil)
        #expect(isTimestamp(request["createdDate"]))

        clock.advance(by: 0.999)
        #expect(try client.call("GET", "/requests/\(id)").json?["status"]?.stringValue == "queued")
        clock.advance(by: 0.001)
        let loading = try client.call("GET", "/requests/\(id)").json
        #expect(loading?["status"]?.stringValue == "loading")
        #expect(loading?["modifiedDate"]?.stringValue == "2026-01-01T00:00:01.000Z")
        clock.advance(by: 10)
        let completed = try #require(try client.call("GET", "/requests/\(id)").json)
        #expect(completed["status"]?.stringValue == "completed")
        // Completed when due (1 s queued + 2 s loading), not when it was looked at.
        #expect(completed["modifiedDate"]?.stringValue == "2026-01-01T00:00:03.000Z")
        let appId = try #require(completed["generatedAppId"]?.stringValue)
        #expect(ODAGUUID.isValid(appId))
        #expect(completed["generatedAppName"]?.stringValue?.isEmpty == false)

        #expect(try client.call("GET", "/links/\(linkId)/requests").json == .array([completed]))
        #expect(try client.call("GET", "/requests").json == .array([completed]))
    }

    @Test func aFailingSelectionEndsFailed() throws {
        let clock = ManualClock()
        let emulator = try Fixtures.makeEmulator(clock: clock)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let (_, request) = try makeRequest(
            client, selection: ["Region": .array([.string(EmulatorConfiguration.failingSelectionValue)])])
        clock.advance(by: 5)
        let failed = try client.call("GET", "/requests/\(request["id"]?.stringValue ?? "")").json
        #expect(failed?["status"]?.stringValue == "failed")
        #expect(failed?["statusMessage"]?.stringValue?.contains("failed") == true)
        #expect(failed?["generatedAppId"] == nil)
    }

    @Test(arguments: [
        (#"{"selectionState":{"Year":["2024"]}}"#, "binding of field \"Region\" needs at least one selected value"),
        (#"{"selectionState":{"Region":[]}}"#, "needs at least one selected value"),
        (#"{"selectionState":{"Region":"North"}}"#, "selectionState.Region: expected an array"),
        (#"{"selectionState":{"Region":[{"a":1}]}}"#, "selectionState.Region[0]: expected a selected value"),
        (#"{"selectionState":["Region"]}"#, "selectionState: expected an object"),
        (#"{}"#, "selectionState: is required"),
        (#"not json"#, "not valid JSON"),
    ])
    func submitChecksTheSelectionAgainstTheBindings(body: String, expected: String) throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let linkId = try Fixtures.createLink(client)["id"]?.stringValue ?? ""
        let response = try client.call("POST", "/links/\(linkId)/requests", body: body)
        #expect(response.status == 400)
        #expect(response.message?.contains(expected) == true, "\(response.message ?? response.text)")
        #expect(try client.call("GET", "/requests").text == "[]")
    }

    @Test func cancelAQueuedOrLoadingRequestOnly() throws {
        let clock = ManualClock()
        let emulator = try Fixtures.makeEmulator(clock: clock)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let (linkId, request) = try makeRequest(client)
        let id = request["id"]?.stringValue ?? ""
        let wrongValue = try client.call("PUT", "/requests/\(id)", json: ["status": "completed"])
        #expect(wrongValue.status == 400)
        #expect(wrongValue.message?.contains("only \"cancelled\"") == true)
        #expect(try client.call("PUT", "/requests/\(id)", json: ["status": 3]).status == 400)

        let cancelled = try client.call("PUT", "/requests/\(id)", json: ["status": "cancelled"])
        #expect(cancelled.status == 200)
        #expect(cancelled.json?["status"]?.stringValue == "cancelled")
        clock.advance(by: 100)
        #expect(try client.call("GET", "/requests/\(id)").json?["status"]?.stringValue == "cancelled")
        #expect(try client.call("PUT", "/requests/\(id)", json: ["status": "cancelled"]).status == 400)

        let loading = try client.call("POST", "/links/\(linkId)/requests", json: ["selectionState": ["Region": ["S"]]])
        let loadingId = loading.json?["id"]?.stringValue ?? ""
        clock.advance(by: 1.5)
        #expect(try client.call("PUT", "/requests/\(loadingId)", json: ["status": "cancelled"]).status == 200)

        let done = try client.call("POST", "/links/\(linkId)/requests", json: ["selectionState": ["Region": ["E"]]])
        let doneId = done.json?["id"]?.stringValue ?? ""
        clock.advance(by: 3)
        let late = try client.call("PUT", "/requests/\(doneId)", json: ["status": "cancelled"])
        #expect(late.status == 400)
        #expect(late.message?.contains("is completed") == true)
    }

    @Test func reloadRenameAndDeleteTheGeneratedApp() throws {
        let clock = ManualClock()
        let emulator = try Fixtures.makeEmulator(clock: clock)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let (_, request) = try makeRequest(client)
        let id = request["id"]?.stringValue ?? ""

        // Before generation: nothing to reload or delete, but a name can be given in advance.
        #expect(try client.call("POST", "/requests/\(id)/reloadApp").status == 404)
        #expect(try client.call("DELETE", "/requests/\(id)/app").status == 404)
        let early = try client.call("POST", "/requests/\(id)/renameApp", json: ["name": "Early name"])
        #expect(early.status == 200)
        clock.advance(by: 3)
        let completed = try #require(try client.call("GET", "/requests/\(id)").json)
        #expect(completed["generatedAppName"]?.stringValue == "Early name")
        let appId = completed["generatedAppId"]

        let reload = try client.call("POST", "/requests/\(id)/reloadApp")
        #expect(reload.status == 200)
        #expect(reload.json?["status"]?.stringValue == "loading")
        #expect(reload.json?["generatedAppId"] == appId)
        clock.advance(by: 2)
        #expect(try client.call("GET", "/requests/\(id)").json?["status"]?.stringValue == "completed")

        let renamed = try client.call("POST", "/requests/\(id)/renameApp", json: ["name": "Sales North"])
        #expect(renamed.status == 200)
        #expect(renamed.json?["generatedAppName"]?.stringValue == "Sales North")
        #expect(
            try client.call("POST", "/requests/\(id)/renameApp", json: [:]).message?.contains("name: is required")
                == true)

        let deleted = try client.call("DELETE", "/requests/\(id)/app")
        #expect(deleted.status == 204)
        let after = try client.call("GET", "/requests/\(id)").json
        #expect(after?["generatedAppId"] == nil)
        #expect(try client.call("DELETE", "/requests/\(id)/app").status == 404)
        #expect(try client.call("POST", "/requests/\(id)/reloadApp").status == 404)
        #expect(try client.call("POST", "/requests/\(id)/renameApp", json: ["name": "x"]).status == 404)
    }

    @Test func deletingALinkLeavesItsRequests() throws {
        let clock = ManualClock()
        let emulator = try Fixtures.makeEmulator(clock: clock)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let (linkId, request) = try makeRequest(client)
        let id = request["id"]?.stringValue ?? ""
        #expect(try client.call("DELETE", "/links/\(linkId)").status == 204)
        clock.advance(by: 3)
        let kept = try client.call("GET", "/requests/\(id)")
        #expect(kept.status == 200)
        #expect(kept.json?["status"]?.stringValue == "completed")
        #expect(try client.call("GET", "/requests").json?.arrayValue?.count == 1)
        #expect(try client.call("GET", "/links/\(linkId)/requests").status == 404)
        #expect(try client.call("POST", "/requests/\(id)/reloadApp").status == 200)
    }

    @Test func requestsOfALinkAreOnlyItsOwn() throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let (first, _) = try makeRequest(client)
        let (second, _) = try makeRequest(client)
        _ = try client.call("POST", "/links/\(second)/requests", json: ["selectionState": ["Region": ["W"]]])
        #expect(try client.call("GET", "/links/\(first)/requests").json?.arrayValue?.count == 1)
        #expect(try client.call("GET", "/links/\(second)/requests").json?.arrayValue?.count == 2)
        #expect(try client.call("GET", "/requests").json?.arrayValue?.count == 3)
    }

    @Test func defaultStepDurationsCompleteQuicklyOnTheSystemClock() throws {
        let emulator = try Emulator.start(EmulatorConfiguration())
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let (_, request) = try makeRequest(client)
        let id = request["id"]?.stringValue ?? ""
        // Poll (no fixed sleep): the default steps total 150 ms.
        let deadline = Date().addingTimeInterval(10)
        var status = ""
        while Date() < deadline {
            status = try client.call("GET", "/requests/\(id)").json?["status"]?.stringValue ?? ""
            if status == "completed" { break }
            usleep(10_000)
        }
        #expect(status == "completed")
    }

    @Test func answersHeadLikeGetWithoutABody() throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let head = try client.call("HEAD", "/links")
        #expect(head.status == 200)
        #expect(head.headers["Content-Length"] == "2")
        #expect(try client.call("GET", "/about").status == 200)
    }

    @Test func fiftyConcurrentClientsCreateAndReadLinks() throws {
        let folder = try TemporaryFolder()
        let emulator = try Fixtures.makeEmulator(statePath: folder.path("state.json"))
        defer { emulator.stop() }
        let port = emulator.port
        let errors = runOnThreads(50) { index in
            let client = try RawHTTPClient(port: port)
            for round in 0..<4 {
                let link = try Fixtures.createLink(client, Fixtures.makeLink(name: "c\(index)-\(round)"))
                let id = link["id"]?.stringValue ?? ""
                let fetched = try client.call("GET", "/links/\(id)")
                guard fetched.status == 200, fetched.json?["name"]?.stringValue == "c\(index)-\(round)" else {
                    throw RawHTTPClientError.malformed("wrong answer \(fetched.status) \(fetched.text)")
                }
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        #expect(emulator.linkCount == 200)
        let client = try RawHTTPClient(port: port)
        #expect(try client.call("GET", "/links").json?.arrayValue?.count == 200)
    }
}

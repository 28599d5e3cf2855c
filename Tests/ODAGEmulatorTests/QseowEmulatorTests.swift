import Foundation
import ODAGCore
import ODAGEmulator
import ODAGTestSupport
import Synchronization
import Testing

/// The `qseow` flavour over real loopback HTTP: Qlik's documented link shapes, served strictly.
@Suite struct QseowEmulatorTests {
    static let selectionApp = Fixtures.selectionAppId
    static let otherSelectionApp = "33333333-3333-4333-8333-333333333333"
    static let templateApp = Fixtures.templateAppId
    static let jdoe = ("X-Qlik-User", "UserDirectory=CORP; UserId=jdoe")

    static func makeEmulator(
        statePath: String? = nil, clock: ManualClock = ManualClock(),
        configure: (inout EmulatorConfiguration) -> Void = { _ in }
    ) throws(EmulatorError) -> Emulator {
        try Fixtures.makeEmulator(statePath: statePath, clock: clock) { configuration in
            configuration.api = .qseow
            configure(&configuration)
        }
    }

    static func addPayload(
        name: String = "Sales detail", selectionApp: String = selectionApp, templateApp: String? = templateApp,
        extra: [String: JSONValue] = [:]
    ) -> JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(name), "selectionApp": .string(selectionApp), "rowEstExpr": "Count(OrderID)",
            "bindings": [
                ["templateAppVarName": "Region", "selectAppParamType": "Field", "selectAppParamName": "Region"]
            ],
            "properties": [
                "rowEstRange": [["context": "*", "highBound": 100000]],
                "publishTo": [["context": "User_*", "streamId": "aaaaaaaa-0000-4000-8000-000000000000"]],
                "targetSheet": [["context": "User_*", "sheetId": "bbbbbbbb-1111"]],
            ],
        ]
        if let templateApp { members["templateApp"] = .string(templateApp) }
        for (key, value) in extra { members[key] = value }
        return .object(members)
    }

    /// Creates a link and returns its `objectDef`.
    @discardableResult
    static func create(_ client: RawHTTPClient, _ payload: JSONValue = addPayload(), headers: [(String, String)] = [])
        throws -> JSONValue
    {
        let response = try client.call("POST", "/links", json: payload, headers: headers)
        guard response.status == 201, let link = response.json?["objectDef"] else {
            throw RawHTTPClientError.malformed("create answered \(response.status): \(response.text)")
        }
        return link
    }

    static func put(_ client: RawHTTPClient, _ id: String, _ members: [String: JSONValue]) throws -> RawHTTPResponse {
        try client.call("PUT", "/links/\(id)", json: .object(members))
    }

    // MARK: - Create and read

    @Test func createAnswers201WithTheWrapperAndTheServerFilledFields() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        #expect(emulator.flavour == .qseow)
        let client = try RawHTTPClient(port: emulator.port)
        let response = try client.call("POST", "/links", json: Self.addPayload(), headers: [Self.jdoe])
        #expect(response.status == 201)
        #expect(response.headers["Content-Type"] == EmulatorTests.json)
        let answer = try QseowLinkAnswer(json: try #require(response.json))
        #expect(answer.feedback.isEmpty)
        #expect(answer.link.status == "active")
        #expect(answer.link.owner == "CORP\\jdoe")
        #expect(answer.link.templateAppId == Self.templateApp)
        #expect(answer.link.selectionAppId == nil)
        let link = try #require(response.json?["objectDef"])
        let id = try #require(link["id"]?.stringValue)
        #expect(ODAGUUID.isValid(id))
        #expect(link["selectionApp"] == nil && link["selectionAppId"] == nil)
        #expect(link["createdDate"] == "2026-01-01T00:00:00.000Z")
        #expect(link["modifiedDate"] == link["createdDate"])
        #expect(link["modifiedByUserName"] == "jdoe")
        #expect(link["owner"]?["userId"] == "jdoe" && link["owner"]?["userDirectory"] == "CORP")
        #expect(link["owner"]?["name"] == "jdoe" && ODAGUUID.isValid(link["owner"]?["id"]?.stringValue ?? ""))
        #expect(link["templateApp"]?["id"] == .string(Self.templateApp))
        #expect(link["templateApp"]?["name"]?.stringValue?.isEmpty == false)
        #expect(link["rowEstExpr"] == "Count(OrderID)")
        #expect(link["dynamicView"] == false && link["modelGroups"] == [] && link["privileges"] != nil)
        #expect(
            link["bindings"] == [
                [
                    "templateAppVarName": "Region", "selectAppParamType": "Field", "selectAppParamName": "Region",
                    "selectionStates": "SO", "numericOnly": false,
                ]
            ])
        #expect(link["properties"]?["rowEstRange"] == [["context": "*", "highBound": 100000]])
        #expect(link["properties"]?["publishTo"]?.arrayValue?.first?["streamName"]?.stringValue != nil)
        #expect(link["properties"]?["targetSheet"]?.arrayValue?.first?["sheetName"]?.stringValue != nil)

        let list = try client.call("GET", "/links")
        #expect(list.status == 200)
        #expect(list.json == .array([link]))
        #expect(APIFlavour.recognise(links: try #require(list.json)) == .recognised(.qseow))
        #expect(try OdagLink.qseowList(json: try #require(list.json)).map(\.id) == [id])

        let fetched = try client.call("GET", "/links/\(id)")
        #expect(fetched.status == 200)
        #expect(fetched.json == ["objectDef": link, "feedback": []])
        #expect(try client.call("GET", "/links/\(Fixtures.unknownId)").status == 404)
    }

    @Test func theOwnerIsTheDefaultOneWithoutXQlikUser() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let link = try Self.create(try RawHTTPClient(port: emulator.port))
        #expect(link["owner"]?["userDirectory"] == "INTERNAL" && link["owner"]?["userId"] == "sa_api")
        #expect(link["modifiedByUserName"] == "sa_api")
    }

    @Test func createChecksTheAddPayloadStrictly() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        func refusal(_ payload: JSONValue) throws -> (Int, String) {
            let response = try client.call("POST", "/links", json: payload)
            return (response.status, response.message ?? "")
        }
        let cases: [(JSONValue, String)] = [
            (["selectionApp": .string(Self.selectionApp)], "name: is required"),
            (["name": "x"], "selectionApp: is required"),
            (
                Self.addPayload(extra: ["selectionAppId": .string(Self.selectionApp)]),
                #"unknown member "selectionAppId""#
            ),
            (Self.addPayload(extra: ["templateAppId": .string(Self.templateApp)]), #"unknown member "templateAppId""#),
            (
                Self.addPayload(extra: ["statusSetting": "decommission"]),
                "statusSetting: expected one of activate, disable"
            ),
            (Self.addPayload(selectionApp: "not-an-id"), "selectionApp: expected an app id"),
            (
                Self.addPayload(extra: ["properties": ["rowEstRange": ["context": "*"]]]),
                "properties.rowEstRange: expected an array"
            ),
            (
                Self.addPayload(extra: ["properties": ["genAppLimit": [["limit": 5]]]]),
                "properties.genAppLimit[0].context: is required"
            ),
            (
                Self.addPayload(extra: ["properties": ["genAppLimit": [["context": 5, "limit": 5]]]]),
                "properties.genAppLimit[0].context: expected a string"
            ),
            (
                Self.addPayload(extra: ["properties": ["genAppLimit": ["User_*"]]]),
                "properties.genAppLimit[0]: expected an object"
            ),
            (
                Self.addPayload(extra: [
                    "properties": ["publishTo": [["context": "*", "streamId": "s", "streamName": "S"]]]
                ]),
                "properties.publishTo[0].streamName: is read-only"
            ),
            (
                Self.addPayload(extra: [
                    "bindings": [["templateAppVarName": "A", "selectAppParamType": "Field", "x": 1]]
                ]), #"unknown member "x" in bindings[0]"#
            ),
            (
                Self.addPayload(extra: ["bindings": [["templateAppVarName": "A", "selectAppParamType": "Column"]]]),
                "bindings[0].selectAppParamType: expected one of"
            ),
            (Self.addPayload(extra: ["dynamicView": "yes"]), "dynamicView: expected a boolean"),
            (Self.addPayload(name: ""), "name: must not be empty"),
        ]
        for (payload, expected) in cases {
            let (status, message) = try refusal(payload)
            #expect(status == 400, "\(payload.snippet(limit: 200))")
            #expect(message.contains(expected), "\(message) does not contain \(expected)")
        }
        #expect(emulator.linkCount == 0)
        let unknownKey = try client.call("POST", "/links", json: Self.addPayload(extra: ["owner": "CORP\\x"]))
        #expect(
            unknownKey.message?.hasPrefix(
                #"unknown member "owner" in the link add payload (LinkAddPayload) (allowed: name, selectionApp"#)
                == true)
    }

    @Test func aLinkWithoutTemplateAppIsIncompleteWithAWarningUntilOneIsSet() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let created = try client.call("POST", "/links", json: Self.addPayload(templateApp: nil))
        #expect(created.status == 201)
        let answer = try QseowLinkAnswer(json: try #require(created.json))
        #expect(answer.isIncomplete)
        #expect(answer.link.qseow?.templateApp == nil)
        #expect(answer.feedback.map(\.infoType) == ["WARN"])
        let id = try #require(answer.link.id)

        // An incomplete link cannot be activated: it stays incomplete, and the server says so.
        let activate = try Self.put(
            client, id, ["modifiedDate": .string(answer.link.modifiedDate ?? ""), "statusSetting": "activate"])
        #expect(activate.status == 200)
        let still = try QseowLinkAnswer(json: try #require(activate.json))
        #expect(still.isIncomplete && still.feedback.contains { $0.isWarning })

        let completed = try Self.put(
            client, id,
            ["modifiedDate": .string(still.link.modifiedDate ?? ""), "templateApp": .string(Self.templateApp)])
        #expect(completed.status == 200)
        let done = try QseowLinkAnswer(json: try #require(completed.json))
        #expect(done.link.status == "active" && done.link.templateAppId == Self.templateApp)
    }

    // MARK: - Modify

    @Test func putRequiresTheCurrentModifiedDateExactly() throws {
        let clock = ManualClock()
        let emulator = try Self.makeEmulator(clock: clock)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let link = try Self.create(client)
        let id = try #require(link["id"]?.stringValue)
        let modified = try #require(link["modifiedDate"])

        let missing = try Self.put(client, id, ["name": "Renamed"])
        #expect(missing.status == 400)
        #expect(missing.message?.hasPrefix("modifiedDate: is required") == true)

        let stale = try Self.put(client, id, ["modifiedDate": "2025-01-01T00:00:00.000Z", "name": "Renamed"])
        #expect(stale.status == 409)
        #expect(stale.message?.contains("is stale") == true)
        // The same instant written another way is not the value as read.
        let rewritten = try Self.put(client, id, ["modifiedDate": "2026-01-01T00:00:00Z", "name": "Renamed"])
        #expect(rewritten.status == 409)

        // The clock stands still, and the date still moves on.
        let renamed = try Self.put(client, id, ["modifiedDate": modified, "name": "Renamed", "rowEstExpr": "1"])
        #expect(renamed.status == 200)
        let after = try #require(renamed.json?["objectDef"])
        #expect(after["name"] == "Renamed" && after["rowEstExpr"] == "1")
        #expect(after["modifiedDate"] == "2026-01-01T00:00:00.001Z")
        #expect(after["createdDate"] == link["createdDate"])
        #expect(after["properties"] == link["properties"] && after["bindings"] == link["bindings"])

        // The old value is stale now: a second writer with it is refused.
        #expect(try Self.put(client, id, ["modifiedDate": modified, "name": "Lost"]).status == 409)
        clock.advance(by: 5)
        let later = try Self.put(client, id, ["modifiedDate": after["modifiedDate"] ?? nil, "dynamicView": false])
        #expect(later.json?["objectDef"]?["modifiedDate"] == "2026-01-01T00:00:05.000Z")
        #expect(try client.call("GET", "/links/\(id)").json?["objectDef"]?["name"] == "Renamed")
    }

    /// Writers racing with the same `modifiedDate`: exactly one wins, every other one is told it is stale.
    @Test func concurrentWritersWithTheSameModifiedDateLeaveOneWinner() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let link = try Self.create(try RawHTTPClient(port: emulator.port))
        let id = try #require(link["id"]?.stringValue)
        let modified = link["modifiedDate"] ?? nil
        let port = emulator.port
        let statuses = Mutex<[Int]>([])
        let errors = runOnThreads(8) { index in
            let response = try Self.put(
                try RawHTTPClient(port: port), id, ["modifiedDate": modified, "name": .string("w\(index)")])
            statuses.withLock { $0.append(response.status) }
        }
        #expect(errors.isEmpty, "\(errors)")
        let all = statuses.withLock { $0 }.sorted()
        #expect(all == [200] + Array(repeating: 409, count: 7))
    }

    @Test func putTakesOnlyTheModifyPayloadKeys() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let link = try Self.create(client)
        let id = try #require(link["id"]?.stringValue)
        let modified = link["modifiedDate"] ?? nil
        for key in ["selectionApp", "id", "owner", "status", "createdDate"] {
            let response = try Self.put(client, id, ["modifiedDate": modified, key: "x"])
            #expect(response.status == 400)
            #expect(response.message?.hasPrefix("unknown member \"\(key)\" in the link modify payload") == true)
        }
        #expect(try Self.put(client, Fixtures.unknownId, ["modifiedDate": modified]).status == 404)
        #expect(try client.call("GET", "/links/\(id)").json?["objectDef"] == link)
    }

    @Test func aStatusSettingChangesOnlyTheStatusAndDecommissionIsFinal() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let link = try Self.create(client)
        let id = try #require(link["id"]?.stringValue)

        let disabled = try Self.put(
            client, id, ["modifiedDate": link["modifiedDate"] ?? nil, "statusSetting": "disable", "name": "Other"])
        #expect(disabled.status == 200)
        let answer = try QseowLinkAnswer(json: try #require(disabled.json))
        #expect(answer.link.status == "disabled" && answer.link.name == "Sales detail")
        #expect(answer.feedback.contains { $0.isWarning && ($0.content ?? "").contains("ignored: name") })

        let active = try Self.put(
            client, id, ["modifiedDate": .string(answer.link.modifiedDate ?? ""), "statusSetting": "activate"])
        let activeLink = try QseowLinkAnswer(json: try #require(active.json)).link
        #expect(activeLink.status == "active")

        let retired = try Self.put(
            client, id, ["modifiedDate": .string(activeLink.modifiedDate ?? ""), "statusSetting": "decommission"])
        let retiredLink = try QseowLinkAnswer(json: try #require(retired.json)).link
        #expect(retiredLink.status == "decommissioned")
        let again = try Self.put(
            client, id, ["modifiedDate": .string(retiredLink.modifiedDate ?? ""), "statusSetting": "activate"])
        #expect(again.status == 400)
        #expect(again.message?.contains("decommissioned") == true)
        #expect(try client.call("GET", "/links/\(id)").json?["objectDef"]?["status"] == "decommissioned")
    }

    @Test func thereIsNoLinkDelete() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let id = try #require(try Self.create(client)["id"]?.stringValue)
        let response = try client.call("DELETE", "/links/\(id)")
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, PUT")
        #expect(emulator.linkCount == 1)
        // The document flavour's other endpoints are not Qlik's link API.
        #expect(try client.call("GET", "/about").status == 404)
    }

    // MARK: - Listing

    @Test func dynamicViewsAreListedOnlyWhenAskedForAndOwnersFilter() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let link = try Self.create(client, headers: [Self.jdoe])
        let view = try Self.create(client, Self.addPayload(name: "View", extra: ["dynamicView": true]))
        let ids = { (query: String) throws -> [JSONValue] in
            try client.call("GET", "/links\(query)").json?.arrayValue?.compactMap { $0["id"] } ?? []
        }
        #expect(try ids("") == [link["id"]])
        #expect(try ids("?type=link") == [link["id"]])
        #expect(try ids("?type=view") == [view["id"]])
        #expect(try ids("?type=all") == [link["id"], view["id"]])
        #expect(try ids("?type=all&optOwner=corp%5CJDOE") == [link["id"]])
        #expect(try ids("?type=all&optOwner=INTERNAL%5Csa_api") == [view["id"]])
        let bad = try client.call("GET", "/links?type=links")
        #expect(bad.status == 400 && bad.message?.hasPrefix("type: expected one of link, view, all") == true)
    }

    @Test func selAppLinkUsagesListsTheLinksThatSelectionAppCreated() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let mine = try #require(try Self.create(client)["id"])
        let other = try #require(try Self.create(client, Self.addPayload(selectionApp: Self.otherSelectionApp))["id"])
        let unknown = JSONValue.string(Fixtures.unknownId)
        let response = try client.call(
            "POST", "/apps/\(Self.selectionApp)/selAppLinkUsages", json: ["linkList": [mine, other, unknown]])
        #expect(response.status == 200)
        let usages = try #require(response.json?.arrayValue)
        #expect(usages.map { $0["id"] } == [mine, other, unknown])
        #expect(usages[0]["link"]?["id"] == mine)
        #expect(usages[1]["link"] == nil && usages[2]["link"] == nil)
        let wrong = try client.call("POST", "/apps/\(Self.selectionApp)/selAppLinkUsages", json: ["links": [mine]])
        #expect(wrong.status == 400 && wrong.message?.contains(#"unknown member "links""#) == true)
        #expect(try client.call("GET", "/apps/\(Self.selectionApp)/selAppLinkUsages").status == 405)
    }

    @Test func knownAppsAreEnforcedAndNameTheTemplateApp() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "state.json",
            """
            {"api":"qseow","apps":[{"id":"\(Self.selectionApp)","name":"Sales selection"},\
            {"id":"\(Self.templateApp)","name":"Sales template"}],"links":[]}
            """)
        let emulator = try Self.makeEmulator(statePath: path)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let link = try Self.create(client)
        #expect(link["templateApp"] == ["id": .string(Self.templateApp), "name": "Sales template"])
        let unknownSelection = try client.call(
            "POST", "/links", json: Self.addPayload(selectionApp: Self.otherSelectionApp))
        #expect(unknownSelection.status == 404)
        #expect(unknownSelection.message == "app \"\(Self.otherSelectionApp)\" was not found")
        let unknownTemplate = try Self.put(
            client, link["id"]?.stringValue ?? "",
            ["modifiedDate": link["modifiedDate"] ?? nil, "templateApp": .string(Self.otherSelectionApp)])
        #expect(unknownTemplate.status == 404)
        #expect(
            try client.call("POST", "/apps/\(Self.otherSelectionApp)/selAppLinkUsages", json: ["linkList": []]).status
                == 404)
    }

    // MARK: - Gate: xrfkey, cookie, faults

    @Test func theXrfkeyRuleApplies() throws {
        let emulator = try Self.makeEmulator()
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let response = try client.call("GET", "/links", xrfkeyHeader: nil, xrfkeyQuery: nil)
        #expect(response.status == 401)
        #expect(response.message?.hasPrefix("missing xrfkey") == true)
    }

    @Test func theFirstAnswerWithoutTheCookieOpensOneProxySession() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        let emulator = try Self.makeEmulator(statePath: path)
        let client = try RawHTTPClient(port: emulator.port)
        let first = try client.call("GET", "/links")
        let setCookie = try #require(first.headers["Set-Cookie"])
        #expect(
            setCookie.range(of: #"^X-Qlik-Session=[0-9a-f]+; Path=/; HttpOnly$"#, options: .regularExpression) != nil)
        let cookie = String(setCookie.prefix { $0 != ";" })
        #expect(emulator.sessionsCreated == 1)
        for _ in 0..<3 {
            let next = try client.call("GET", "/links", headers: [("Cookie", "other=1; \(cookie)")])
            #expect(next.status == 200 && next.headers["Set-Cookie"] == nil)
        }
        // Refused answers behind the proxy still belong to the session.
        let refused = try client.call("PUT", "/links/\(Fixtures.unknownId)", body: "{}", headers: [("Cookie", cookie)])
        #expect(refused.status == 400 && refused.headers["Set-Cookie"] == nil)
        #expect(emulator.sessionsCreated == 1)
        // A cookie this emulator never gave opens a new session.
        let forged = try client.call("GET", "/links", headers: [("Cookie", "X-Qlik-Session=0123")])
        #expect(forged.headers["Set-Cookie"] != nil)
        #expect(emulator.sessionsCreated == 2)
        emulator.stop()
        // The count is kept across runs; the cookies themselves never reach the file.
        let saved = folder.read("state.json")
        #expect(try JSONParser.parse(Array(saved.utf8))["stats"] == ["sessionsCreated": 2])
        #expect(!saved.contains(String(cookie.dropFirst("X-Qlik-Session=".count))))
        let again = try Self.makeEmulator(statePath: path)
        defer { again.stop() }
        #expect(again.sessionsCreated == 2)
    }

    @Test func theDocumentFlavourSetsNoCookie() throws {
        let emulator = try Fixtures.makeEmulator()
        defer { emulator.stop() }
        let response = try RawHTTPClient(port: emulator.port).call("GET", "/links")
        #expect(response.status == 200 && response.headers["Set-Cookie"] == nil)
        #expect(emulator.sessionsCreated == 0)
    }

    @Test func injectedFailuresDoNothingAndDroppedAnswersAreDone() throws {
        let failing = try Self.makeEmulator { $0.failRate = 1 }
        defer { failing.stop() }
        let client = try RawHTTPClient(port: failing.port)
        let failed = try client.call("POST", "/links", json: Self.addPayload())
        #expect(failed.status == 503 && failed.headers["Retry-After"] == "1")
        #expect(failing.linkCount == 0)

        let dropping = try Self.makeEmulator { $0.dropRate = 1 }
        defer { dropping.stop() }
        let dropped = try RawHTTPClient(port: dropping.port)
        try dropped.send(RawHTTPClient.apiRequest("POST", "/links", body: JSONWriter.string(Self.addPayload())))
        #expect(throws: RawHTTPClientError.closed) { try dropped.readResponse() }
        #expect(dropping.linkCount == 1)
        // The answer never arrived, so no session was opened either.
        #expect(dropping.sessionsCreated == 0)
    }

    @Test(arguments: [UInt64(7), 20_261_129])
    func theSameSeedGivesTheSameFaults(seed: UInt64) throws {
        print("QseowEmulatorTests.theSameSeedGivesTheSameFaults seed \(seed)")
        func statuses() throws -> [Int] {
            let emulator = try Self.makeEmulator {
                $0.failRate = 0.4
                $0.seed = seed
            }
            defer { emulator.stop() }
            let client = try RawHTTPClient(port: emulator.port)
            return try (0..<30).map { _ in try client.call("GET", "/links?type=all").status }
        }
        let first = try statuses()
        #expect(first == (try statuses()))
        #expect(first.contains(503) && first.contains(200))
    }

    // MARK: - State file

    @Test func theStateFileRecordsTheFlavourAndARestartServesTheSameLinks() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        let clock = ManualClock()
        let emulator = try Self.makeEmulator(statePath: path, clock: clock)
        let client = try RawHTTPClient(port: emulator.port)
        let link = try Self.create(client)
        let id = try #require(link["id"]?.stringValue)
        // On disk before the 201 was answered.
        let saved = try JSONParser.parse(Array(folder.read("state.json").utf8))
        #expect(saved["api"] == "qseow" && saved["formatVersion"] == 1)
        let entry = try #require(saved["links"]?.arrayValue?.first)
        #expect(entry["selectionApp"] == .string(Self.selectionApp))
        var served = entry.objectValue ?? [:]
        served.removeValue(forKey: "selectionApp")
        #expect(JSONValue.object(served) == link)
        let listed = try client.call("GET", "/links?type=all").body
        emulator.stop()

        #expect(try Emulator.recordedFlavour(statePath: path) == .qseow)
        #expect(throws: EmulatorError.stateFileFlavourMismatch(path: path, recorded: .qseow, requested: .document)) {
            try Fixtures.makeEmulator(statePath: path) { $0.api = .document }
        }
        // Without a flavour named, the file's is served; the link, its selection app and its dates survive.
        let restarted = try Fixtures.makeEmulator(statePath: path, clock: clock)
        defer { restarted.stop() }
        #expect(restarted.flavour == .qseow)
        let again = try RawHTTPClient(port: restarted.port)
        #expect(try again.call("GET", "/links?type=all").body == listed)
        let usage = try again.call(
            "POST", "/apps/\(Self.selectionApp)/selAppLinkUsages", json: ["linkList": [.string(id)]])
        #expect(usage.json?.arrayValue?.first?["link"] == link)
        let renamed = try Self.put(again, id, ["modifiedDate": link["modifiedDate"] ?? nil, "name": "B"])
        #expect(renamed.json?["objectDef"]?["modifiedDate"] == "2026-01-01T00:00:00.001Z")
    }

    @Test func aHandWrittenSeedIsCompletedAndRewritten() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "state.json",
            """
            {"api":"qseow","links":[{"name":"Seeded","selectionApp":"\(Self.selectionApp)",\
            "templateApp":"\(Self.templateApp)","bindings":[{"templateAppVarName":"A","selectAppParamType":"Field",\
            "selectAppParamName":"A"}]},{"name":"Draft","dynamicView":true}]}
            """)
        let emulator = try Self.makeEmulator(statePath: path)
        defer { emulator.stop() }
        let listed = try RawHTTPClient(port: emulator.port).call("GET", "/links?type=all")
        let links = try OdagLink.qseowList(json: try #require(listed.json))
        #expect(links.map(\.name) == ["Seeded", "Draft"])
        #expect(links.map(\.status) == ["active", "incomplete"])
        #expect(links[0].owner == "INTERNAL\\sa_api" && links[0].templateAppId == Self.templateApp)
        #expect(links[0].qseow?.bindings?.first?["selectionStates"] == "SO")
        let rewritten = try JSONParser.parse(Array(folder.read("state.json").utf8))
        #expect(rewritten["links"]?.arrayValue?.allSatisfy { $0["id"]?.stringValue != nil } == true)
        #expect(rewritten["links"]?.arrayValue?.first?["selectionApp"] == .string(Self.selectionApp))
    }

    @Test func aBadSeedIsRefusedWithItsPath() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "state.json", #"{"api":"qseow","links":[{"name":"A","owner":"CORP\\a"}]}"#)
        #expect {
            try Self.makeEmulator(statePath: path)
        } throws: { error in
            (error as? EmulatorError)?.description.hasPrefix("invalid state file \(path): links[0].owner:") == true
        }
        let unknown = try folder.write("unknown.json", #"{"api":"qseow","requests":[]}"#)
        #expect(
            throws: EmulatorError.stateFileInvalid(
                path: unknown, reason: "requests: unknown member (expected formatVersion, api, apps, links, stats)")
        ) {
            try Self.makeEmulator(statePath: unknown)
        }
    }
}

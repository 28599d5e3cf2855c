import ODAGCore
import Testing

@testable import ODAGSync

/// Links in Qlik's shape (`LinkStateFull`) and `qseow` declarations, for planner tests.
enum QseowFixtures {
    typealias F = PlanFixtures

    static let modifiedDate = "2024-03-02T08:15:00.000Z"

    /// A live link as a QSEoW server sends it: owner and template app objects, server-filled binding
    /// fields, read-only property members.
    static func live(
        _ n: Int, _ name: String, template: String = F.appB, status: String = "active",
        rowEstExpr: String? = "Count(x)",
        bindings: [JSONValue]? = nil, properties: [String: JSONValue]? = nil, extra: [String: JSONValue] = [:]
    ) throws -> OdagLink {
        var json: [String: JSONValue] = [
            "id": .string(F.id(n)), "name": .string(name), "status": .string(status),
            "createdDate": "2024-03-01T10:00:00.000Z", "modifiedDate": .string(modifiedDate),
            "modifiedByUserName": "jdoe",
            "owner": ["id": "5c1a", "userId": "svc", "userDirectory": "CORP", "name": "Service"],
            "templateApp": ["id": .string(template), "name": "Sales template"], "modelGroups": [], "privileges": [],
        ]
        if let rowEstExpr { json["rowEstExpr"] = .string(rowEstExpr) }
        if let bindings { json["bindings"] = .array(bindings) }
        if let properties { json["properties"] = .object(properties) }
        for (key, value) in extra { json[key] = value }
        return try OdagLink(qseowJSON: .object(json))
    }

    static func desired(
        _ name: String, id: String? = nil, selection: String? = F.appA, template: String = F.appB,
        fields: QseowDeclaredFields = QseowDeclaredFields(), ignore: [String] = []
    ) -> DeclaredLink {
        DeclaredLink(
            name: name, id: id, selectionAppId: selection, templateAppId: template, ignore: ignore,
            source: ManifestSource(file: "links.json", location: SourceLocation(line: 1, column: 1), path: "links[0]"),
            qseow: fields)
    }

    /// A binding as declared: the three fields a manifest states.
    static func binding(_ name: String, _ field: String? = nil) -> JSONValue {
        [
            "templateAppVarName": .string(name), "selectAppParamType": "Field",
            "selectAppParamName": .string(field ?? name),
        ]
    }

    /// The same binding as the server returns it, with the fields it fills from the template's script.
    static func liveBinding(_ name: String, _ field: String? = nil) -> JSONValue {
        [
            "templateAppVarName": .string(name), "selectAppParamType": "Field",
            "selectAppParamName": .string(field ?? name), "selectionStates": "SO", "numericOnly": false,
        ]
    }

    static func options(prune: Bool = false) -> PlanOptions {
        PlanOptions(server: "http://server", generatedAt: "2026-01-01T00:00:00Z", prune: prune, api: .qseow)
    }

    static func plan(_ desired: [DeclaredLink], _ live: [OdagLink], prune: Bool = false) -> Plan {
        Planner.plan(desired: desired, live: live, options: options(prune: prune))
    }
}

@Suite struct QseowPlannerTests {
    typealias F = PlanFixtures
    typealias Q = QseowFixtures

    @Test func aLinkAsDeclaredNeedsNoChange() throws {
        let live = [
            try Q.live(
                1, "Sales", bindings: [Q.liveBinding("Region"), Q.liveBinding("Year")],
                properties: [
                    "rowEstRange": [["context": "*", "highBound": 100]],
                    "menuLabel": [["context": "*", "label": "Go"]],
                ])
        ]
        let fields = QseowDeclaredFields(
            rowEstExpr: "Count(x)", bindings: [Q.binding("Year"), Q.binding("Region")], dynamicView: nil,
            status: "active", properties: ["rowEstRange": [["highBound": 100, "context": "*"]]])
        let plan = Q.plan([Q.desired("Sales", fields: fields)], live)
        #expect(plan.changes.isEmpty)
        #expect(plan.unchanged == 1)
        #expect(plan.api == .qseow)
    }

    @Test func serverFilledBindingFieldsAreNotDriftUnlessDeclared() throws {
        let live = [try Q.live(1, "Sales", bindings: [Q.liveBinding("Region")])]
        let plain = Q.plan([Q.desired("Sales", fields: QseowDeclaredFields(bindings: [Q.binding("Region")]))], live)
        #expect(plain.changes.isEmpty)
        var declared = Q.binding("Region").objectValue ?? [:]
        declared["numericOnly"] = true
        let stated = Q.plan([Q.desired("Sales", fields: QseowDeclaredFields(bindings: [.object(declared)]))], live)
        let change = try #require(stated.changes.first)
        #expect(
            change.diffs == [
                FieldDiff(path: "bindings[templateAppVarName=Region].numericOnly", before: false, after: true)
            ])
        // The declared field overlays the live binding: the server's other fields are sent back unchanged.
        #expect(change.after?["bindings"] == [Q.liveBinding("Region").overlaid(["numericOnly": true])])
    }

    @Test func bindingsCompareAsASetAndCountsMustMatch() throws {
        let live = [try Q.live(1, "Sales", bindings: [Q.liveBinding("Region"), Q.liveBinding("Year")])]
        let fewer = Q.plan([Q.desired("Sales", fields: QseowDeclaredFields(bindings: [Q.binding("Year")]))], live)
        let change = try #require(fewer.changes.first)
        #expect(
            change.diffs == [
                FieldDiff(path: "bindings[templateAppVarName=Region]", before: Q.liveBinding("Region"), after: nil)
            ])
        #expect(change.after?["bindings"] == [Q.liveBinding("Year")])

        let renamed = Q.plan(
            [
                Q.desired(
                    "Sales", fields: QseowDeclaredFields(bindings: [Q.binding("Year"), Q.binding("Region", "Area")]))
            ], live)
        #expect(
            renamed.changes.first?.diffs == [
                FieldDiff(
                    path: "bindings[templateAppVarName=Region].selectAppParamName", before: "Region", after: "Area")
            ])

        let added = Q.plan(
            [
                Q.desired(
                    "Sales",
                    fields: QseowDeclaredFields(bindings: [Q.binding("Year"), Q.binding("Region"), Q.binding("Month")]))
            ], live)
        #expect(
            added.changes.first?.diffs == [
                FieldDiff(path: "bindings[templateAppVarName=Month].selectAppParamName", before: nil, after: "Month"),
                FieldDiff(path: "bindings[templateAppVarName=Month].selectAppParamType", before: nil, after: "Field"),
            ])
    }

    @Test func bindingsPairEvenWhenAGreedyChoiceWouldTakeTheWrongOne() throws {
        let live = [try Q.live(1, "L", bindings: [Q.liveBinding("R", "A"), Q.liveBinding("R", "B")])]
        // The first declared binding fits both live ones; only one pairing fits the second as well.
        let fields = QseowDeclaredFields(bindings: [["templateAppVarName": "R"], Q.binding("R", "A")])
        #expect(Q.plan([Q.desired("L", fields: fields)], live).changes.isEmpty)
    }

    @Test func propertiesCompareByContextInAnyOrderOnTheFieldsTheyState() throws {
        let live = [
            try Q.live(
                1, "L",
                properties: [
                    "genAppLimit": [["context": "User_*", "limit": 5], ["context": "*", "limit": 2]],
                    "publishTo": [["context": "*", "streamId": "s1", "streamName": "Everyone"]],
                ])
        ]
        let same = QseowDeclaredFields(properties: [
            "genAppLimit": [["context": "*", "limit": 2], ["context": "User_*", "limit": 5]],
            "publishTo": [["context": "*", "streamId": "s1", "streamName": "Another name"]],
        ])
        #expect(Q.plan([Q.desired("L", fields: same)], live).changes.isEmpty)

        let changed = QseowDeclaredFields(properties: [
            "genAppLimit": [["context": "*", "limit": 3], ["context": "User.name = joe", "limit": 1]]
        ])
        let change = try #require(Q.plan([Q.desired("L", fields: changed)], live).changes.first)
        #expect(
            change.diffs == [
                FieldDiff(path: "properties.genAppLimit[context=*].limit", before: 2, after: 3),
                FieldDiff(path: "properties.genAppLimit[context=\"User.name = joe\"].limit", before: nil, after: 1),
                FieldDiff(
                    path: "properties.genAppLimit[context=User_*]", before: ["context": "User_*", "limit": 5],
                    after: nil),
            ])
    }

    @Test func theModifyPayloadKeepsWhatIsUndeclaredAndOnlyLinkModifyPayloadKeys() throws {
        let live = try Q.live(
            1, "L", rowEstExpr: "Count(x)", bindings: [Q.liveBinding("Region")],
            properties: [
                "rowEstRange": [["context": "*", "lowBound": 1, "highBound": 100]],
                "publishTo": [["context": "*", "streamId": "s1", "streamName": "Everyone"]],
                "targetSheet": [["context": "*", "sheetId": "sh1", "sheetName": "Overview"]],
                "futureKey": [["context": "*", "x": 1]],
            ],
            extra: ["dynamicView": false, "templateAppChartObjects": [], "genAppAccessible": true])
        let fields = QseowDeclaredFields(properties: ["rowEstRange": [["context": "*", "highBound": 50]]])
        let body = try #require(QseowPayloads.modify(declaration: Q.desired("L", fields: fields), live: live))
        #expect(
            body == [
                "modifiedDate": .string(Q.modifiedDate), "name": "L", "templateApp": .string(F.appB),
                "rowEstExpr": "Count(x)", "dynamicView": false, "modelGroups": [],
                "bindings": [Q.liveBinding("Region")],
                "properties": [
                    "rowEstRange": [["context": "*", "lowBound": 1, "highBound": 50]],
                    "publishTo": [["context": "*", "streamId": "s1"]],
                    "targetSheet": [["context": "*", "sheetId": "sh1"]],
                    "futureKey": [["context": "*", "x": 1]],
                ],
            ])
        #expect(Set((body.objectValue ?? [:]).keys).isSubset(of: QseowPayloads.modifyKeys))
        #expect(!JSONWriter.string(body).contains("streamName"))
        #expect(!JSONWriter.string(body).contains("sheetName"))
        let plan = Q.plan([Q.desired("L", fields: fields)], [live])
        #expect(plan.changes.first?.after == body)
        #expect(plan.changes.first?.before == live.json)
    }

    @Test func aTemplateAppChangeIsAnUpdateEvenForAPinnedLink() throws {
        let live = [try Q.live(1, "L", template: F.appB)]
        for declaration in [Q.desired("L", template: F.appC), Q.desired("L", id: F.id(1), template: F.appC)] {
            let plan = Q.plan([declaration], live)
            #expect(plan.errors.isEmpty)
            let change = try #require(plan.changes.first)
            #expect(change.action == .update)
            #expect(change.diffs == [FieldDiff(path: "templateApp", before: .string(F.appB), after: .string(F.appC))])
            #expect(change.after?["templateApp"] == .string(F.appC))
        }
        // Ids compare case-insensitively, and the selection app (never returned) is not compared.
        let same = Q.plan([Q.desired("L", selection: F.appC, template: F.appB.uppercased())], live)
        #expect(same.changes.isEmpty)
    }

    @Test func rowEstExprDynamicViewAndStatusCompareByEquality() throws {
        let live = [try Q.live(1, "L", status: "active", rowEstExpr: "a", extra: ["dynamicView": false])]
        let fields = QseowDeclaredFields(rowEstExpr: "b", dynamicView: true, status: "disabled")
        let change = try #require(Q.plan([Q.desired("L", fields: fields)], live).changes.first)
        #expect(
            change.diffs == [
                FieldDiff(path: "rowEstExpr", before: "a", after: "b"),
                FieldDiff(path: "dynamicView", before: false, after: true),
                FieldDiff(path: "status", before: "active", after: "disabled"),
            ])
        #expect(change.after?["statusSetting"] == "disable")
        #expect(change.after?["rowEstExpr"] == "b")
        #expect(change.after?["dynamicView"] == true)
        let activate = Q.plan(
            [Q.desired("L", fields: QseowDeclaredFields(status: "active"))],
            [try Q.live(1, "L", status: "disabled")])
        #expect(activate.changes.first?.after?["statusSetting"] == "activate")
    }

    @Test func ignoredFieldsAreNeitherComparedNorChanged() throws {
        let live = [
            try Q.live(
                1, "L", template: F.appB, status: "active", rowEstExpr: "a",
                properties: ["publishTo": [["context": "*", "streamId": "live"]]])
        ]
        let fields = QseowDeclaredFields(
            rowEstExpr: "b", status: "disabled", properties: ["publishTo": [["context": "*", "streamId": "declared"]]])
        let ignored = Q.desired(
            "L", template: F.appC, fields: fields, ignore: ["templateApp", "status", "properties.publishTo"])
        let change = try #require(Q.plan([ignored], live).changes.first)
        #expect(change.diffs.map(\.path) == ["rowEstExpr"])
        #expect(change.after?["templateApp"] == .string(F.appB))
        #expect(change.after?["statusSetting"] == nil)
        #expect(change.after?["properties"] == ["publishTo": [["context": "*", "streamId": "live"]]])
    }

    @Test func createsSendLinkAddPayloadAndNeedASelectionApp() throws {
        let fields = QseowDeclaredFields(
            rowEstExpr: "Count(x)", bindings: [Q.binding("Region")], dynamicView: false, status: "disabled",
            properties: ["targetSheet": [["context": "*", "sheetId": "sh1", "sheetName": "Overview"]]])
        let plan = Q.plan([Q.desired("New", fields: fields), Q.desired("Orphan", selection: nil)], [])
        let change = try #require(plan.changes.first)
        #expect(change.action == .create)
        #expect(
            change.after == [
                "name": "New", "selectionApp": .string(F.appA), "templateApp": .string(F.appB),
                "rowEstExpr": "Count(x)",
                "bindings": [Q.binding("Region")], "dynamicView": false, "statusSetting": "disable",
                "properties": ["targetSheet": [["context": "*", "sheetId": "sh1"]]],
            ])
        #expect(change.diffs.map(\.path).contains("properties.targetSheet[context=*].sheetId"))
        #expect(plan.changes.count == 1)
        #expect(plan.errors.map(\.kind) == [.missingSelectionApp])
        #expect(plan.errors.first?.name == "Orphan")
        #expect(plan.errors.first?.message.contains("\"Orphan\"") == true)
        // An active declaration leaves statusSetting out: Qlik activates new links.
        let active = Q.plan([Q.desired("A", fields: QseowDeclaredFields(status: "active"))], [])
        #expect(active.changes.first?.after?["statusSetting"] == nil)
    }

    @Test func decommissionedLinksAreInvisibleAndAPinToOneIsAnError() throws {
        let live = [try Q.live(1, "Old", status: "decommissioned"), try Q.live(2, "Stray")]
        let plan = Q.plan([Q.desired("Old"), Q.desired("Pinned", id: F.id(1))], live, prune: true)
        #expect(plan.changes.map(\.action) == [.retire, .create])
        #expect(plan.changes.first?.id == F.id(2))
        #expect(plan.unmanaged.map(\.name) == ["Stray"])
        #expect(plan.linksInScope == 1)
        #expect(plan.errors.map(\.kind) == [.pinnedRetired])
    }

    @Test func pruningRetiresWithTheLiveModifiedDate() throws {
        let live = [try Q.live(1, "Kept"), try Q.live(2, "Stray")]
        let plan = Q.plan([Q.desired("Kept")], live, prune: true)
        let retire = try #require(plan.changes.first)
        #expect(retire.action == .retire)
        #expect(retire.after == ["modifiedDate": .string(Q.modifiedDate), "statusSetting": "decommission"])
        #expect(plan.summary == PlanSummary(unchanged: 1, unmanaged: 1, retire: 1))
        #expect(plan.summary.json["retire"] == 1)
        #expect(Q.plan([Q.desired("Kept")], live).changes.isEmpty)
    }

    @Test func safetyLimitsCountRetiresAsDeletes() throws {
        let live = try (1...12).map { try Q.live($0, "Stray \($0)") } + [try Q.live(20, "Kept")]
        let plan = Q.plan([Q.desired("Kept")], live, prune: true)
        let refusals = SafetyCheck.refusals(
            for: plan, limits: SafetyLimits(maxDeletes: 5, maxDeletePercent: 50), forceDeletes: false)
        #expect(refusals.count == 2)
        #expect(refusals.first?.hasPrefix("the plan retires 12 links") == true)
        let empty = Q.plan([], live, prune: true)
        #expect(
            SafetyCheck.refusals(for: empty, limits: SafetyLimits(), forceDeletes: true) == [
                SafetyCheck.emptyPruneRefusal(empty)
            ])
    }

    @Test func planFilesRecordTheFlavourAndReadBack() throws {
        let live = [try Q.live(1, "Kept", rowEstExpr: "a"), try Q.live(2, "Stray")]
        let plan = Q.plan(
            [Q.desired("Kept", fields: QseowDeclaredFields(rowEstExpr: "b")), Q.desired("New")], live, prune: true)
        #expect(plan.json["api"] == "qseow")
        let read = try Plan(json: try JSONParser.parse(plan.jsonText))
        #expect(read == plan)
        let document = Planner.plan(desired: [F.desired("A")], live: [], options: F.options())
        #expect(document.api == .document)
        #expect(document.json["api"] == nil)
        #expect(document.json["summary"]?["retire"] == nil)
        #expect(try Plan(json: try JSONParser.parse(document.jsonText)).api == .document)
        var unknown = plan.json.objectValue ?? [:]
        unknown["api"] = "cloud"
        #expect(throws: ModelError.self) { try Plan(json: .object(unknown)) }
    }

    @Test func aSavedPlanIsStaleWhenTheLinkWasModifiedSince() throws {
        let live = try Q.live(1, "Kept", rowEstExpr: "a")
        let plan = Q.plan([Q.desired("Kept", fields: QseowDeclaredFields(rowEstExpr: "b"))], [live])
        #expect(StalePlanCheck.problems(plan: plan, live: [live], scope: LinkScope()).isEmpty)
        let touched = try Q.live(1, "Kept", rowEstExpr: "a", extra: ["modifiedDate": "2024-03-03T00:00:00.000Z"])
        let problems = StalePlanCheck.problems(plan: plan, live: [touched], scope: LinkScope())
        #expect(problems.count == 1)
        #expect(problems.first?.contains("modifiedDate") == true)
        // A retired link of the same name does not make a create stale.
        let create = Q.plan([Q.desired("New")], [])
        let retired = try Q.live(5, "New", status: "decommissioned")
        #expect(StalePlanCheck.problems(plan: create, live: [retired], scope: LinkScope()).isEmpty)
    }

    @Test func theFlavourDefaultsToTheDeclarations() throws {
        let plan = Planner.plan(
            desired: [Q.desired("New")], live: [],
            options: PlanOptions(server: "s", generatedAt: "2026-01-01T00:00:00Z"))
        #expect(plan.api == .qseow)
        #expect(plan.changes.first?.after?["selectionApp"] == .string(F.appA))
    }
}

extension JSONValue {
    /// This object with `members` set over its own.
    func overlaid(_ members: [String: JSONValue]) -> JSONValue {
        var merged = objectValue ?? [:]
        for (key, value) in members { merged[key] = value }
        return .object(merged)
    }
}

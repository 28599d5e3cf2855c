import ODAGCore
import Testing

@testable import ODAGSync

/// Fixtures for planner tests.
enum PlanFixtures {
    static let appA = "a0000000-0000-4000-8000-00000000000a"
    static let appB = "b0000000-0000-4000-8000-00000000000b"
    static let appC = "c0000000-0000-4000-8000-00000000000c"

    static func id(_ n: Int) -> String {
        let digits = String(n)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    static func live(
        _ n: Int, _ name: String, selection: String = appA, template: String = appB, properties: JSONValue? = nil,
        owner: String = "CORP\\svc"
    ) throws -> OdagLink {
        var json: [String: JSONValue] = [
            "id": .string(id(n)), "name": .string(name), "selectionAppId": .string(selection),
            "templateAppId": .string(template), "owner": .string(owner), "status": "active",
            "createdDate": "2026-01-01T00:00:00.000Z", "modifiedDate": "2026-01-01T00:00:00.000Z",
        ]
        if let properties { json["properties"] = properties }
        return try OdagLink(json: .object(json))
    }

    static func desired(
        _ name: String, id: String? = nil, selection: String = appA, template: String = appB,
        properties: JSONValue? = nil, ignore: [String] = []
    ) -> DeclaredLink {
        DeclaredLink(
            name: name, id: id, selectionAppId: selection, templateAppId: template, properties: properties,
            ignore: ignore,
            source: ManifestSource(file: "links.json", location: SourceLocation(line: 1, column: 1), path: "links[0]"))
    }

    static func options(prune: Bool = false, scope: LinkScope = LinkScope(), targets: [String] = []) -> PlanOptions {
        PlanOptions(
            server: "http://server", generatedAt: "2026-01-01T00:00:00Z", scope: scope, prune: prune, targets: targets)
    }
}

@Suite struct PlannerTests {
    typealias F = PlanFixtures

    @Test func createsWhatIsMissingAndLeavesWhatMatches() throws {
        let live = [try F.live(1, "Same", properties: ["rowEstExpr": "1"])]
        let desired = [F.desired("Same", properties: ["rowEstExpr": "1"]), F.desired("New")]
        let plan = Planner.plan(desired: desired, live: live, options: F.options())
        #expect(plan.summary == PlanSummary(create: 1, unchanged: 1))
        #expect(plan.changes.map(\.action) == [.create])
        #expect(
            plan.changes[0].after == [
                "name": "New", "selectionAppId": .string(F.appA), "templateAppId": .string(F.appB),
            ])
    }

    @Test func updatesOnlyDeclaredFieldsAndKeepsEverythingElse() throws {
        let liveProperties: JSONValue = [
            "rowEstExpr": "Sum(x)", "retention": ["maxAge": 1440, "maxCount": 5], "serverOnly": ["k": 1],
            "genAppAccessible": true,
        ]
        let live = [try F.live(1, "Finance", properties: liveProperties)]
        let desired = [F.desired("Finance", properties: ["retention": ["maxAge": 720]])]
        let plan = Planner.plan(desired: desired, live: live, options: F.options())
        let change = try #require(plan.changes.first)
        #expect(change.action == .update)
        #expect(change.diffs == [FieldDiff(path: "properties.retention.maxAge", before: 1440, after: 720)])
        #expect(
            change.after == [
                "name": "Finance",
                "properties": [
                    "rowEstExpr": "Sum(x)", "retention": ["maxAge": 720, "maxCount": 5], "serverOnly": ["k": 1],
                    "genAppAccessible": true,
                ],
            ])
        #expect(change.before == live[0].json)
    }

    @Test func comparesBindingsAsAWholeInAnyOrder() throws {
        let b1: JSONValue = ["selectionField": "R", "templateField": "R", "selectionType": "selected"]
        let b2: JSONValue = ["selectionField": "Y", "templateField": "Y", "selectionType": "selected"]
        let liveB1: JSONValue = [
            "selectionField": "R", "templateField": "R", "selectionType": "selected", "serverId": 7,
        ]
        let live = [try F.live(1, "L", properties: ["bindings": [b2, liveB1]])]
        let same = Planner.plan(
            desired: [F.desired("L", properties: ["bindings": [b1, b2]])], live: live, options: F.options())
        #expect(same.changes.isEmpty)
        let fewer = Planner.plan(
            desired: [F.desired("L", properties: ["bindings": [b1]])], live: live, options: F.options())
        #expect(fewer.changes.first?.diffs.map(\.path) == ["properties.bindings"])
        #expect(fewer.changes.first?.after?["properties"]?["bindings"] == [b1])
    }

    @Test func ignoredPathsAreNeitherComparedNorSent() throws {
        let live = [try F.live(1, "L", properties: ["publishTo": "live-stream", "rowEstExpr": "a"])]
        let desired = [
            F.desired("L", properties: ["publishTo": "declared", "rowEstExpr": "b"], ignore: ["properties.publishTo"])
        ]
        let plan = Planner.plan(desired: desired, live: live, options: F.options())
        let change = try #require(plan.changes.first)
        #expect(change.diffs.map(\.path) == ["properties.rowEstExpr"])
        #expect(change.after?["properties"]?["publishTo"] == "live-stream")
    }

    @Test func changedAppIdsReplaceTheLinkWithAReason() throws {
        let live = [try F.live(1, "L", template: F.appB, properties: ["rowEstExpr": "a", "extra": 1])]
        let plan = Planner.plan(desired: [F.desired("L", template: F.appC)], live: live, options: F.options())
        let change = try #require(plan.changes.first)
        #expect(change.action == .replace)
        #expect(change.reason?.hasPrefix("templateAppId changed") == true)
        #expect(change.after?["templateAppId"] == .string(F.appC))
        #expect(change.after?["properties"] == ["rowEstExpr": "a", "extra": 1])
    }

    @Test func pinnedIdsRenameAndDoNotDoubleMatch() throws {
        let live = [try F.live(1, "Old name"), try F.live(2, "Other")]
        let desired = [F.desired("New name", id: F.id(1)), F.desired("Old name")]
        let plan = Planner.plan(desired: desired, live: live, options: F.options())
        #expect(plan.changes.map(\.action) == [.update, .create])
        #expect(plan.changes[0].diffs == [FieldDiff(path: "name", before: "Old name", after: "New name")])
        #expect(plan.unmanaged.map(\.name) == ["Other"])
    }

    @Test func missingPinnedIdsAndAmbiguousNamesAreErrors() throws {
        let live = [try F.live(1, "Twin"), try F.live(2, "Twin")]
        let desired = [F.desired("Twin"), F.desired("Pinned", id: F.id(9))]
        let plan = Planner.plan(desired: desired, live: live, options: F.options(prune: true))
        #expect(plan.errors.map(\.kind) == [.missingPinnedId, .ambiguous])
        #expect(plan.errors[1].message.contains("pin one with \"id\""))
        #expect(plan.changes.isEmpty, "ambiguous candidates are never pruned")
    }

    @Test func pinnedIdsMatchInEitherCaseAndReportConflictsAndScope() throws {
        let live = [try F.live(1, "Old name"), try F.live(2, "Elsewhere", owner: "CORP\\someone")]
        let desired = [
            F.desired("New name", id: F.id(1).uppercased()), F.desired("Again", id: F.id(1)),
            F.desired("Outside", id: F.id(2)),
        ]
        let scope = LinkScope(owners: ["CORP\\svc"])
        let plan = Planner.plan(desired: desired, live: live, options: F.options(prune: true, scope: scope))
        #expect(plan.changes.map { "\($0.action.rawValue) \($0.name)" } == ["update New name"])
        #expect(plan.errors.map(\.kind) == [.conflict, .outOfScope])
        #expect(plan.errors[0].message == "links \"New name\" and \"Again\" are both pinned to id \(F.id(1))")
        #expect(plan.unmanaged.isEmpty)
    }

    @Test func liveLinksSharingAnIdShareOneClaim() throws {
        // The same id in two cases: the pin finds the last of them, and a claim on either claims both.
        var upper = try F.live(1, "Second")
        upper.id = F.id(1).uppercased()
        let live = [try F.live(1, "First"), upper, try F.live(2, "Free")]
        let pinned = Planner.plan(
            desired: [F.desired("Second", id: F.id(1)), F.desired("First")], live: live, options: F.options(prune: true)
        )
        #expect(pinned.changes.map { "\($0.action.rawValue) \($0.name)" } == ["delete Free", "create First"])
        #expect(pinned.unchanged == 1)
        let byName = Planner.plan(desired: [F.desired("First")], live: live, options: F.options(prune: true))
        #expect(byName.changes.map { "\($0.action.rawValue) \($0.name)" } == ["delete Free"])
        #expect(byName.unmanaged.map(\.name) == ["Free"])
    }

    @Test func idsThatAreNotUUIDsStillMatch() throws {
        // Only a server that skipped decoding sends these, but the planner treats them like any id.
        let live = [
            OdagLink(id: "Caf\u{E9}-ID", name: "Composed", selectionAppId: F.appA, templateAppId: F.appB),
            OdagLink(id: "cafe\u{301}-id", name: "Decomposed", selectionAppId: F.appA, templateAppId: F.appB),
            OdagLink(id: "other", name: "Other", selectionAppId: F.appA, templateAppId: F.appB),
            OdagLink(name: "No id", selectionAppId: F.appA, templateAppId: F.appB),
        ]
        let desired = [F.desired("Renamed", id: "CAFE\u{301}-ID"), F.desired("Other")]
        let plan = Planner.plan(desired: desired, live: live, options: F.options(prune: true))
        #expect(plan.changes.map { "\($0.action.rawValue) \($0.name)" } == ["update Renamed"])
        #expect(plan.changes.first?.diffs.first?.before == "Decomposed")
        #expect(plan.unchanged == 1)
        #expect(plan.unmanaged.isEmpty)
        #expect(plan.errors.map(\.kind) == [.invalidLiveLink])
    }

    @Test func namesMatchOnlyByTheirExactScalars() throws {
        // Another owner's decomposed "Cafe\u{301} sales" must not be updated by a precomposed declaration.
        let live = [
            try F.live(1, "Cafe\u{301} sales", properties: ["rowEstExpr": "1"], owner: "CORP\\other"),
            try F.live(2, "Same", properties: ["rowEstExpr": "1"]),
        ]
        let plan = Planner.plan(
            desired: [
                F.desired("Caf\u{E9} sales", properties: ["rowEstExpr": "2"]),
                F.desired("Same", properties: ["rowEstExpr": "1"]),
            ],
            live: live, options: F.options())
        #expect(plan.changes.map { "\($0.action.rawValue) \($0.name.unicodeScalars.count)" } == ["create 10"])
        #expect(plan.unchanged == 1)
        #expect(plan.unmanaged.map(\.id) == [F.id(1)], "the decomposed link is someone else's: unmanaged")
    }

    @Test func canonicallyEquivalentLiveNamesAreNotAmbiguous() throws {
        let live = [try F.live(1, "Caf\u{E9}"), try F.live(2, "Cafe\u{301}")]
        let plan = Planner.plan(desired: [F.desired("Caf\u{E9}")], live: live, options: F.options(prune: true))
        #expect(plan.errors.isEmpty, "\(plan.errors)")
        #expect(plan.unchanged == 1)
        #expect(plan.changes.map(\.action) == [.delete])
        #expect(plan.changes.first?.id == F.id(2), "only the decomposed one is unmanaged and pruned")
    }

    @Test func aPinnedLinkWhoseNameIsOnlyCanonicallyEqualIsRenamed() throws {
        let live = [try F.live(1, "Cafe\u{301}", properties: ["rowEstExpr": "1"])]
        let plan = Planner.plan(
            desired: [F.desired("Caf\u{E9}", id: F.id(1), properties: ["rowEstExpr": "1"])], live: live,
            options: F.options())
        #expect(plan.changes.map(\.action) == [.update])
        #expect(plan.changes.first?.diffs.map(\.path) == ["name"])
    }

    @Test func aPropertyValueThatIsOnlyCanonicallyEqualIsUpdated() throws {
        let live = [try F.live(1, "Sales", properties: ["rowEstExpr": "Cafe\u{301}"])]
        let plan = Planner.plan(
            desired: [F.desired("Sales", properties: ["rowEstExpr": "Caf\u{E9}"])], live: live, options: F.options())
        #expect(plan.changes.map(\.action) == [.update])
        #expect(plan.changes.first?.diffs.map(\.path) == ["properties.rowEstExpr"])
    }

    @Test func theScopePrefixAndTargetsCompareExactScalars() throws {
        let live = [try F.live(1, "Cafe\u{301} A"), try F.live(2, "Caf\u{E9} B")]
        let scoped = Planner.plan(
            desired: [], live: live, options: F.options(scope: LinkScope(namePrefix: "Caf\u{E9}")))
        #expect(scoped.unmanaged.map(\.id) == [F.id(2)])
        let targeted = Planner.plan(
            desired: [F.desired("Caf\u{E9} A")], live: [], options: F.options(targets: ["Cafe\u{301} A"]))
        #expect(targeted.changes.isEmpty, "the target names another link")
        #expect(targeted.errors.map(\.kind) == [.unknownTarget])
    }

    @Test func prunesOnlyInScopeAndOnlyWhenAsked() throws {
        let live = [
            try F.live(1, "Sales A"), try F.live(2, "Sales B", owner: "CORP\\someone"), try F.live(3, "Finance"),
        ]
        let scope = LinkScope(namePrefix: "Sales ", owners: ["corp\\SVC"])
        let noPrune = Planner.plan(desired: [F.desired("Sales Z")], live: live, options: F.options(scope: scope))
        #expect(noPrune.unmanaged.map(\.name) == ["Sales A"])
        #expect(noPrune.summary.delete == 0)
        let prune = Planner.plan(
            desired: [F.desired("Sales Z")], live: live, options: F.options(prune: true, scope: scope))
        #expect(prune.changes.map(\.action) == [.delete, .create])
        #expect(prune.linksInScope == 1)
    }

    @Test func targetsLimitChangesAndPruning() throws {
        let live = [try F.live(1, "Gone"), try F.live(2, "Keep")]
        let desired = [F.desired("A"), F.desired("B")]
        let plan = Planner.plan(
            desired: desired, live: live, options: F.options(prune: true, targets: ["B", "Gone", "Nope"]))
        #expect(plan.changes.map { "\($0.action.rawValue) \($0.name)" } == ["delete Gone", "create B"])
        #expect(plan.errors.map(\.kind) == [.unknownTarget])
    }

    @Test func plansAreDeterministicAndRoundTripThroughJSON() throws {
        let live = (1...20).map { n in try? F.live(n, "L\(n % 7)") }.compactMap { $0 }
        let desired = (0..<9).map { F.desired("L\($0)", properties: ["rowEstExpr": .string("e\($0)")]) }
        let one = Planner.plan(desired: desired, live: live, options: F.options(prune: true))
        let two = Planner.plan(desired: desired.reversed(), live: live.reversed(), options: F.options(prune: true))
        #expect(one.jsonText == two.jsonText)
        let reread = try Plan(json: JSONParser.parse(one.jsonText))
        #expect(reread == one)
    }
}

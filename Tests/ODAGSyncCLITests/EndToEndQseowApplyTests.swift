import Foundation
import ODAGCore
import Testing

/// `apply` of the `qseow` flavour against `emulator --api qseow`: updates in place, status changes,
/// retires that never delete, the safety limits, stale plans and failed changes.
@Suite struct EndToEndQseowApplyTests {
    @Test func applyConvergesInPlaceAndRetiresWithoutDeleting() async throws {
        let scenario = try QseowScenario()
        let before = try scenario.server.linksByName()
        let run = try await scenario.against("apply", ["--auto-approve", "--prune"], binary: true)
        #expect(run.code == 0, "\(run)")
        let links = try scenario.server.linksByName()
        #expect(links["Sales B"]?["id"] == .string(E2E.id(2)), "an update keeps the id")
        #expect(links["Sales B"]?["rowEstExpr"] == "new")
        #expect(
            links["Sales B"]?["properties"]?["menuLabel"] == Q.liveProperties["menuLabel"],
            "an update keeps undeclared property keys")
        #expect(links["Sales C"]?["id"] == .string(E2E.id(3)), "a template app change is made in place")
        #expect(links["Sales C"]?["templateApp"]?["id"] == .string(E2E.templateApp))
        #expect(links["Sales E"]?["status"] == "disabled", "\(run.stdout)")
        #expect(links["Sales D"]?["status"] == "active")
        #expect(links["Sales D"]?["bindings"]?.arrayValue?.count == 2)
        #expect(links["Sales A"] == before["Sales A"], "a link in step is not written")
        #expect(links["Sales View"] == before["Sales View"], "a declared dynamic view is not re-created")
        for name in ["Sales stray", "Hand made"] {
            #expect(links[name]?["id"] == before[name]?["id"], "\(name) is still on the server")
            #expect(links[name]?["status"] == "decommissioned", "\(name) was retired")
        }
        #expect(try scenario.server.links().count == QseowScenario.liveLinks.count + 1, "one create, no delete")
        #expect(
            try scenario.server.activeNames() == ["Sales A", "Sales B", "Sales C", "Sales D", "Sales E", "Sales View"])

        let again = try await scenario.against("plan", ["--detailed-exitcode", "--prune"], binary: true)
        #expect(again.code == 0, "a second plan finds nothing to do: \(again)")
    }

    @Test func aSavedPlanIsAppliedAndAStaleOneIsRefused3() async throws {
        let scenario = try QseowScenario()
        let plan = try await scenario.against("plan", ["--out", "p.plan.json"])
        #expect(plan.code == 0, "\(plan)")
        #expect(E2E.json(scenario.project.read("p.plan.json"))?["api"] == "qseow")
        // Someone edits "Sales B" on the server after the plan was reviewed.
        try await scenario.server.editBehindTheBack(id: E2E.id(2), ["rowEstExpr": "edited by hand"])
        let before = try scenario.server.links()
        let stale = try await scenario.runBinary(["apply", "p.plan.json"])
        #expect(stale.code == 3, "\(stale)")
        #expect(stale.stderr.contains("\"Sales B\"") && stale.stderr.contains("stale"), "\(stale.stderr)")
        #expect(try scenario.server.links() == before, "nothing unreviewed was written")

        let fresh = try await scenario.against("plan", ["--out", "q.plan.json"])
        #expect(fresh.code == 0, "\(fresh)")
        let applied = await scenario.run(["apply", "q.plan.json"])
        #expect(applied.code == 0, "\(applied)")
        #expect(try scenario.server.linksByName()["Sales B"]?["rowEstExpr"] == "new")
    }

    @Test func theRetireLimitRefusesWith3AndForceDeletesPasses() async throws {
        let live = (1...10).map { Q.live($0, "Sales \($0)") }
        let declared = (1...5).map { Q.declared("Sales \($0)") }
        let scenario = try QseowScenario(live: live, declared: declared)
        let refused = try await scenario.against("apply", ["--prune", "--auto-approve"], binary: true)
        #expect(refused.code == 3, "\(refused)")
        #expect(refused.stderr.contains("maxDeletePercent"), "\(refused.stderr)")
        #expect(try scenario.server.activeNames().count == 10, "nothing was retired")

        let forced = try await scenario.against("apply", ["--prune", "--auto-approve", "--force-deletes"])
        #expect(forced.code == 0, "\(forced)")
        #expect(try scenario.server.activeNames() == ["Sales 1", "Sales 2", "Sales 3", "Sales 4", "Sales 5"])
        #expect(try scenario.server.links().count == 10, "retired, not deleted")
    }

    @Test func pruningWithEmptyManifestsIsRefused3() async throws {
        let scenario = try QseowScenario(declared: [])
        try scenario.project.write("odag-sync.json", #"{ "manifests": ["links"], "api": "qseow" }"# + "\n")
        let before = try scenario.server.links()
        let run = try await scenario.runBinary(
            ["apply", "--server", scenario.server.url, "--prune", "--auto-approve", "--force-deletes"])
        #expect(run.code == 3, "\(run)")
        #expect(try scenario.server.links() == before)
    }

    @Test func aChangeTheServerRefusesIsAFailedChangeExit1AndTheOthersAreMade() async throws {
        // The server lists the apps it knows; "Sales X" names a template app it does not know (404).
        let unknownApp = "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c9e"
        let apps: [JSONValue] = [E2E.selectionApp, E2E.templateApp].map { ["id": .string($0), "name": "App"] }
        let server = try QseowTestEmulator(links: [Q.live(2, "Sales B", extra: ["rowEstExpr": "old"])], apps: apps)
        let project = try TemporaryFolder(prefix: "qseow-project")
        defer { project.remove() }
        try project.write(
            "links/sales.json", E2E.manifest([Q.declared("Sales B"), Q.declared("Sales X", template: unknownApp)]))
        let run = try await OdagSyncBinary.run(
            ["apply", "--server", server.url, "--auto-approve", "links"], in: project.root)
        #expect(run.code == 1, "\(run)")
        #expect(run.stdout.contains("✗ create \"Sales X\""), "\(run.stdout)")
        #expect(run.stdout.contains(unknownApp), "quotes the server: \(run.stdout)")
        #expect(run.stdout.contains("1 succeeded, 1 failed"), "\(run.stdout)")
        let links = try server.linksByName()
        #expect(links["Sales B"]?["rowEstExpr"] == "1", "the other change was made")
        #expect(links["Sales X"] == nil)
    }

    @Test func aModifyRefused404ForAnUnknownTemplateAppBlamesTheAppNotTheLink() async throws {
        // The server lists apps S and T; the manifest moves "Sales B" to a template app it does not know.
        let unknownApp = "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c9e"
        let apps: [JSONValue] = [E2E.selectionApp, E2E.templateApp].map { ["id": .string($0), "name": "App"] }
        let server = try QseowTestEmulator(links: [Q.live(2, "Sales B")], apps: apps)
        let project = try TemporaryFolder(prefix: "qseow-project")
        defer { project.remove() }
        try project.write("links/sales.json", #"{"links":[{"name":"Sales B","templateApp":"\#(unknownApp)"}]}"#)
        let before = try server.links()
        let run = try await OdagSyncBinary.run(
            ["apply", "--server", server.url, "--auto-approve", "links"], in: project.root)
        #expect(run.code == 1, "\(run)")
        #expect(run.stdout.contains("the server refused the change (404): "), "\(run.stdout)")
        #expect(run.stdout.contains(unknownApp), "quotes the server's message: \(run.stdout)")
        #expect(run.stdout.contains("the link exists, so a referenced app id is probably wrong"), "\(run.stdout)")
        #expect(!run.stdout.contains("no longer exists"), "\(run.stdout)")
        #expect(try server.links() == before, "nothing was changed")
    }

    @Test func aCreatedLinkOwnedOutsideTheScopeIsAFailedChangeExit1() async throws {
        // No X-Qlik-User header: the emulator creates as its default owner, INTERNAL\sa_api.
        let config = #"{ "manifests": ["links"], "scope": { "owners": ["CORP\\svc_odag"] } }"#
        let scenario = try QseowScenario(config: config + "\n")
        let run = try await scenario.against("apply", ["--auto-approve"], binary: true)
        #expect(run.code == 1, "\(run)")
        let created = try #require(try scenario.server.linksByName()["Sales D"], "the link exists")
        let id = try #require(created["id"]?.stringValue)
        #expect(run.stdout.contains("✗ create \"Sales D\""), "\(run.stdout)")
        #expect(run.stdout.contains("(id \(id)) owned by \"INTERNAL\\\\sa_api\""), "\(run.stdout)")
        #expect(run.stdout.contains(#"outside scope.owners ["CORP\\svc_odag"]"#), "\(run.stdout)")
        #expect(run.stderr.contains("hint: do not apply again as the same user"), "\(run.stderr)")
        #expect(!run.stderr.contains("it converges"), "no advice to simply run again: \(run.stderr)")
        #expect(run.stdout.contains("run odag-sync as an owner in scope"), "\(run.stdout)")
        #expect(run.stdout.contains("X-Qlik-User"), "\(run.stdout)")
        #expect(try scenario.server.linksByName()["Sales B"]?["rowEstExpr"] == "new", "the other changes were made")
    }

    /// What another writer does to "Sales B" between a command's read and its first write: a declared
    /// field and a property key no manifest declares.
    static let otherWriter: [String: JSONValue] = [
        "rowEstExpr": "edited by hand", "properties": ["menuLabel": [["context": "User_*", "label": "by hand"]]],
    ]

    @Test func aChangeMadeBetweenApplysReadAndItsWriteIsReappliedOnceAndReported() async throws {
        let scenario = try QseowScenario()
        let proxy = try MeddlingProxy(inFrontOf: scenario.server, linkId: E2E.id(2), edit: Self.otherWriter)
        let run = await scenario.run(
            ["apply", "--server", proxy.url, "--auto-approve", "--output", "json", "links"])
        #expect(proxy.didMeddle, "the other writer's change came between the read and the write")
        #expect(run.code == 0, "\(run)")
        let report = try #require(E2E.json(run.stdout), "\(run)")
        let result = try #require(report["results"]?.arrayValue?.first { $0["name"] == "Sales B" }, "\(run.stdout)")
        #expect(result["outcome"] == "succeeded", "\(run.stdout)")
        let notes = result["notes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(notes.contains { $0.contains("re-applied") }, "the report says it was re-applied: \(run.stdout)")
        let link = try #require(try scenario.server.linksByName()["Sales B"])
        #expect(link["rowEstExpr"] == "new", "the declaration wins on what it declares")
        #expect(
            link["properties"]?["menuLabel"] == Self.otherWriter["properties"]?["menuLabel"],
            "the other writer's undeclared change is kept: \(link)")
        let text = try await QseowScenario.meddledTextApply()
        #expect(text.code == 0, "\(text)")
        #expect(text.stdout.contains("re-applied the declared fields"), "\(text.stdout)")
    }

    @Test func aChangeMadeBetweenApplyingASavedPlansCheckAndItsWriteFailsAsStale() async throws {
        let scenario = try QseowScenario()
        let proxy = try MeddlingProxy(inFrontOf: scenario.server, linkId: E2E.id(2), edit: Self.otherWriter)
        let plan = await scenario.run(["plan", "--server", proxy.url, "--out", "p.plan.json", "links"])
        #expect(plan.code == 0, "\(plan)")
        let run = await scenario.run(["apply", "p.plan.json"])
        #expect(proxy.didMeddle)
        // README, Exit codes: 1 for any failed change; 3 only when refused before anything was applied.
        #expect(run.code == 1, "\(run)")
        #expect(run.stdout.contains("stale"), "\(run.stdout)")
        let link = try #require(try scenario.server.linksByName()["Sales B"])
        #expect(link["rowEstExpr"] == "edited by hand", "nothing unreviewed was written over it")
        #expect(link["properties"]?["menuLabel"] == Self.otherWriter["properties"]?["menuLabel"])
        #expect(try scenario.server.linksByName()["Sales D"] != nil, "the other changes were made")
    }
}

extension QseowScenario {
    /// The meddled apply of manifests once more, with the text report.
    static func meddledTextApply() async throws -> ProcessResult {
        let scenario = try QseowScenario()
        let proxy = try MeddlingProxy(
            inFrontOf: scenario.server, linkId: E2E.id(2), edit: EndToEndQseowApplyTests.otherWriter)
        return await scenario.run(["apply", "--server", proxy.url, "--auto-approve", "links"])
    }
}

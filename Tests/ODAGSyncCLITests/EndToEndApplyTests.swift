import Foundation
import ODAGClient
import ODAGCore
import Testing

/// `apply` against an emulator, from manifests and from plan files, run as the built binary.
@Suite struct EndToEndApplyTests {
    /// Checks that the server holds what `Scenario`'s manifests declare, with the hand-made link kept.
    static func expectConverged(_ scenario: Scenario, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
    {
        let links = try scenario.server.linksByName()
        #expect(
            Set(links.keys) == ["Sales A", "Sales B", "Sales C", "Sales D", "Hand made"], sourceLocation: sourceLocation
        )
        #expect(
            links["Sales A"]?["id"]?.stringValue == E2E.id(1), "an unchanged link keeps its id",
            sourceLocation: sourceLocation)
        #expect(
            links["Sales B"]?["id"]?.stringValue == E2E.id(2), "an update keeps the id", sourceLocation: sourceLocation)
        #expect(links["Sales B"]?["properties"]?["rowEstExpr"] == "new", sourceLocation: sourceLocation)
        #expect(
            links["Sales B"]?["properties"]?["menuLabel"] == "server side", "an update keeps undeclared live fields",
            sourceLocation: sourceLocation)
        #expect(links["Sales C"]?["templateAppId"]?.stringValue == E2E.templateApp, sourceLocation: sourceLocation)
        #expect(
            links["Sales C"]?["id"]?.stringValue != E2E.id(3), "a replace makes a new link",
            sourceLocation: sourceLocation)
        #expect(links["Sales D"]?["properties"]?["rowEstExpr"] == "4", sourceLocation: sourceLocation)
        #expect(
            links["Hand made"]?["id"]?.stringValue == E2E.id(4), "unmanaged links are not touched",
            sourceLocation: sourceLocation)
    }

    @Test func withoutATerminalApplyNeedsAutoApprove() async throws {
        let scenario = try Scenario()
        let before = try scenario.server.links()
        let run = try await scenario.against("apply")
        #expect(run.code == 64, "\(run)")
        #expect(run.stderr.contains("--auto-approve"), "\(run.stderr)")
        #expect(try scenario.server.links() == before, "nothing was applied")
    }

    @Test func autoApproveAppliesEveryChangeAndThePlanIsThenEmpty() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("apply", ["--auto-approve"])
        #expect(run.code == 0, "\(run)")
        #expect(run.stdout.contains("Apply complete: 3 succeeded"), "\(run.stdout)")
        try Self.expectConverged(scenario)
        let again = try await scenario.against("plan", ["--detailed-exitcode"])
        #expect(again.code == 0, "a second plan finds nothing to do: \(again)")
        let rerun = try await scenario.against("apply", ["--auto-approve"])
        #expect(rerun.code == 0, "\(rerun)")
    }

    @Test func dryRunChangesNothing() async throws {
        let scenario = try Scenario()
        let before = try scenario.server.links()
        let run = try await scenario.against("apply", ["--dry-run"])
        #expect(run.code == 0, "\(run)")
        #expect(run.stdout.contains("Plan: 1 to create, 1 to update, 1 to replace"), "\(run.stdout)")
        #expect(run.stderr.contains("Dry run"), "\(run.stderr)")
        #expect(try scenario.server.links() == before)
    }

    @Test func aSavedPlanIsAppliedToItsOwnServer() async throws {
        let scenario = try Scenario()
        let plan = try await scenario.against("plan", ["--out", "p.plan.json"])
        #expect(plan.code == 0, "\(plan)")
        // No --server and no --auto-approve: the plan file names its server and was reviewed already.
        let run = try await scenario.run(["apply", "p.plan.json"])
        #expect(run.code == 0, "\(run)")
        try Self.expectConverged(scenario)
    }

    @Test func aStalePlanIsRefusedNamingTheLinkAndNothingIsApplied() async throws {
        let scenario = try Scenario()
        let plan = try await scenario.against("plan", ["--out", "p.plan.json"])
        #expect(plan.code == 0, "\(plan)")
        // Someone edits "Sales B" on the server after the plan was reviewed.
        let client = try scenario.server.client()
        _ = try await client.updateLink(
            id: E2E.id(2),
            try OdagLinkUpdate(json: ["name": "Sales B", "properties": ["rowEstExpr": "edited by hand"]]))
        let before = try scenario.server.links()

        let run = try await scenario.run(["apply", "p.plan.json"])
        #expect(run.code == 3, "\(run)")
        #expect(run.stderr.contains("\"Sales B\""), "\(run.stderr)")
        #expect(run.stderr.contains("edited by hand"), "says how it changed: \(run.stderr)")
        #expect(run.stderr.contains("stale"))
        #expect(try scenario.server.links() == before, "nothing was applied")
    }

    @Test func aPlanIsStaleWhenALinkItCreatesAppeared() async throws {
        let scenario = try Scenario()
        _ = try await scenario.against("plan", ["--out", "p.plan.json"])
        let client = try scenario.server.client()
        _ = try await client.createLink(
            OdagLinkCreate(name: "Sales D", selectionAppId: E2E.selectionApp, templateAppId: E2E.templateApp))
        let run = try await scenario.run(["apply", "p.plan.json"])
        #expect(run.code == 3, "\(run)")
        #expect(run.stderr.contains("\"Sales D\" appeared"), "\(run.stderr)")
        #expect(try scenario.server.names().filter { $0 == "Sales D" }.count == 1, "no second Sales D")
    }

    @Test func aPlanFileForAnotherServerIsRefused() async throws {
        let scenario = try Scenario()
        let other = try TestEmulator(links: Scenario.liveLinks)
        _ = try await scenario.against("plan", ["--out", "p.plan.json"])
        let run = try await scenario.run(["apply", "p.plan.json", "--server", other.url])
        #expect(run.code == 3, "\(run)")
        #expect(run.stderr.contains(scenario.server.url) && run.stderr.contains(other.url), "\(run.stderr)")
        #expect(try other.links() == Scenario.liveLinks.map { try #require(E2E.json(JSONWriter.string($0))) })
        let env = try await scenario.run(["apply", "p.plan.json"], environment: ["ODAG_SERVER": other.url])
        #expect(env.code == 3, "ODAG_SERVER stands for --server: \(env)")
        #expect(try other.names().count == Scenario.liveLinks.count)
    }

    @Test func planFilesRefuseFlagsThatWereFixedWhenTheyWereMade() async throws {
        let scenario = try Scenario()
        _ = try await scenario.against("plan", ["--out", "p.plan.json"])
        let run = try await scenario.run(["apply", "p.plan.json", "--prune"])
        #expect(run.code == 64, "\(run)")
    }

    @Test func theDeletePercentageLimitRefusesWith3AndForceDeletesPasses() async throws {
        // Ten links in scope, five of them unmanaged: pruning would delete 50 % (the default limit is 30 %).
        let live = (1...10).map { E2E.live($0, "Sales \($0)") }
        let declared = (1...5).map { E2E.declared("Sales \($0)") }
        let scenario = try Scenario(live: live, declared: declared)
        let refused = try await scenario.against("apply", ["--prune", "--auto-approve"])
        #expect(refused.code == 3, "\(refused)")
        #expect(refused.stderr.contains("maxDeletePercent"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--force-deletes"))
        #expect(try scenario.server.links().count == 10, "nothing was deleted")

        let planned = try await scenario.against("plan", ["--prune"])
        #expect(planned.code == 0)
        #expect(planned.stderr.contains("apply will refuse this plan"), "plan warns ahead: \(planned.stderr)")

        let forced = try await scenario.against("apply", ["--prune", "--auto-approve", "--force-deletes"])
        #expect(forced.code == 0, "\(forced)")
        #expect(try scenario.server.names() == ["Sales 1", "Sales 2", "Sales 3", "Sales 4", "Sales 5"])
    }

    @Test func theMaxDeletesLimitFromTheConfigRefusesASavedPlanToo() async throws {
        let scenario = try Scenario(
            live: [E2E.live(1, "Sales keep"), E2E.live(2, "Sales old 1"), E2E.live(3, "Sales old 2")],
            declared: [E2E.declared("Sales keep")])
        try scenario.project.write(
            "odag-sync.json", #"{ "manifests": ["links"], "safety": { "maxDeletes": 1 } }"# + "\n")
        let plan = try await scenario.run(["plan", "--server", scenario.server.url, "--prune", "--out", "p.plan.json"])
        #expect(plan.code == 0, "\(plan)")
        let refused = try await scenario.run(["apply", "p.plan.json"])
        #expect(refused.code == 3, "\(refused)")
        #expect(refused.stderr.contains("maxDeletes (1)"), "\(refused.stderr)")
        #expect(try scenario.server.links().count == 3)
        let forced = try await scenario.run(["apply", "p.plan.json", "--force-deletes"])
        #expect(forced.code == 0, "\(forced)")
        #expect(try scenario.server.names() == ["Sales keep"])
    }

    @Test func pruningWithEmptyManifestsIsRefusedEvenWithForceDeletes() async throws {
        let scenario = try Scenario(declared: [])
        let run = try await scenario.against("apply", ["--prune", "--auto-approve", "--force-deletes"])
        #expect(run.code == 3, "\(run)")
        #expect(try scenario.server.links().count == Scenario.liveLinks.count)
    }

    @Test func aFailedChangeExits1AndTheOthersAreStillMade() async throws {
        // The server refuses bodies over 4 KiB (413): the one link with a huge expression fails.
        let server = try TestEmulator(links: Scenario.liveLinks) { $0.maxBodyBytes = 4096 }
        let project = try TemporaryFolder(prefix: "project")
        defer { project.remove() }
        let huge = String(repeating: "x", count: 8000)
        try project.write(
            "links/sales.json",
            E2E.manifest(
                Scenario.declaredLinks + [E2E.declared("Sales huge", properties: ["rowEstExpr": .string(huge)])]))
        let run = await InProcess.run(
            ["apply", "--server", server.url, "--auto-approve", "links"], in: project.root)
        #expect(run.code == 1, "\(run)")
        #expect(run.stdout.contains("✗ create \"Sales huge\""), "\(run.stdout)")
        #expect(run.stdout.contains("Apply complete: 3 succeeded, 1 failed"), "\(run.stdout)")
        #expect(run.stderr.contains("1 change failed"), "\(run.stderr)")
        let names = try server.names()
        #expect(names.contains("Sales D") && !names.contains("Sales huge"))

        let json = await InProcess.run(
            ["apply", "--server", server.url, "--auto-approve", "--output", "json", "links"], in: project.root)
        #expect(json.code == 1, "\(json)")
        let report = try #require(E2E.json(json.stdout), "not JSON: \(json.stdout)")
        #expect(report["summary"] == ["succeeded": 0, "failed": 1, "notStarted": 0], "only the failing create is left")
        let result = try #require(report["results"]?.arrayValue?.first)
        #expect(result["outcome"] == "failed")
        #expect(result["message"]?.stringValue?.contains("413") == true, "\(json.stdout)")
    }

    @Test func jsonOutputIsTheApplyReport() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("apply", ["--auto-approve", "--output", "json"])
        #expect(run.code == 0, "\(run)")
        let report = try #require(E2E.json(run.stdout), "only the report is on stdout: \(run.stdout)")
        #expect(report["server"]?.stringValue == scenario.server.url)
        #expect(report["summary"] == ["succeeded": 3, "failed": 0, "notStarted": 0])
        let results = try #require(report["results"]?.arrayValue)
        #expect(results.map { $0["action"]?.stringValue } == ["replace", "update", "create"])
        let created = try #require(results.last?["newId"]?.stringValue)
        #expect(try scenario.server.linksByName()["Sales D"]?["id"]?.stringValue == created)
        let none = try await scenario.against("apply", ["--auto-approve", "--output", "json"])
        #expect(none.code == 0)
        #expect(E2E.json(none.stdout)?["summary"] == ["succeeded": 0, "failed": 0, "notStarted": 0], "\(none.stdout)")
    }

    @Test func aPlanIsStaleWhenAPlannedLinkWasDeleted() async throws {
        let scenario = try Scenario()
        _ = try await scenario.against("plan", ["--out", "p.plan.json"])
        try await scenario.server.client().deleteLink(id: E2E.id(3))
        let before = try scenario.server.links()
        let run = try await scenario.run(["apply", "p.plan.json"])
        #expect(run.code == 3, "\(run)")
        #expect(run.stderr.contains("\"Sales C\"") && run.stderr.contains("deleted"), "\(run.stderr)")
        #expect(try scenario.server.links() == before)
    }

    @Test func aDriftReportIsNotAPlanFile() async throws {
        let scenario = try Scenario()
        let drift = try await scenario.against("drift", ["--report", "drift.json"])
        #expect(drift.code == 2, "\(drift)")
        let before = try scenario.server.links()
        let run = try await scenario.run(["apply", "--server", scenario.server.url, "--auto-approve", "drift.json"])
        #expect(run.code == 1, "\(run)")
        #expect(run.stderr.contains("drift report, not a plan"), "\(run.stderr)")
        #expect(try scenario.server.links() == before, "nothing was applied")
    }

    @Test func targetAppliesOnlyTheNamedLinks() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("apply", ["--auto-approve", "--target", "Sales D", "--prune"])
        #expect(run.code == 0, "\(run)")
        let links = try scenario.server.linksByName()
        #expect(links["Sales D"] != nil)
        #expect(links["Sales B"]?["properties"]?["rowEstExpr"] == "old", "outside the target: untouched")
        #expect(links["Hand made"] != nil, "pruning is off outside the targets")
    }

    @Test func quietKeepsDataAndDropsMessages() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("plan", ["--out", "p.plan.json", "--quiet"])
        #expect(run.code == 0, "\(run)")
        #expect(run.stdout.contains("Plan: 1 to create"), "data is still printed")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        let loud = try await scenario.against("plan", ["--out", "q.plan.json"])
        #expect(loud.stderr.contains("q.plan.json"), "the saved-plan message goes to stderr: \(loud.stderr)")
        #expect(!loud.stdout.contains("Saved the plan"))
    }

    @Test func dryRunWithJSONOutputPrintsThePlan() async throws {
        let scenario = try Scenario()
        let before = try scenario.server.links()
        let run = try await scenario.against("apply", ["--dry-run", "--output", "json"])
        #expect(run.code == 0, "\(run)")
        let plan = try #require(E2E.json(run.stdout), "a dry run prints what would be done: \(run)")
        #expect(plan["summary"]?["create"] == 1 && plan["summary"]?["replace"] == 1, "\(run.stdout)")

        _ = try await scenario.against("plan", ["--out", "p.plan.json"])
        let saved = try await scenario.run(["apply", "p.plan.json", "--dry-run", "--output", "json"])
        #expect(saved.code == 0, "\(saved)")
        #expect(E2E.json(saved.stdout)?["changes"]?.arrayValue?.count == 3, "\(saved)")
        #expect(try scenario.server.links() == before, "nothing was applied")
    }

    @Test func aSavedPlanWithNothingToDoPrintsAnEmptyJSONReport() async throws {
        let scenario = try Scenario(live: [E2E.live(1, "Sales A")], declared: [E2E.declared("Sales A")])
        _ = try await scenario.against("plan", ["--out", "p.plan.json"])
        let run = try await scenario.run(["apply", "p.plan.json", "--output", "json"])
        #expect(run.code == 0, "\(run)")
        #expect(E2E.json(run.stdout)?["summary"] == ["succeeded": 0, "failed": 0, "notStarted": 0], "\(run)")
    }
}

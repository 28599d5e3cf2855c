import Foundation
import ODAGCore
import Testing

/// `plan` against an emulator, run as the built binary.
@Suite struct EndToEndPlanTests {
    @Test func textPlanShowsEveryKindOfChangeAndChangesNothing() async throws {
        let scenario = try Scenario()
        let before = try scenario.server.links()
        let run = try await scenario.against("plan")
        #expect(run.code == 0, "\(run)")
        for name in ["Sales B", "Sales C", "Sales D", "Hand made"] {
            #expect(run.stdout.contains(name), "the plan does not name \(name): \(run.stdout)")
        }
        #expect(run.stdout.contains("rowEstExpr"))
        #expect(run.stdout.contains("templateAppId changed"), "a replace names its reason")
        #expect(run.stdout.contains("properties.rowEstExpr: \"old\" → \"new\""), "\(run.stdout)")
        #expect(
            run.stdout.contains("Plan: 1 to create, 1 to update, 1 to replace, 0 to delete; 1 unchanged, 1 unmanaged."))
        #expect(!run.stdout.contains("\u{1B}["), "no colours when stdout is not a terminal")
        #expect(try scenario.server.links() == before, "plan changed the server")
    }

    @Test func jsonPlanHasTheSummaryAndOrderedChanges() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("plan", ["--output", "json"])
        #expect(run.code == 0, "\(run)")
        let plan = try #require(E2E.json(run.stdout), "not JSON: \(run.stdout)")
        #expect(plan["formatVersion"] == 1)
        #expect(plan["server"]?.stringValue == scenario.server.url)
        #expect(
            plan["summary"] == ["create": 1, "update": 1, "replace": 1, "delete": 0, "unchanged": 1, "unmanaged": 1])
        let changes = try #require(plan["changes"]?.arrayValue)
        #expect(changes.map { $0["action"]?.stringValue } == ["replace", "update", "create"])
        #expect(changes.map { $0["name"]?.stringValue } == ["Sales C", "Sales B", "Sales D"])
        let update = changes[1]
        #expect(update["diffs"] == [["path": "properties.rowEstExpr", "before": "old", "after": "new"]])
        #expect(
            update["after"]?["properties"]?["menuLabel"] == "server side", "the update keeps undeclared live fields")
        #expect(plan["unmanaged"]?.arrayValue?.map { $0["name"] } == ["Hand made"])
        #expect(plan["errors"] == [])
    }

    @Test func sameInputsGiveTheSameJSONPlan() async throws {
        let scenario = try Scenario()
        let first = try await scenario.against("plan", ["--output", "json"])
        let second = try await scenario.against("plan", ["--output", "json"])
        func withoutTime(_ text: String) -> String {
            text.split(separator: "\n").filter { !$0.contains("\"generatedAt\"") }.joined(separator: "\n")
        }
        #expect(withoutTime(first.stdout) == withoutTime(second.stdout))
    }

    @Test func markdownPlanIsATableForAComment() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("plan", ["--output", "markdown"])
        #expect(run.code == 0, "\(run)")
        #expect(run.stdout.contains("|"), "\(run.stdout)")
        #expect(run.stdout.contains("Sales D"))
        #expect(!run.stdout.contains("\u{1B}["), "no terminal colours in Markdown")
    }

    @Test func detailedExitcodeIs2WithChangesAnd0WithNone() async throws {
        let scenario = try Scenario()
        let changes = try await scenario.against("plan", ["--detailed-exitcode"])
        #expect(changes.code == 2, "\(changes)")
        let inSync = try Scenario(live: [E2E.live(1, "Sales A")], declared: [E2E.declared("Sales A")])
        let none = try await inSync.against("plan", ["--detailed-exitcode"])
        #expect(none.code == 0, "\(none)")
        let plain = try await scenario.against("plan")
        #expect(plain.code == 0, "without --detailed-exitcode changes are not an error")
    }

    @Test func outWritesAPlanFileThatRecordsTheLiveState() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("plan", ["--out", "sales.plan.json"])
        #expect(run.code == 0, "\(run)")
        #expect(!run.stdout.contains("\"formatVersion\""), "the text plan still goes to stdout")
        let file = try #require(E2E.json(scenario.project.read("sales.plan.json")), "no plan file")
        #expect(file["formatVersion"] == 1)
        #expect(file["server"]?.stringValue == scenario.server.url)
        let update = try #require(file["changes"]?.arrayValue?.first { $0["action"] == "update" })
        #expect(
            update["before"]?["properties"]?["rowEstExpr"] == "old", "the plan records the live link it was made from")
    }

    @Test func pruneAddsDeletesOfUnmanagedLinks() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("plan", ["--prune", "--output", "json"])
        #expect(run.code == 0, "\(run)")
        let plan = try #require(E2E.json(run.stdout))
        let first = try #require(plan["changes"]?.arrayValue?.first)
        #expect(first["action"] == "delete")
        #expect(first["name"] == "Hand made")
        #expect(first["id"]?.stringValue == E2E.id(4))
        #expect(plan["summary"]?["delete"] == 1)
    }

    @Test func targetLimitsThePlanToNamedLinks() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("plan", ["--target", "Sales D", "--prune", "--output", "json"])
        #expect(run.code == 0, "\(run)")
        let plan = try #require(E2E.json(run.stdout))
        #expect(plan["changes"]?.arrayValue?.map { $0["name"] } == ["Sales D"], "\(run.stdout)")
        let two = try await scenario.against(
            "plan", ["--target", "Sales D", "--target", "Sales B", "--output", "json"])
        #expect(E2E.json(two.stdout)?["changes"]?.arrayValue?.map { $0["name"] } == ["Sales B", "Sales D"])
    }

    @Test func ambiguousNamesAndMissingPinnedIdsExit1() async throws {
        var pinned = E2E.declared("Sales pinned")
        if case .object(var members) = pinned {
            members["id"] = .string(E2E.id(99))
            pinned = .object(members)
        }
        let scenario = try Scenario(
            live: [E2E.live(1, "Sales twin"), E2E.live(2, "Sales twin")],
            declared: [E2E.declared("Sales twin"), pinned, E2E.declared("Sales fine")])
        let run = try await scenario.against("plan", ["--output", "json"])
        #expect(run.code == 1, "\(run)")
        let plan = try #require(E2E.json(run.stdout), "the plan is still printed: \(run)")
        let errors = try #require(plan["errors"]?.arrayValue)
        #expect(errors.count == 2, "\(run.stdout)")
        #expect(run.stdout.contains("Sales twin") && run.stdout.contains(E2E.id(99)))
        #expect(run.stderr.contains("cannot be planned"), "\(run.stderr)")
        let text = try await scenario.against("plan")
        #expect(text.code == 1)
        #expect(text.stdout.contains("id"), "the ambiguous link's error tells the user to pin an id: \(text)")
    }

    @Test func pruningWithManifestsThatDeclareNothingIsRefusedWith3() async throws {
        let scenario = try Scenario(declared: [])
        let run = try await scenario.against("plan", ["--prune"], binary: true)
        #expect(run.code == 3, "\(run)")
        #expect(run.stderr.contains("declare no link") || run.stderr.contains("no link"), "\(run.stderr)")
        #expect(try scenario.server.links().count == Scenario.liveLinks.count)
    }

    @Test func unreachableServerExits1NamingIt() async throws {
        let scenario = try Scenario()
        let url = scenario.server.url
        scenario.server.stop()
        let run = try await scenario.runBinary(["plan", "--server", url, "--timeout", "5", "links"])
        #expect(run.code == 1, "\(run)")
        #expect(run.stderr.contains("127.0.0.1"), "\(run.stderr)")
    }

    @Test func noServerIsAUsageError() async throws {
        let scenario = try Scenario()
        let run = try await scenario.run(["plan", "links"])
        #expect(run.code == 64, "\(run)")
        #expect(run.stderr.contains("--server"))
    }

    @Test func odagServerStandsInForServer() async throws {
        let scenario = try Scenario()
        let run = try await scenario.run(
            ["plan", "--output", "json", "links"], environment: ["ODAG_SERVER": scenario.server.url])
        #expect(run.code == 0, "\(run)")
        #expect(E2E.json(run.stdout)?["server"]?.stringValue == scenario.server.url)
    }

    @Test func anUnknownTargetIsAnErrorWithASuggestion() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("plan", ["--target", "Sales DD"])
        #expect(run.code == 1, "\(run)")
        #expect(run.stdout.contains("did you mean \"Sales D\"?"), "\(run.stdout)")
    }
}

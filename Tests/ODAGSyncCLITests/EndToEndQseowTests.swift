import Foundation
import ODAGCore
import Testing

/// validate, plan, drift and export of the `qseow` flavour against `emulator --api qseow`, and the
/// exit codes of reading and choosing the flavour.
@Suite struct EndToEndQseowTests {
    @Test func planShowsEachKindOfQseowChangeAndNothingForWhatIsInStep() async throws {
        let scenario = try QseowScenario()
        let run = try await scenario.against("plan", ["--output", "json"])
        #expect(run.code == 0, "\(run)")
        let plan = try #require(E2E.json(run.stdout), "\(run)")
        #expect(plan["api"] == "qseow")
        let changes = try #require(plan["changes"]?.arrayValue)
        let byName = Dictionary(changes.map { ($0["name"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(byName.keys) == ["Sales B", "Sales C", "Sales D", "Sales E"], "\(run.stdout)")
        #expect(byName["Sales B"]?["action"] == "update")
        #expect(byName["Sales C"]?["action"] == "update", "a template app change is an in-place update")
        #expect(byName["Sales C"]?["diffs"]?.arrayValue?.map { $0["path"] } == ["templateApp"], "\(run.stdout)")
        #expect(byName["Sales D"]?["action"] == "create")
        #expect(byName["Sales E"]?["action"] == "update")
        #expect(byName["Sales E"]?["diffs"]?.arrayValue?.map { $0["path"] } == ["status"], "\(run.stdout)")
        // Sales A (reordered bindings and properties, server-filled binding fields) and the dynamic view
        // (read because GET /links asks for type=all) are in step; the retired link is invisible.
        #expect(plan["summary"]?["unchanged"] == 2, "\(run.stdout)")
        let unmanaged = plan["unmanaged"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
        #expect(unmanaged == ["Hand made", "Sales stray"], "\(run.stdout)")
        #expect(!run.stdout.contains("Sales retired"))

        let detailed = try await scenario.against("plan", ["--detailed-exitcode"], binary: true)
        #expect(detailed.code == 2, "changes present: \(detailed)")
        #expect(detailed.stdout.contains("Plan: 1 to create, 3 to update"), "\(detailed.stdout)")
    }

    @Test func pruningRetiresUnmanagedLinksInScopeByOwnerObject() async throws {
        let config = #"{ "manifests": ["links"], "scope": { "namePrefix": "Sales ", "owners": ["CORP\\svc_odag"] } }"#
        let scenario = try QseowScenario(config: config + "\n")
        let run = await scenario.run(["plan", "--server", scenario.server.url, "--prune", "--output", "json"])
        #expect(run.code == 0, "\(run)")
        let plan = try #require(E2E.json(run.stdout), "\(run)")
        let retires = plan["changes"]?.arrayValue?.filter { $0["action"] == "retire" }.map { $0["name"] }
        #expect(retires == ["Sales stray"], "Hand made is owned by CORP\\jdoe: out of scope. \(run.stdout)")
        #expect(plan["summary"]?["retire"] == 1 && plan["summary"]?["delete"] == 0, "\(run.stdout)")
        let unmanaged = plan["unmanaged"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(!unmanaged.contains("Hand made"), "out of scope is not even unmanaged: \(run.stdout)")

        let other = #"{ "manifests": ["links"], "scope": { "owners": ["CORP\\jdoe"] } }"#
        try scenario.project.write("odag-sync.json", other + "\n")
        let scoped = await scenario.run(["plan", "--server", scenario.server.url, "--output", "json"])
        #expect(scoped.code == 0, "\(scoped)")
        let names = E2E.json(scoped.stdout)?["unmanaged"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["Hand made"], "\(scoped.stdout)")
    }

    @Test func validateChecksQseowManifestsWithFileLineAndColumn() async throws {
        let scenario = try QseowScenario()
        let good = await scenario.run(["validate", "links"])
        #expect(good.code == 0, "\(good)")
        try scenario.project.write(
            "links/bad.json",
            """
            {
              "links": [
                { "name": "Sales bad", "templateApp": "\(E2E.templateApp)", "status": "retired" }
              ]
            }

            """)
        let bad = try await scenario.runBinary(["validate", "links"])
        #expect(bad.code == 1, "\(bad)")
        #expect(bad.stderr.contains("links/bad.json:3:"), "file:line:column: \(bad.stderr)")
        #expect(bad.stderr.contains("status"), "\(bad.stderr)")
        let plan = try await scenario.against("plan", binary: true)
        #expect(plan.code == 1, "a bad manifest stops plan too: \(plan)")
    }

    @Test func driftExits2ThenZeroOnceApplied() async throws {
        let scenario = try QseowScenario()
        let drift = try await scenario.against("drift", binary: true)
        #expect(drift.code == 2, "\(drift)")
        #expect(drift.stdout.contains("Sales D"), "missing: \(drift.stdout)")
        let json = try await scenario.against("drift", ["--output", "json"])
        #expect(json.code == 2, "\(json)")
        let report = try #require(E2E.json(json.stdout), "\(json)")
        #expect(report["api"] == "qseow", "\(json.stdout)")

        let apply = try await scenario.against("apply", ["--auto-approve"])
        #expect(apply.code == 0, "\(apply)")
        let unmanagedOnly = try await scenario.against("drift")
        #expect(unmanagedOnly.code == 2, "the unmanaged links are still drift: \(unmanagedOnly)")
        let clean = try await QseowScenario.inSync()
        let none = try await clean.against("drift", binary: true)
        #expect(none.code == 0, "no drift: \(none)")
        let plan = try await clean.against("plan", ["--detailed-exitcode"], binary: true)
        #expect(plan.code == 0, "in sync: \(plan)")
    }

    @Test func oneProxySessionPerRun() async throws {
        let scenario = try QseowScenario()
        let before = scenario.server.sessionsCreated
        let plan = try await scenario.against("plan")
        #expect(plan.code == 0, "\(plan)")
        #expect(scenario.server.sessionsCreated == before + 1, "plan opened one session")
        let apply = try await scenario.against("apply", ["--auto-approve", "--parallelism", "4"])
        #expect(apply.code == 0, "\(apply)")
        #expect(
            scenario.server.sessionsCreated == before + 2,
            "apply's read and all its writes share one proxy session: \(scenario.server.sessionsCreated - before)")
    }

    // MARK: - Exit codes of the flavour choice

    @Test func aBadApiValueIsUsage64() async throws {
        let scenario = try QseowScenario()
        let run = try await scenario.against("plan", ["--api", "qsoew"], binary: true)
        #expect(run.code == 64, "\(run)")
        #expect(run.stderr.contains("qsoew"), "\(run.stderr)")
    }

    @Test func anAnswerThatDoesNotFitTheChosenFlavourIsAnErrorNamingTheField() async throws {
        // qseow manifests, --api qseow, but the server answers in the document's shapes.
        let document = try TestEmulator(links: [E2E.live(1, "Sales A")])
        let scenario = try QseowScenario()
        let run = try await scenario.runBinary(["plan", "--server", document.url, "--api", "qseow", "links"])
        #expect(run.code == 1, "\(run)")
        #expect(run.stderr.contains("[0]."), "names the field: \(run.stderr)")
        #expect(try document.names() == ["Sales A"])
    }

    @Test func applyWithAutoAgainstAServerWithNoLinksIsRefused3() async throws {
        // As silent as a real server: the emulator does not name its flavour.
        let scenario = try QseowScenario(live: []) { $0.announcesFlavour = false }
        let run = try await scenario.against("apply", ["--auto-approve"], binary: true)
        #expect(run.code == 3, "\(run)")
        #expect(run.stderr.contains("no links"), "\(run.stderr)")
        #expect(try scenario.server.links().isEmpty, "nothing was written")
        let plan = try await scenario.against("plan")
        #expect(plan.code == 0, "plan says so and goes on: \(plan)")
        let named = try await scenario.against("apply", ["--auto-approve", "--api", "qseow"])
        #expect(named.code == 0, "\(named)")
        #expect(try scenario.server.activeNames().count == QseowScenario.declaredLinks.count)
    }
}

extension QseowScenario {
    /// A server and project already in step: the scenario's declarations, each live as declared.
    static func inSync() async throws -> QseowScenario {
        let scenario = try QseowScenario(live: [Q.live(1, "Sales A", extra: ["bindings": Q.liveBindings])])
        try scenario.project.write(
            "links/sales.json", E2E.manifest([Q.declared("Sales A", extra: ["bindings": Q.bindings])]))
        return scenario
    }
}

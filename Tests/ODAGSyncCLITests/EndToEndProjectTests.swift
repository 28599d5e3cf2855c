import Foundation
import ODAGCore
import Testing

/// The project around the commands: the config file and its scope, environments, plan files made
/// against `--emulator`, ambiguous live links.
@Suite struct EndToEndProjectTests {
    @Test func scopeKeepsOtherLinksOutOfPlansAndPruning() async throws {
        let scenario = try Scenario()
        try scenario.project.write(
            "odag-sync.json", #"{ "manifests": ["links"], "scope": { "namePrefix": "Sales " } }"# + "\n")
        let run = try await scenario.run(["apply", "--server", scenario.server.url, "--prune", "--auto-approve"])
        #expect(run.code == 0, "\(run)")
        #expect(!run.stdout.contains("Hand made"), "outside the scope: not even reported: \(run.stdout)")
        #expect(try scenario.server.linksByName()["Hand made"] != nil, "outside the scope: never pruned")
        try EndToEndApplyTests.expectConverged(scenario)

        try scenario.project.write("links/extra.json", E2E.manifest([E2E.declared("Other team's link")]))
        let outside = try await scenario.run(["validate"])
        #expect(outside.code == 1, "a declaration outside the scope is a validation error: \(outside)")
        #expect((outside.stdout + outside.stderr).contains("Other team's link"))
    }

    @Test func theConfigIsFoundFromAnotherFolderWithPathsRelativeToIt() async throws {
        let scenario = try Scenario()
        // The config's paths stay inside its own folder (the project), so the manifests sit beside it.
        try scenario.project.write("conf/odag-sync.json", #"{ "manifests": ["links"] }"# + "\n")
        try scenario.project.write("conf/links/sales.json", scenario.project.read("links/sales.json"))
        let elsewhere = try TemporaryFolder(prefix: "cwd")
        defer { elsewhere.remove() }
        let run = await InProcess.run(
            [
                "plan", "--config", scenario.project.path("conf/odag-sync.json"), "--server", scenario.server.url,
                "--output", "json",
            ], in: elsewhere.root)
        #expect(run.code == 0, "\(run)")
        #expect(E2E.json(run.stdout)?["summary"]?["create"] == 1, "\(run.stdout)")

        let unknown = await InProcess.run(
            [
                "plan", "--config", scenario.project.path("conf/odag-sync.json"), "--env", "prod",
                "--server", scenario.server.url,
            ], in: elsewhere.root)
        #expect(unknown.code == 1, "an unknown environment is an error: \(unknown)")
        #expect(unknown.stderr.contains("prod"))
    }

    @Test func aPlanMadeAgainstAnEmulatorStateFileAppliesToIt() async throws {
        let folder = try TemporaryFolder(prefix: "emulator-plan")
        defer { folder.remove() }
        try folder.copy(OdagSyncBinary.inPackage("examples/quickstart/emulator-state.json"), to: "state.json")
        try folder.copy(OdagSyncBinary.inPackage("examples/quickstart/links"), to: "links")
        let plan = await InProcess.run(
            ["plan", "--emulator", "state.json", "--out", "p.json", "links"], in: folder.root)
        #expect(plan.code == 0, "\(plan)")
        #expect(E2E.json(folder.read("p.json"))?["server"]?.stringValue == "emulator:" + folder.path("state.json"))

        try folder.copy(folder.path("state.json"), to: "other.json")
        let other = await InProcess.run(["apply", "p.json", "--emulator", "other.json"], in: folder.root)
        #expect(other.code == 3, "\(other)")

        let apply = await InProcess.run(["apply", "p.json"], in: folder.root)
        #expect(apply.code == 0, "\(apply)")
        #expect(apply.stdout.contains("Apply complete: 3 succeeded"), "\(apply.stdout)")
        let again = await InProcess.run(
            ["plan", "--emulator", "state.json", "--detailed-exitcode", "links"], in: folder.root)
        #expect(again.code == 0, "\(again)")
    }

    @Test func ambiguousLiveLinksAreDriftAndBlockApply() async throws {
        let scenario = try Scenario(
            live: [E2E.live(1, "Sales twin"), E2E.live(2, "Sales twin")], declared: [E2E.declared("Sales twin")])
        let drift = try await scenario.against("drift", ["--output", "prometheus"])
        #expect(drift.code == 2, "\(drift)")
        let metrics = try PrometheusText(drift.stdout)
        #expect(metrics.samples.first { $0.labels["kind"] == "ambiguous" }?.value == 1)
        let text = try await scenario.against("drift")
        #expect(text.stdout.contains("pin one with \"id\""), "\(text)")
        let apply = try await scenario.against("apply", ["--auto-approve", "--prune"])
        #expect(apply.code == 1, "\(apply)")
        #expect(try scenario.server.links().count == 2, "nothing was applied")
    }
}

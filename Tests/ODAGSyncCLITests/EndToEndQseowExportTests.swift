import Foundation
import ODAGCore
import Testing

/// `export` in the `qseow` flavour against `emulator --api qseow`: the exported manifests validate and,
/// with a `selectionApp` added where a link would be created, plan to no changes.
@Suite struct EndToEndQseowExportTests {
    @Test func exportWritesQseowManifestsThatPlanToNoChanges() async throws {
        let scenario = try QseowScenario()
        let export = await scenario.run(["export", "--server", scenario.server.url, "--out", "exported"])
        #expect(export.code == 0, "\(export)")
        let files = try FileManager.default.contentsOfDirectory(atPath: scenario.project.path("exported"))
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".schema.json") }.sorted()
        #expect(!files.isEmpty, "\(export)")
        var exportedNames: [String] = []
        for file in files {
            let manifest = try #require(E2E.json(scenario.project.read("exported/" + file)))
            for link in manifest["links"]?.arrayValue ?? [] {
                #expect(link["templateApp"] != nil && link["templateAppId"] == nil, "qseow keys: \(file)")
                #expect(link["selectionApp"] == nil, "Qlik never returns the selection app: \(file)")
                exportedNames.append(link["name"]?.stringValue ?? "")
            }
        }
        #expect(!exportedNames.contains("Sales retired"), "a retired link is not exported: \(exportedNames)")
        #expect(exportedNames.contains("Sales View"), "a dynamic view is exported: \(exportedNames)")
        let validate = await scenario.run(["validate", "exported"])
        #expect(validate.code == 0, "\(validate)")
        let plan = await scenario.run(
            ["plan", "--server", scenario.server.url, "--detailed-exitcode", "--prune", "exported"])
        #expect(plan.code == 0, "exported manifests plan to no changes: \(plan)")
    }

    @Test func exportedManifestsNeedOnlyTheSelectionAppToRecreateTheLinksOnAnotherServer() async throws {
        let scenario = try QseowScenario()
        let export = await scenario.run(["export", "--server", scenario.server.url, "--out", "-"])
        #expect(export.code == 0, "\(export)")
        let manifest = try #require(E2E.json(export.stdout), "one manifest on stdout: \(export)")
        let links = try #require(manifest["links"]?.arrayValue)
        #expect(links.count == QseowScenario.liveLinks.count - 1, "all but the retired link: \(export.stdout)")

        let empty = try QseowTestEmulator()
        try scenario.project.write("moved/all.json", E2E.manifest(links))
        let refused = await scenario.run(["plan", "--server", empty.url, "--api", "qseow", "moved"])
        #expect(refused.code == 1, "a create without selectionApp is a plan error: \(refused)")
        #expect(refused.stderr.contains("selectionApp") || refused.stdout.contains("selectionApp"), "\(refused)")

        let completed = links.map { link -> JSONValue in
            guard case .object(var members) = link else { return link }
            members["selectionApp"] = .string(E2E.selectionApp)
            return .object(members)
        }
        try scenario.project.write("moved/all.json", E2E.manifest(completed))
        let apply = await scenario.run(["apply", "--server", empty.url, "--api", "qseow", "--auto-approve", "moved"])
        #expect(apply.code == 0, "\(apply)")
        #expect(try empty.activeNames().count == links.count)
        let plan = await scenario.run(["plan", "--server", empty.url, "--detailed-exitcode", "moved"])
        #expect(plan.code == 0, "the moved links are in step: \(plan)")
    }
}

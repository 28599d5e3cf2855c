import Foundation
import ODAGCore
import Testing

@testable import ODAGSyncCLI

/// Every command reads the project through the one loader, so they report problems alike.
@Suite struct EndToEndLoadingTests {
    @Test(arguments: ["validate", "plan", "drift", "apply"])
    func aMissingManifestPathIsReportedWhereTheConfigListsIt(command: String) async throws {
        let project = try TemporaryFolder(prefix: "loading")
        defer { project.remove() }
        try project.write("odag-sync.json", "{\n  \"manifests\": [\"nowhere\"]\n}\n")
        let server = command == "validate" ? [] : ["--emulator", project.path("state.json")]
        let run = await CapturedRun.run([command] + server, directory: project.root)
        #expect(run.code == .failure, "\(run)")
        #expect(
            run.stderr.contains(
                #"odag-sync.json:2:17: manifests[0]: "nowhere" does not exist; expected a manifest file or folder (relative to the config file's folder)"#
            ), "\(run.stderr)")
    }

    @Test func noManifestPathsIsBadUsageUnlessTheConfigHasErrorsToShow() async throws {
        let project = try TemporaryFolder(prefix: "no-manifests")
        try project.write("odag-sync.json", #"{"prune": true}"#)
        let usage = await CapturedRun.run(["plan", "--emulator", project.path("state.json")], directory: project.root)
        #expect(usage.code == .usage, "\(usage)")
        #expect(usage.stderr.hasPrefix("error: no manifests: give their paths as arguments"), "\(usage.stderr)")
        try project.write("odag-sync.json", #"{"prune": "yes"}"#)
        let broken = await CapturedRun.run(["plan", "--emulator", project.path("state.json")], directory: project.root)
        #expect(broken.code == .failure, "\(broken)")
        #expect(
            broken.stderr.contains("odag-sync.json:1:11: prune:"), "the config's own error is shown: \(broken.stderr)")
    }

    @Test func thePlanIsStampedWithTheClockTheCommandIsGiven() async throws {
        let project = try TemporaryFolder(prefix: "clock")
        defer { project.remove() }
        try project.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        let out = BufferSink()
        let context = CommandContext(
            console: Console(standardOutput: out, standardError: BufferSink()), environment: [:],
            currentDirectory: project.root, clock: { Date(timeIntervalSince1970: 1_700_000_000) })
        let code = await CommandLineTool.run(
            ["plan", "--emulator", project.path("state.json"), "--output", "json", "links"], context: context)
        #expect(code == .success)
        #expect(E2E.json(out.text)?["generatedAt"]?.stringValue == "2023-11-14T22:13:20Z", "\(out.text)")
    }
}

/// Bounded inputs through the command line.
@Suite struct EndToEndBoundedInputTests {
    @Test func aConfigListingTheWholeDiskIsRefusedWithoutSearchingIt() async throws {
        let project = try TemporaryFolder(prefix: "bounded")
        try project.write("odag-sync.json", #"{"manifests": ["/"]}"#)
        let run = await CapturedRun.run(["validate"], directory: project.root)
        #expect(run.code == .failure, "\(run)")
        #expect(
            run.stderr.contains(#"odag-sync.json:1:16: manifests[0]: "/" leads outside the project folder"#),
            "\(run.stderr)")
    }
}

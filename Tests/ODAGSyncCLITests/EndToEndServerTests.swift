import Foundation
import ODAGCore
import Testing

@testable import ODAGSyncCLI

/// Which server a command talks to, run in process through the command line.
@Suite struct EndToEndServerTests {
    @Test func odagServerReplacingTheEnvironmentsServerIsSaidOnStandardError() async throws {
        let server = try TestEmulator()
        let project = try TemporaryFolder(prefix: "server")
        defer {
            project.remove()
            server.stop()
        }
        try project.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        try project.write(
            "odag-sync.json",
            #"{"manifests": ["links"], "environments": {"prod": {"server": "https://qlik.example.com/api/odag/v1"}}}"#)
        let run = await CapturedRun.run(
            ["plan", "--env", "prod", "--output", "json"], environment: ["ODAG_SERVER": server.url],
            directory: project.root)
        #expect(run.code == .success, "\(run)")
        #expect(
            run.stderr.contains(
                "ODAG_SERVER (\(server.url)) replaces the config's server https://qlik.example.com/api/odag/v1"),
            "\(run.stderr)")
        #expect(E2E.json(run.stdout)?["server"]?.stringValue == server.url)

        let flag = await CapturedRun.run(
            ["plan", "--env", "prod", "--server", server.url, "--output", "json"], directory: project.root)
        #expect(flag.code == .success, "\(flag)")
        #expect(!flag.stderr.contains("replaces"), "--server says plainly which server it is: \(flag.stderr)")
    }
}

import Foundation
import ODAGCore
import Testing

/// `validate`, `version`, `help` and usage errors, run as the built binary.
@Suite struct EndToEndValidateTests {
    @Test func versionPrintsOneLineOnStdout() async throws {
        let run = await InProcess.run(["version"])
        #expect(run.code == 0, "\(run)")
        #expect(run.stdout.hasPrefix("odag-sync "))
        #expect(run.stdout.split(separator: "\n").count == 1)
        #expect(run.stderr.isEmpty)
        let flag = await InProcess.run(["--version"])
        #expect(flag.code == 0)
        #expect(flag.stdout == run.stdout)
    }

    @Test func helpListsEveryCommand() async throws {
        let run = await InProcess.run(["help"])
        #expect(run.code == 0, "\(run)")
        for command in ["validate", "plan", "apply", "drift", "export", "emulator", "version"] {
            #expect(run.stdout.contains("\n  \(command) "), "help does not list \(command)")
        }
        let plan = await InProcess.run(["help", "plan"])
        #expect(plan.code == 0)
        #expect(plan.stdout.hasPrefix("Usage: odag-sync plan"))
        #expect(plan.stdout.contains("--detailed-exitcode"))
        let viaFlag = await InProcess.run(["plan", "--help"])
        #expect(viaFlag.stdout == plan.stdout)
    }

    @Test func unknownCommandExits64WithASuggestion() async throws {
        let run = try await OdagSyncBinary.run(["plna"])
        #expect(run.code == 64, "\(run)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("unknown command \"plna\""))
        #expect(run.stderr.contains("did you mean \"plan\"?"))
    }

    @Test func unknownFlagExits64WithASuggestion() async throws {
        let run = try await OdagSyncBinary.run(["plan", "--detailed-exit-code"])
        #expect(run.code == 64, "\(run)")
        #expect(run.stderr.contains("unknown option \"--detailed-exit-code\""))
        #expect(run.stderr.contains("did you mean \"--detailed-exitcode\"?"))
    }

    @Test func helpForAnUnknownCommandExits64() async throws {
        let run = try await OdagSyncBinary.run(["help", "aply"])
        #expect(run.code == 64, "\(run)")
        #expect(run.stderr.contains("did you mean \"apply\"?"))
    }

    @Test func noArgumentsExits64() async throws {
        let run = try await OdagSyncBinary.run([])
        #expect(run.code == 64, "\(run)")
    }

    @Test func badOptionValuesExit64() async throws {
        let output = try await OdagSyncBinary.run(["plan", "--output", "yaml", "links"])
        #expect(output.code == 64, "\(output)")
        #expect(output.stderr.contains("--output"))
        let parallelism = try await OdagSyncBinary.run(["apply", "--parallelism", "0", "links"])
        #expect(parallelism.code == 64, "\(parallelism)")
    }

    @Test func validManifestsExit0() async throws {
        let project = try TemporaryFolder()
        defer { project.remove() }
        try project.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        let run = await InProcess.run(["validate", "links"], in: project.root)
        #expect(run.code == 0, "\(run)")
        #expect(run.stdout == "ok: 1 file, 4 links\n" || run.stdout.hasPrefix("ok:"), "\(run)")
        #expect(run.stderr.isEmpty)

        let json = await InProcess.run(["validate", "links", "--output", "json"], in: project.root)
        #expect(json.code == 0, "\(json)")
        let report = try #require(E2E.json(json.stdout), "not JSON: \(json.stdout)")
        #expect(report["valid"] == true, "\(json.stdout)")
        #expect(report["diagnostics"] == [])
        #expect(report["links"] == 4)
    }

    @Test func invalidManifestsExit1NamingFileLineAndColumn() async throws {
        let project = try TemporaryFolder()
        defer { project.remove() }
        try project.write(
            "links/bad.json",
            """
            {
              "links": [
                {
                  "name": "Sales typo",
                  "selectionAppId": "\(E2E.selectionApp)",
                  "templateAppID": "\(E2E.templateApp)"
                },
                { "name": "Sales bad id", "selectionAppId": "abc", "templateAppId": "\(E2E.templateApp)" }
              ]
            }

            """)
        let run = await InProcess.run(["validate", "links"], in: project.root)
        #expect(run.code == 1, "\(run)")
        #expect(run.stdout.isEmpty, "problems are messages, on stderr: \(run)")
        let all = run.stderr
        #expect(all.contains("links/bad.json:6:7"), "\(run)")
        #expect(all.contains("did you mean \"templateAppId\"") || all.contains("templateAppId"), "\(run)")
        #expect(all.contains("links/bad.json:8:"), "every error is reported at once: \(run)")
        #expect(all.contains("\"abc\""))

        let json = await InProcess.run(["validate", "links", "--output", "json"], in: project.root)
        #expect(json.code == 1, "\(json)")
        let report = try #require(E2E.json(json.stdout), "not JSON: \(json.stdout)")
        #expect(report["valid"] == false)
        let diagnostics = try #require(report["diagnostics"]?.arrayValue)
        // The unknown key, the required key it leaves missing, and the bad UUID.
        #expect(diagnostics.count == 3, "\(json.stdout)")
        let typo = try #require(diagnostics.first { $0["path"] == "links[0].templateAppID" }, "\(json.stdout)")
        #expect(typo["file"] == "links/bad.json")
        #expect(typo["line"] == 6)
        #expect(typo["column"] == 7)
    }

    @Test func commandsThatNeedManifestsRefuseBadOnesWithExit1() async throws {
        let project = try TemporaryFolder()
        defer { project.remove() }
        try project.write("links/bad.json", "{ \"links\": [ { \"name\": \"x\", } ] }\n")
        let run = await InProcess.run(
            ["plan", "--server", "http://127.0.0.1:9/api/odag/v1", "links"], in: project.root)
        #expect(run.code == 1, "\(run)")
        #expect(run.stderr.contains("links/bad.json:1:"), "\(run)")
        #expect(run.stdout.isEmpty)
    }
}

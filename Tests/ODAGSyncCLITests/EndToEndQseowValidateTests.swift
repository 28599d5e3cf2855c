import Foundation
import ODAGCore
import Testing

/// `validate` of qseow manifests from the command line: warnings shown but not failing, the flavour
/// chosen by `--api` or the config, and mixed flavours refused naming the files.
@Suite struct EndToEndQseowValidateTests {
    static let qseow = """
        {"links": [{"name": "Sales", "templateApp": "\(E2E.templateApp)",
          "properties": {"futureKey": [{"context": "*", "x": 1}], "genAppLimit": [{"context": "*", "limit": 2}]}}]}
        """
    static let document = """
        {"links": [{"name": "Finance", "selectionAppId": "\(E2E.selectionApp)", "templateAppId": "\(E2E.templateApp)"}]}
        """

    /// A project folder holding `files` (path: text), removed when the test ends.
    static func project(_ files: [String: String]) throws -> TemporaryFolder {
        let project = try TemporaryFolder(prefix: "validate-qseow")
        for (path, text) in files { try project.write(path, text) }
        return project
    }

    @Test func onlyWarningsExitZeroAndAreMarkedAsWarnings() async throws {
        let project = try Self.project(["links/sales.json": Self.qseow])
        defer { project.remove() }
        let text = await InProcess.run(["validate", "links"], in: project.root)
        #expect(text.code == 0, "\(text)")
        #expect(
            text.stderr.contains(
                "links/sales.json:2:18: warning: links[0].properties.futureKey: property key \"futureKey\" is not one"
                    + " Qlik documents"), "\(text.stderr)")
        #expect(text.stderr.contains("ok: 1 file, 1 link (1 warning)"), "\(text.stderr)")
        let json = await InProcess.run(["validate", "--output", "json", "links"], in: project.root)
        #expect(json.code == 0, "\(json)")
        let report = try #require(E2E.json(json.stdout))
        #expect(report["valid"] == true)
        #expect(report["diagnostics"]?.arrayValue?.map { $0["severity"] } == ["warning"])
    }

    @Test func theFlavourIsTheOneApiNamesElseTheManifestsShow() async throws {
        let project = try Self.project(["links/finance.json": Self.document])
        defer { project.remove() }
        #expect(await InProcess.run(["validate", "links"], in: project.root).code == 0)
        let named = await InProcess.run(["validate", "--api", "qseow", "links"], in: project.root)
        #expect(named.code == 1, "\(named)")
        #expect(
            named.stderr.contains(
                "links/finance.json:1:90: links[0].templateAppId: this manifest is written in the document flavour"
                    + " (it has \"templateAppId\"), but --api is \"qseow\"; a project's manifests are all in the"
                    + " flavour its server speaks"), "\(named.stderr)")
        try project.write("odag-sync.json", #"{"manifests": ["links"], "api": "qseow"}"#)
        let configured = await InProcess.run(["validate"], in: project.root)
        #expect(configured.code == 1 && configured.stderr.contains("but the config's \"api\" is \"qseow\""))
        #expect(await InProcess.run(["validate", "--api", "auto"], in: project.root).code == 0, "--api auto clears it")
        let bad = await InProcess.run(["validate", "--api", "cloud"], in: project.root)
        #expect(bad.code == 64, "\(bad)")
    }

    @Test func mixedFlavoursAreAnErrorNamingTheFiles() async throws {
        let project = try Self.project(["links/a-finance.json": Self.document, "links/b-sales.json": Self.qseow])
        defer { project.remove() }
        let run = await InProcess.run(["validate", "links"], in: project.root)
        #expect(run.code == 1, "\(run)")
        #expect(
            run.stderr.contains(
                "links/b-sales.json:1:30: links[0].templateApp: this manifest is written in the qseow flavour (it has"
                    + " \"templateApp\"), but links/a-finance.json is written in the document flavour"), "\(run.stderr)"
        )
    }
}

import Foundation
import ODAGCore
import Testing

@testable import ODAGSync

/// Every rule and message, checked against golden text and JSON output. Each case is a folder under
/// `Fixtures/manifests/`: its manifests (under `links/`, or wherever its `odag-sync.json` says), and the
/// expected `expected.txt` and `expected.json`. Re-record with `RECORD_SNAPSHOTS=1 swift test`.
@Suite struct ManifestGoldenTests {
    static let cases = [
        "bad-uuid", "config-errors", "deep-nesting", "duplicates", "empty-file", "ignore", "invalid-utf8",
        "missing-path", "missing-required", "scope", "trailing-comma", "truncated", "typo-key",
        "unresolved-variable", "valid", "wrong-root", "wrong-types",
    ]

    static func validate(_ name: String) throws -> ValidationReport {
        let folder = try FixtureFiles.manifestsFolder + "/" + name
        let hasConfig = FileManager.default.fileExists(atPath: folder + "/odag-sync.json")
        return ProjectValidator.validate(
            manifestPaths: hasConfig ? nil : ["links"], processEnvironment: FixtureFiles.processEnvironment,
            currentDirectory: folder)
    }

    @Test(arguments: cases) func textOutputMatchesGolden(name: String) throws {
        let report = try Self.validate(name)
        try FixtureFiles.expectMatchesGolden(ValidationReportRenderer.text(report), folder: name, name: "expected.txt")
    }

    @Test(arguments: cases) func jsonOutputMatchesGolden(name: String) throws {
        let report = try Self.validate(name)
        try FixtureFiles.expectMatchesGolden(ValidationReportRenderer.json(report), folder: name, name: "expected.json")
    }

    @Test func everyFixtureFolderIsACase() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: FixtureFiles.manifestsFolder)
            .filter { !$0.hasPrefix(".") }
        #expect(folders.sorted() == Self.cases.sorted())
    }

    @Test(arguments: cases.filter { $0 != "valid" }) func everyBrokenCaseFails(name: String) throws {
        let report = try Self.validate(name)
        #expect(!report.isValid)
        #expect(report.diagnostics.contains { $0.isError && !$0.file.isEmpty })
    }

    @Test func validCaseDeclaresItsLinks() throws {
        let report = try Self.validate("valid")
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.diagnostics.isEmpty)
        #expect(report.configs.map(\.environment) == ["dev", "prod"])
        #expect(report.files == ["odag-sync.json", "links/bom.json", "links/more/sales-eu.json", "links/sales.json"])
        #expect(
            report.links.map(\.name) == [
                "Sales with a byte-order mark", "Sales EU", "Sales detail by region", "Sales summary",
            ])
        let detail = try #require(report.links.first { $0.name == "Sales detail by region" })
        #expect(detail.selectionAppId == "0f1e2d3c-4b5a-4968-8776-655443322110")
        #expect(detail.properties?["publishTo"] == "a5b6c7d8-0000-4000-8000-000000000001")
        #expect(detail.properties?["rowEstExpr"] == "Sum([Order Count]) // costs ${budget}")
        #expect(detail.properties?["retention"] == ["maxAge": 1440, "maxCount": 5])
        #expect(detail.ignore == ["properties.genAppAccessible"])
        #expect(detail.source.file == "links/sales.json")
        #expect(detail.source.location == ODAGCore.SourceLocation(line: 4, column: 5))
        #expect(detail.source.path == "links[0]")
        #expect(detail.linkProperties?.bindings?.count == 2)
        let summary = try #require(report.links.first { $0.name == "Sales summary" })
        #expect(summary.id == "a5b6c7d8-0000-4000-8000-000000000001")
        #expect(summary.properties == nil)
        #expect(report.links.first { $0.name == "Sales EU" }?.properties == [:])
    }
}

import Foundation
import ODAGCore
import Testing

@testable import ODAGSync

/// The `qseow` manifests: every rule and message against golden text and JSON (cases under
/// `Fixtures/qseow/manifests/`, re-recorded with `RECORD_SNAPSHOTS=1 swift test`), and what the valid
/// declarations hold.
@Suite struct QseowManifestTests {
    static let cases = ["config-mismatch", "errors", "mixed", "mixed-in-file", "typo-key", "valid"]
    static let uuid = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"

    /// The case's folder relative to the document flavour's fixtures, as the golden helpers take it.
    static func folder(_ name: String) -> String { "../qseow/manifests/" + name }

    static func validate(_ name: String) throws -> ValidationReport {
        let folder = try FixtureFiles.manifestsFolder + "/" + Self.folder(name)
        let hasConfig = FileManager.default.fileExists(atPath: folder + "/odag-sync.json")
        return ProjectValidator.validate(
            manifestPaths: hasConfig ? nil : ["links"], processEnvironment: FixtureFiles.processEnvironment,
            currentDirectory: folder)
    }

    static func check(_ text: String, flavour: APIFlavour? = nil, file: String = "m.json") -> ManifestLoadResult {
        ManifestLoader.check(
            [ManifestFile(file: file, bytes: Array(text.utf8))], resolver: VariableResolver(), scope: LinkScope(),
            flavour: flavour)
    }

    @Test(arguments: cases) func textOutputMatchesGolden(name: String) throws {
        let report = try Self.validate(name)
        try FixtureFiles.expectMatchesGolden(
            ValidationReportRenderer.text(report), folder: Self.folder(name), name: "expected.txt")
    }

    @Test(arguments: cases) func jsonOutputMatchesGolden(name: String) throws {
        let report = try Self.validate(name)
        try FixtureFiles.expectMatchesGolden(
            ValidationReportRenderer.json(report), folder: Self.folder(name), name: "expected.json")
    }

    @Test func everyFixtureFolderIsACase() throws {
        let folders = try FileManager.default.contentsOfDirectory(
            atPath: FixtureFiles.manifestsFolder + "/" + Self.folder("")
        ).filter { !$0.hasPrefix(".") }
        #expect(folders.sorted() == Self.cases.sorted())
    }

    @Test(arguments: cases.filter { $0 != "valid" }) func everyBrokenCaseFails(name: String) throws {
        let report = try Self.validate(name)
        #expect(!report.isValid)
        #expect(report.diagnostics.contains { $0.isError && !$0.file.isEmpty })
    }

    @Test func validCaseDeclaresQlikFieldsWithVariablesExpandedAndOnlyWarnings() throws {
        let report = try Self.validate("valid")
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.errorCount == 0)
        #expect(report.warningCount == 2, "the undocumented property key and the read-only streamName")
        #expect(report.flavour == .qseow)
        #expect(report.configs.map(\.environment) == ["dev", "prod"])
        #expect(report.links.map(\.name) == ["Sales summary", "Sales detail by region"])
        let detail = try #require(report.links.first { $0.name == "Sales detail by region" })
        #expect(detail.flavour == .qseow)
        #expect(detail.selectionAppId == "0f1e2d3c-4b5a-4968-8776-655443322110", "dev uses the top level's")
        #expect(detail.templateAppId == Self.uuid)
        #expect(detail.properties == nil)
        #expect(detail.ignore == ["properties.targetSheet", "properties.hide"])
        #expect(detail.source.location == ODAGCore.SourceLocation(line: 4, column: 5))
        let fields = try #require(detail.qseow)
        #expect(fields.rowEstExpr == "Count(OrderID) // costs ${budget}")
        #expect(fields.dynamicView == false)
        #expect(fields.status == "active")
        #expect(
            fields.bindings == [
                ["templateAppVarName": "Region", "selectAppParamType": "Field", "selectAppParamName": "Region"],
                [
                    "templateAppVarName": "Year", "selectAppParamType": "Variable", "selectAppParamName": "vYear",
                    "selectionStates": "SO", "numericOnly": true, "formatting": ["delimiter": ",", "quote": "'"],
                    "range": ["lowerBound": 1, "upperBound": 10],
                ],
            ])
        let properties = try #require(fields.properties)
        #expect(properties["publishTo"] == [["context": "User_*", "streamId": "a5b6c7d8-0000-4000-8000-000000000001"]])
        #expect(
            properties["genAppName"] == [
                ["context": "User_*", "formatString": "Sales {0}", "params": ["$(=Only(Region))"]]
            ])
        #expect(properties["chartSuppression"] == [["context": "User_*", "suppress": true]], "passed through")
        #expect(properties["genAppLimit"]?.arrayValue?.count == 2)
        let summary = try #require(report.links.first { $0.name == "Sales summary" })
        #expect(summary.selectionAppId == nil)
        #expect(summary.id == "a5b6c7d8-0000-4000-8000-000000000001")
        #expect(summary.qseow?.status == "disabled")
        #expect(summary.qseow?.bindings == nil)
        #expect(summary.qseow?.properties?["menuLabel"] == [])
    }

    @Test func warningsAreShownAsWarningsAndDoNotFailValidation() throws {
        let report = try Self.validate("valid")
        let text = ValidationReportRenderer.text(report)
        #expect(text.hasSuffix("ok: 3 files, 2 links (2 warnings)\n"))
        let warnings = text.split(separator: "\n").filter { $0.contains(": warning: ") }
        #expect(warnings.count == 2, "\(text)")
        let json = ValidationReportRenderer.jsonValue(report)
        #expect(json["valid"] == true)
        #expect(json["diagnostics"]?.arrayValue?.allSatisfy { $0["severity"] == "warning" } == true)
    }

    @Test func theProjectFlavourComesFromTheConfigElseFromTheFields() {
        let qseow = #"{"links": [{"name": "A", "templateApp": "\#(Self.uuid)"}]}"#
        let document =
            #"{"links": [{"name": "A", "selectionAppId": "\#(Self.uuid)", "templateAppId": "\#(Self.uuid)"}]}"#
        #expect(Self.check(qseow).flavour == .qseow)
        #expect(Self.check(qseow).isValid)
        #expect(Self.check(document).flavour == .document)
        #expect(Self.check(#"{"links": []}"#).flavour == nil)
        #expect(Self.check(#"{"links": []}"#, flavour: .qseow).flavour == .qseow)
        let mismatch = Self.check(document, flavour: .qseow)
        #expect(mismatch.flavour == .qseow)
        #expect(
            mismatch.diagnostics.map(\.description) == [
                #"m.json:1:84: links[0].templateAppId: this manifest is written in the document flavour (it has "#
                    + #""templateAppId"), but the config's "api" is "qseow"; a project's manifests are all in the "#
                    + "flavour its server speaks"
            ])
    }

    @Test func aLinkWithoutTellingKeysIsCheckedInTheProjectFlavour() {
        let bare = #"{"links": [{"name": "A"}]}"#
        #expect(
            Self.check(bare, flavour: .qseow).diagnostics.map(\.message) == [
                #"missing required key "templateApp"; expected a UUID (the template app's id)"#
            ])
        #expect(
            Self.check(bare).diagnostics.map(\.message) == [
                #"missing required key "selectionAppId"; expected a UUID"#,
                #"missing required key "templateAppId"; expected a UUID"#,
            ])
    }

    @Test func everyEnvironmentIsCheckedAgainstItsOwnApi() throws {
        let report = try Self.validate("config-mismatch")
        let messages = report.diagnostics.map(\.message)
        #expect(messages.count == 1, "prod inherits document from the top level; lab says qseow: \(messages)")
        #expect(messages.allSatisfy { $0.contains(#"the config's "api" is "document""#) })
        #expect(messages.contains { $0.contains(#"for environment "prod""#) })
        #expect(!messages.contains { $0.contains(#""lab""#) })
    }

    @Test func theFlavourIsPartOfWhatACachedCheckDependsOn() throws {
        // A file that shows no flavour is checked in the project's, which may differ by environment.
        let text = #"{"links": [{"name": "A"}]}"#
        let files = [ManifestFile(file: "m.json", bytes: Array(text.utf8))]
        var cache: [Int: ManifestChecker] = [:]
        let document = ManifestLoader.check(
            files, resolver: VariableResolver(), scope: LinkScope(), flavour: .document, cache: &cache)
        let qseow = ManifestLoader.check(
            files, resolver: VariableResolver(), scope: LinkScope(), flavour: .qseow, cache: &cache)
        #expect(document.diagnostics.count == 2)
        #expect(
            qseow.diagnostics.map(\.message) == [
                #"missing required key "templateApp"; expected a UUID (the template app's id)"#
            ])
    }

    @Test func documentedPropertyKeysAreQliksAndTheGroundsList() {
        #expect(Set(QseowManifestSchema.propertyKeys) == QseowLinkState.documentedPropertyKeys)
        #expect(Set(QseowManifestSchema.ignorableFields).count == QseowManifestSchema.ignorableFields.count)
    }

    @Test(arguments: [
        ("P1D", true), ("PT12H", true), ("P1Y2M3W4DT5H6M7.5S", true), ("PT0.5S", true), ("P2W", true),
        ("P", false), ("PT", false), ("P1DT", false), ("1D", false), ("P1H", false), ("PT1D", false),
        ("P1D2Y", false), ("P1.5D", false), ("PT1.S", false), ("P1DD", false), ("p1d", false), ("PT.5S", false),
    ])
    func retentionTimesAreISODurations(text: String, valid: Bool) {
        #expect(ManifestChecker.isDuration(text) == valid, "\(text)")
    }
}

import Foundation
import ODAGCore
import ODAGTestSupport
import Testing

@testable import ODAGSync

@Suite struct ProjectValidatorTests {
    static let uuid = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"
    static let manifest = #"""
        {"links": [{"name": "Sales ${region}", "selectionAppId": "${app}", "templateAppId": "\#(uuid)"}]}
        """#
    static let config = #"""
        {
          "manifests": ["links"],
          "variables": {"app": "\#(uuid)"},
          "environments": {"eu": {"variables": {"region": "EU"}}, "us": {"variables": {"region": "US"}}}
        }
        """#

    @Test func withoutAnEnvironmentEveryEnvironmentIsChecked() throws {
        let temporary = try TemporaryFolder(
            prefix: "project", files: ["odag-sync.json": Self.config, "links/a.json": Self.manifest])
        let folder = temporary.root
        let report = ProjectValidator.validate(currentDirectory: folder)
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.configs.map(\.environment) == ["eu", "us"])
        #expect(report.links.map(\.name) == ["Sales EU"])
        #expect(report.files == ["odag-sync.json", "links/a.json"])
        #expect(ValidationReportRenderer.text(report) == "ok: 2 files, 1 link\n")
    }

    @Test func anUnresolvedVariableNamesTheEnvironment() throws {
        let config = Self.config.replacingOccurrences(of: #"{"region": "US"}"#, with: "{}")
        let temporary = try TemporaryFolder(
            prefix: "project", files: ["odag-sync.json": config, "links/a.json": Self.manifest])
        let folder = temporary.root
        let report = ProjectValidator.validate(currentDirectory: folder)
        #expect(
            report.diagnostics.map(\.description) == [
                #"links/a.json:1:21: links[0].name: unresolved variable "region" in environment "us""#
            ])
        let top = ProjectValidator.validate(currentDirectory: folder, everyEnvironment: false)
        #expect(top.configs.map(\.environment) == [nil])
        #expect(top.diagnostics.map(\.message) == [#"unresolved variable "region""#])
        let eu = ProjectValidator.validate(environment: "eu", currentDirectory: folder)
        #expect(eu.isValid)
        #expect(eu.configs.map(\.environment) == ["eu"])
    }

    @Test func anUnknownEnvironmentStopsWithTheKnownOnes() throws {
        let temporary = try TemporaryFolder(
            prefix: "project", files: ["odag-sync.json": Self.config, "links/a.json": Self.manifest])
        let folder = temporary.root
        let report = ProjectValidator.validate(environment: "prod", currentDirectory: folder)
        #expect(
            report.diagnostics.map(\.description) == [
                #"odag-sync.json: unknown environment "prod"; known environments: "eu", "us""#
            ])
        #expect(!report.isValid)
    }

    @Test func commandLinePathsReplaceTheConfigsAndAnExplicitConfigAnchorsItsPaths() throws {
        let temporary = try TemporaryFolder(
            prefix: "project",
            files: [
                "deploy/odag-sync.json": Self.config, "deploy/links/a.json": Self.manifest,
                "other/b.json": Self.manifest.replacingOccurrences(of: "Sales ${region}", with: "Other"),
            ])
        let folder = temporary.root
        let viaConfig = ProjectValidator.validate(explicitConfig: "deploy/odag-sync.json", currentDirectory: folder)
        #expect(viaConfig.isValid, "\(viaConfig.diagnostics)")
        #expect(viaConfig.files == ["deploy/odag-sync.json", "deploy/links/a.json"])
        let viaFlags = ProjectValidator.validate(
            explicitConfig: "deploy/odag-sync.json", manifestPaths: ["other"], currentDirectory: folder)
        #expect(viaFlags.links.map(\.name) == ["Other"])
        #expect(viaFlags.configs.allSatisfy { $0.manifestPaths == ["other"] })
    }

    @Test func withoutAConfigThePathsAreRequired() throws {
        let temporary = try TemporaryFolder(prefix: "project", files: ["links/a.json": Self.manifest])
        let folder = temporary.root
        let none = ProjectValidator.validate(currentDirectory: folder)
        #expect(
            none.diagnostics.map(\.message) == [
                #"no manifest paths; give them on the command line or as "manifests" in odag-sync.json"#
            ])
        let withEnv = ProjectValidator.validate(environment: "prod", manifestPaths: ["links"], currentDirectory: folder)
        #expect(
            withEnv.diagnostics.map(\.description) == [
                #"unknown environment "prod"; there is no odag-sync.json to define it"#
            ])
        let plain = ProjectValidator.validate(
            manifestPaths: ["links"], processEnvironment: [:], currentDirectory: folder)
        #expect(plain.diagnostics.count == 2)
        #expect(plain.diagnostics.allSatisfy { $0.message.hasPrefix("unresolved variable") })
    }

    @Test func aBrokenConfigStillLetsManifestsBeChecked() throws {
        let temporary = try TemporaryFolder(prefix: "project", files: ["odag-sync.json": "{", "links/a.json": "[]"])
        let folder = temporary.root
        let report = ProjectValidator.validate(environment: "prod", manifestPaths: ["links"], currentDirectory: folder)
        #expect(report.diagnostics.map(\.file) == ["links/a.json", "odag-sync.json"])
        #expect(ValidationReportRenderer.summary(report) == "2 errors in 2 of 2 files (0 links)")
    }

    @Test func filesWithoutVariablesAreReusedButScopeIsCheckedPerEnvironment() throws {
        let plain =
            #"{"links": [{"name": "Sales A", "selectionAppId": "\#(Self.uuid)", "templateAppId": "\#(Self.uuid)"}]}"#
        let config = #"""
            {"manifests": ["links"], "scope": {"namePrefix": "Sales "},
             "environments": {"a": {}, "b": {"scope": {"namePrefix": "Finance "}}}}
            """#
        let temporary = try TemporaryFolder(
            prefix: "project", files: ["odag-sync.json": config, "links/a.json": plain])
        let folder = temporary.root
        let report = ProjectValidator.validate(currentDirectory: folder)
        #expect(
            report.diagnostics.map(\.description) == [
                #"links/a.json:1:21: links[0].name: "Sales A" is outside the scope of environment "b"; "#
                    + #"expected a name starting with "Finance " (scope.namePrefix)"#
            ])
        #expect(report.links.map(\.name) == ["Sales A"])
    }
}

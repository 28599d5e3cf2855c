import Foundation
import ODAGCore
import ODAGTestSupport
import Testing

@testable import ODAGSync

@Suite struct ManifestLoaderTests {
    static let uuid = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"

    static func manifest(_ names: String...) -> String {
        let links = names.map { #"{"name": "\#($0)", "selectionAppId": "\#(uuid)", "templateAppId": "\#(uuid)"}"# }
        return #"{"links": [\#(links.joined(separator: ", "))]}"#
    }

    @Test func findsManifestsRecursivelyInSortedOrderSkippingHiddenFolders() throws {
        let temporary = try TemporaryFolder(
            prefix: "project",
            files: [
                "links/b.json": Self.manifest("B"),
                "links/a.json": Self.manifest("A"),
                "links/a/z.json": Self.manifest("Z"),
                "links/.git/x.json": "not json",
                "links/.hidden.json": "not json",
                "links/notes.txt": "not json",
                "extra.json": Self.manifest("Extra"),
            ])
        let folder = temporary.root
        let loader = ManifestLoader(currentDirectory: folder)
        let found = loader.findFiles(["links/", "extra.json", "links/a.json"])
        #expect(found.files == ["extra.json", "links/a.json", "links/a/z.json", "links/b.json"])
        #expect(found.diagnostics.isEmpty)
        let result = loader.load(paths: ["links", "extra.json"])
        #expect(result.links.map(\.name) == ["Extra", "A", "Z", "B"])
        #expect(result.fileCount == 4)
        #expect(result.linkCount == 4)
        #expect(result.isValid)
    }

    @Test func readsEachRealFileOnceThroughSymbolicLinkLoops() throws {
        let temporary = try TemporaryFolder(prefix: "project", files: ["links/a.json": Self.manifest("A")])
        let folder = temporary.root
        try FileManager.default.createSymbolicLink(atPath: folder + "/links/loop", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: folder + "/links/again", withDestinationPath: "../links")
        let result = ManifestLoader(currentDirectory: folder).load(paths: ["links"])
        #expect(result.links.map(\.name) == ["A"])
        #expect(result.isValid, "no duplicate-name errors from the same file seen twice")
    }

    @Test func absolutePathsAndTheCurrentFolderWork() throws {
        let temporary = try TemporaryFolder(
            prefix: "project", files: ["m/one.json": Self.manifest("One"), "odag-sync.json": "{}"])
        let folder = temporary.root
        let loader = ManifestLoader(currentDirectory: folder, excludedFiles: ["odag-sync.json"])
        #expect(loader.findFiles(["."]).files == ["m/one.json"])
        #expect(loader.findFiles([folder + "/m"]).files == [folder + "/m/one.json"])
    }

    @Test func aMissingPathIsADiagnostic() {
        let result = ManifestLoader(currentDirectory: "/nonexistent-odag").load(paths: ["links"])
        #expect(
            result.diagnostics.map(\.description) == [
                "links: no such file or folder; expected a manifest or a folder of manifests"
            ])
    }

    @Test func keepsExactlyTheDeclaredProperties() throws {
        let text = #"""
            {"links": [{"name": "A", "selectionAppId": "\#(Self.uuid)", "templateAppId": "\#(Self.uuid)",
              "properties": {"retention": {"maxCount": 3}, "bindings": [
                {"selectionField": "${field}", "templateField": "F", "selectionType": "selected"}]},
              "ignore": ["properties.publishTo"]}]}
            """#
        let result = ManifestLoader.check(
            [ManifestFile(file: "m.json", bytes: Array(text.utf8))],
            resolver: VariableResolver(variables: ["field": "Region"]), scope: LinkScope())
        #expect(result.isValid, "\(result.diagnostics)")
        let link = try #require(result.links.first)
        #expect(
            link.properties == [
                "retention": ["maxCount": 3],
                "bindings": [["selectionField": "Region", "templateField": "F", "selectionType": "selected"]],
            ])
        #expect(link.ignore == ["properties.publishTo"])
        #expect(link.createBody.properties?.retention?.maxCount == 3)
    }

    @Test func scopeWithoutPrefixAcceptsEveryName() {
        let result = ManifestLoader.check(
            [ManifestFile(file: "m.json", bytes: Array(Self.manifest("Anything").utf8))],
            resolver: VariableResolver(), scope: LinkScope(namePrefix: ""))
        #expect(result.isValid)
    }

    @Test func duplicateNamesNameBothPlaces() {
        let files = [
            ManifestFile(file: "a.json", bytes: Array(Self.manifest("Same").utf8)),
            ManifestFile(file: "b.json", bytes: Array(Self.manifest("Other", "Same").utf8)),
        ]
        let result = ManifestLoader.check(files, resolver: VariableResolver(), scope: LinkScope())
        #expect(
            result.diagnostics.map(\.description) == [
                #"b.json:1:155: links[1].name: duplicate link name "Same"; also declared at a.json:1:21 (links[0].name); each link must be declared once"#
            ])
    }
}

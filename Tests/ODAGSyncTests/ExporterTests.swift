import Foundation
import ODAGCore
import Testing

@testable import ODAGSync

@Suite struct ExporterTests {
    typealias F = PlanFixtures

    @Test func theBuiltInSchemaIsTheRepositorysFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try String(
            contentsOf: root.appendingPathComponent("schemas/odag-links.schema.json"), encoding: .utf8)
        #expect(ManifestJSONSchema.text == file)
        #expect(ManifestJSONSchema.fileName.hasSuffix(ManifestLoader.schemaSuffix), "the loader skips it in folders")
    }

    @Test func eachManifestNamesItsSchemaWhenGivenOne() throws {
        let live = [try F.live(1, "A"), try F.live(2, "B")]
        let result = Exporter.export(live, scope: LinkScope(), schemaReference: "odag-links.schema.json")
        #expect(result.manifests.count == 2)
        for manifest in result.manifests {
            #expect(manifest.json["$schema"] == "odag-links.schema.json")
            #expect(manifest.text.hasPrefix("{\n  \"$schema\": \"odag-links.schema.json\",\n  \"links\": ["))
        }
        #expect(Exporter.export(live, scope: LinkScope()).manifests.allSatisfy { $0.json["$schema"] == nil })
        #expect(Exporter.combined(result, schemaReference: "x.json").json["$schema"] == "x.json")
    }

    @Test func namesAreDuplicatesOnlyWhenTheirScalarsAre() throws {
        let live = [
            try F.live(1, "Caf\u{E9}"), try F.live(2, "Cafe\u{301}"), try F.live(3, "Twin"), try F.live(4, "Twin"),
        ]
        let result = Exporter.export(live, scope: LinkScope())
        #expect(result.manifests.count == 2, "\(result.manifests.map(\.fileName))")
        #expect(Set(result.manifests.map(\.fileName)).count == 2)
        #expect(result.skipped.count == 2)
        #expect(result.skipped.allSatisfy { $0.contains("\"Twin\"") })
    }
}

import Foundation
import ODAGCore
import Testing

/// `export` against an emulator, and the round trip: exported manifests validate and plan to no
/// changes against the same server.
@Suite struct EndToEndExportTests {
    /// Live links with everything a manifest can state, fields it cannot, and awkward names.
    static let liveLinks: [JSONValue] = [
        E2E.live(
            1, "Sales detail by region",
            properties: [
                "rowEstExpr": "Sum([Order Count])",
                "bindings": [
                    ["selectionField": "Year", "templateField": "Year", "selectionType": "selected", "serverId": 7],
                    ["selectionField": "Region", "templateField": "Region", "selectionType": "optional"],
                ],
                "genAppAccessible": true,
                "publishTo": "a5b6c7d8-0000-4000-8000-000000000001",
                "retention": ["maxAge": 1440, "maxCount": 5, "policy": "server-only"],
                "menuLabel": "a field the manifest format does not know",
                "appRetentionTime": 30,
            ]),
        E2E.live(2, "Finance: drill / “quoted” ünïcode", properties: ["rowEstExpr": "Count(distinct [Id])"]),
        E2E.live(3, "Cost ${region} report", properties: ["rowEstExpr": "Sum({<Year={$(=Max(Year))}>} ${x})"]),
        E2E.live(4, "No properties", properties: [:]),
        E2E.live(5, "Retention only", properties: ["retention": ["maxAge": 60]]),
        // The API requires no binding member; a manifest binding states all three.
        E2E.live(
            6, "Binding without a type", properties: ["bindings": [["selectionField": "A", "templateField": "A"]]]),
        E2E.live(7, "Empty values", properties: ["publishTo": "", "rowEstExpr": "", "retention": [:]]),
    ]

    @Test func exportedFolderValidatesAndPlansToNoChanges() async throws {
        let server = try TestEmulator(links: Self.liveLinks)
        let project = try TemporaryFolder(prefix: "export")
        defer { project.remove() }
        let export = await InProcess.run(
            ["export", "--server", server.url, "--out", "links"], in: project.root)
        #expect(export.code == 0, "\(export)")
        #expect(export.stdout.isEmpty, "files, not stdout: \(export.stdout)")
        let all = try FileManager.default.contentsOfDirectory(atPath: project.path("links")).sorted()
        #expect(all.contains("odag-links.schema.json"), "the schema is written beside the manifests: \(all)")
        let files = all.filter { $0 != "odag-links.schema.json" }
        #expect(files.count == Self.liveLinks.count, "one manifest per link: \(files)")
        #expect(files.allSatisfy { $0.hasSuffix(".json") && !$0.contains("/") })
        for file in files {
            let manifest = try #require(E2E.json(project.read("links/" + file)))
            #expect(manifest["$schema"] == "odag-links.schema.json", "\(file)")
        }
        let schema = try #require(E2E.json(project.read("links/odag-links.schema.json")))
        #expect(schema["title"] == "odag-sync manifest")

        let validate = await InProcess.run(["validate", "links"], in: project.root)
        #expect(validate.code == 0, "exported manifests must validate: \(validate)")
        let plan = await InProcess.run(
            ["plan", "--server", server.url, "--detailed-exitcode", "--output", "json", "links"], in: project.root)
        #expect(plan.code == 0, "exported manifests must plan to no changes: \(plan)")
        #expect(E2E.json(plan.stdout)?["summary"]?["unchanged"] == .int(Self.liveLinks.count), "\(plan.stdout)")
        let untyped = try #require(E2E.json(project.read("links/binding-without-a-type.json")))
        #expect(untyped["links"]?.arrayValue?.first?["ignore"] == ["properties.bindings"], "\(untyped)")
    }

    @Test func exportToStdoutIsOneManifestThatRoundTrips() async throws {
        let server = try TestEmulator(links: Self.liveLinks)
        let project = try TemporaryFolder(prefix: "export")
        defer { project.remove() }
        let export = await InProcess.run(["export", "--server", server.url, "--out", "-"], in: project.root)
        #expect(export.code == 0, "\(export)")
        let manifest = try #require(E2E.json(export.stdout), "stdout is one manifest: \(export.stdout)")
        #expect(manifest["links"]?.arrayValue?.count == Self.liveLinks.count)
        try project.write("all.json", export.stdout)
        let validate = await InProcess.run(["validate", "all.json"], in: project.root)
        #expect(validate.code == 0, "\(validate)")
        let plan = await InProcess.run(
            ["plan", "--server", server.url, "--detailed-exitcode", "all.json"], in: project.root)
        #expect(plan.code == 0, "\(plan)")

        let byDefault = await InProcess.run(["export", "--server", server.url], in: project.root)
        #expect(byDefault.stdout == export.stdout, "--out - is the default")
    }

    @Test func linksSharingANameAreSkippedWithExit1() async throws {
        let server = try TestEmulator(links: [E2E.live(1, "Twin"), E2E.live(2, "Twin"), E2E.live(3, "Single")])
        let project = try TemporaryFolder(prefix: "export")
        defer { project.remove() }
        let export = await InProcess.run(
            ["export", "--server", server.url, "--out", "links"], in: project.root)
        #expect(export.code == 1, "\(export)")
        #expect(export.stderr.contains("\"Twin\""), "\(export.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: project.path("links")).sorted() == [
                "odag-links.schema.json", "single.json",
            ])
    }

    @Test func exportTakesNoPaths() async throws {
        let run = await InProcess.run(["export", "--server", "http://127.0.0.1:9/api/odag/v1", "links"])
        #expect(run.code == 64, "\(run)")
    }

    @Test func schemaRefReplacesTheSchemaFile() async throws {
        let server = try TestEmulator(links: Array(Self.liveLinks.prefix(2)))
        let project = try TemporaryFolder(prefix: "export")
        defer { project.remove() }
        let ref = "../schemas/odag-links.schema.json"
        let export = try await OdagSyncBinary.run(
            ["export", "--server", server.url, "--out", "links", "--schema-ref", ref], in: project.root)
        #expect(export.code == 0, "\(export)")
        let files = try FileManager.default.contentsOfDirectory(atPath: project.path("links")).sorted()
        #expect(!files.contains("odag-links.schema.json"), "\(files)")
        #expect(files.count == 2)
        for file in files {
            #expect(E2E.json(project.read("links/" + file))?["$schema"] == .string(ref), "\(file)")
        }
        let stdout = try await OdagSyncBinary.run(
            ["export", "--server", server.url, "--schema-ref", ref], in: project.root)
        #expect(E2E.json(stdout.stdout)?["$schema"] == .string(ref), "\(stdout)")
        let bare = try await OdagSyncBinary.run(["export", "--server", server.url], in: project.root)
        #expect(E2E.json(bare.stdout)?["$schema"] == nil, "no file beside standard output to refer to")
    }

    @Test func namesThatOnlyLookTheSameAreTwoLinks() async throws {
        let server = try TestEmulator(links: [E2E.live(1, "Caf\u{E9} sales"), E2E.live(2, "Cafe\u{301} sales")])
        let project = try TemporaryFolder(prefix: "export")
        defer { project.remove() }
        let export = try await OdagSyncBinary.run(
            ["export", "--server", server.url, "--out", "links"], in: project.root)
        #expect(export.code == 0, "not duplicates: \(export)")
        let files = try FileManager.default.contentsOfDirectory(atPath: project.path("links"))
        #expect(files.filter { $0 != "odag-links.schema.json" }.count == 2, "\(files)")
        let plan = try await OdagSyncBinary.run(
            ["plan", "--server", server.url, "--detailed-exitcode", "--output", "json", "links"], in: project.root)
        #expect(plan.code == 0, "each manifest matches exactly its own link: \(plan)")
        #expect(E2E.json(plan.stdout)?["summary"]?["unchanged"] == 2, "\(plan.stdout)")
    }
}

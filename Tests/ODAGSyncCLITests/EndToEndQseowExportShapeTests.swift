import Foundation
import ODAGCore
import ODAGEmulator
import Testing

/// What `export` writes against `emulator --api qseow`: the fields a user declares, the note, the schema
/// beside them; and the round trip: they validate without a warning and plan to no changes.
@Suite struct EndToEndQseowExportShapeTests {
    /// Seed links in Qlik's shape (the emulator fills in what the server sets, such as the bindings'
    /// `selectionStates` and the read-only `streamName`).
    static let seeds: [JSONValue] = [
        [
            "name": "Sales detail", "selectionApp": .string(E2E.selectionApp), "templateApp": .string(E2E.templateApp),
            "rowEstExpr": "Count(OrderID) // ${not a variable}",
            "bindings": [
                ["templateAppVarName": "Region", "selectAppParamType": "Field", "selectAppParamName": "Region"]
            ],
            "dynamicView": false,
            "properties": [
                "rowEstRange": [["context": "*", "highBound": 100000]],
                "genAppLimit": [["context": "User_*", "limit": 5]],
                "publishTo": [["context": "User_*", "streamId": "a5b6c7d8-0000-4000-8000-000000000001"]],
            ],
        ],
        [
            "name": "Paused", "selectionApp": .string(E2E.selectionApp), "templateApp": .string(E2E.templateApp),
            "status": "disabled",
        ],
        [
            "name": "Retired", "selectionApp": .string(E2E.selectionApp), "templateApp": .string(E2E.templateApp),
            "status": "decommissioned",
        ],
    ]

    /// Runs `body` with an emulator serving the seeds and an empty project folder, both removed after.
    static func withEmulator(_ body: (Emulator, TemporaryFolder) async throws -> Void) async throws {
        let state = try TemporaryFolder(prefix: "qseow-export")
        defer { state.remove() }
        try state.write(
            "state.json", JSONWriter.string(["formatVersion": 1, "api": "qseow", "links": .array(Self.seeds)]))
        let emulator = try Emulator.start(
            EmulatorConfiguration(host: "127.0.0.1", port: 0, statePath: state.path("state.json")))
        defer { emulator.stop() }
        let project = try TemporaryFolder(prefix: "export")
        defer { project.remove() }
        try await body(emulator, project)
    }

    @Test func exportsQseowManifestsThatValidateAndPlanToNoChanges() async throws {
        try await Self.withEmulator { emulator, project in
            #expect(emulator.flavour == .qseow)
            let export = await InProcess.run(
                ["export", "--server", emulator.baseURL, "--api", "qseow", "--out", "links/"], in: project.root)
            #expect(export.code == 0, "\(export)")
            #expect(export.stderr.contains("note: Qlik never returns a link's selection app"), "\(export.stderr)")
            let all = try FileManager.default.contentsOfDirectory(atPath: project.path("links")).sorted()
            #expect(
                all == ["odag-links-qseow.schema.json", "paused.json", "sales-detail.json"], "no retired link: \(all)")
            let schema = try #require(E2E.json(project.read("links/odag-links-qseow.schema.json")))
            #expect(schema["title"] == "odag-sync manifest (qseow flavour)")
            let sales = try #require(E2E.json(project.read("links/sales-detail.json")))
            #expect(sales["$schema"] == "odag-links-qseow.schema.json")
            let link = try #require(sales["links"]?.arrayValue?.first)
            #expect(link["selectionApp"] == nil)
            #expect(link["templateApp"] == .string(E2E.templateApp))
            #expect(
                link["bindings"] == [
                    ["templateAppVarName": "Region", "selectAppParamType": "Field", "selectAppParamName": "Region"]
                ], "no server-filled binding field")
            #expect(link["properties"]?["publishTo"]?.arrayValue?.first?["streamName"] == nil, "read-only left out")

            let validate = await InProcess.run(["validate", "links"], in: project.root)
            #expect(validate.code == 0 && validate.stderr.isEmpty, "no error, no warning: \(validate)")
            let plan = await InProcess.run(
                ["plan", "--server", emulator.baseURL, "--detailed-exitcode", "--output", "json", "links"],
                in: project.root)
            #expect(plan.code == 0, "exported manifests must plan to no changes: \(plan)")
            #expect(E2E.json(plan.stdout)?["api"] == "qseow", "\(plan.stdout)")
            #expect(E2E.json(plan.stdout)?["summary"]?["unchanged"] == 2, "\(plan.stdout)")
        }
    }

    @Test func exportToStdoutIsOneQseowManifest() async throws {
        try await Self.withEmulator { emulator, project in
            let export = await InProcess.run(["export", "--server", emulator.baseURL, "--out", "-"], in: project.root)
            #expect(export.code == 0, "\(export)")
            let manifest = try #require(E2E.json(export.stdout), "stdout is one manifest: \(export.stdout)")
            #expect(
                manifest["links"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Paused", "Sales detail"])
            try project.write("all.json", export.stdout)
            let plan = await InProcess.run(
                ["plan", "--server", emulator.baseURL, "--detailed-exitcode", "all.json"], in: project.root)
            #expect(plan.code == 0, "\(plan)")
        }
    }
}

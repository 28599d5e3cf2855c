import Foundation
import ODAGCore
import Testing

@testable import ODAGSync

/// `export` in the qseow flavour: what a user would declare, written so that it validates without a
/// warning and plans to no changes against the links it came from.
@Suite struct QseowExporterTests {
    typealias F = PlanFixtures
    typealias Q = QseowFixtures

    /// Links as a QSEoW server sends them: server-filled binding fields, read-only property members, an
    /// undocumented property key, two property values of one context, a retired link and a `${`.
    static func live() throws -> [OdagLink] {
        [
            try Q.live(
                1, "Sales detail", rowEstExpr: "Count(OrderID) // ${not a variable}",
                bindings: [
                    Q.liveBinding("Region"),
                    [
                        "templateAppVarName": "Year", "selectAppParamType": "Variable", "selectAppParamName": "vYear",
                        "selectionStates": "S", "numericOnly": true, "formatting": ["delimiter": ",", "quote": "'"],
                        "range": ["lowerBound": 0, "upperBound": 5],
                    ],
                ],
                properties: [
                    "rowEstRange": [["context": "*", "lowBound": 0, "highBound": 100000.0]],
                    "genAppLimit": [["context": "User_*", "limit": 5], ["context": "User.name = joe", "limit": 0]],
                    "publishTo": [["context": "User_*", "streamId": "s-1", "streamName": "Everyone"]],
                    "targetSheet": [["context": "User_*", "sheetId": "sh-1", "sheetName": "Overview"]],
                    "appRetentionTime": [["context": "User_*", "retentionTime": "P1D"]],
                    "chartSuppression": [["context": "User_*", "suppress": true]],
                    "hide": .null,
                ],
                extra: ["dynamicView": false]),
            try Q.live(2, "Disabled one", status: "disabled", rowEstExpr: nil),
            try Q.live(3, "Retired", status: "decommissioned"),
            try Q.live(
                4, "Odd values", status: "incomplete",
                bindings: [Q.liveBinding("Region"), Q.liveBinding("Region", "Area")],
                properties: [
                    "menuLabel": [["context": "*", "label": "One"], ["context": "*", "label": "Two"]],
                    "disable": [["context": "*", "disable": false]],
                ]),
        ]
    }

    /// The one link of an exported manifest.
    static func link(_ manifest: ExportedManifest?) -> JSONValue? {
        manifest?.json["links"]?.arrayValue?.first
    }

    static func export(_ live: [OdagLink]) -> Exporter.Result {
        Exporter.export(live, scope: LinkScope(), schemaReference: QseowManifestJSONSchema.fileName, flavour: .qseow)
    }

    @Test func theBuiltInSchemaIsTheRepositorysFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try String(
            contentsOf: root.appendingPathComponent("schemas/odag-links-qseow.schema.json"), encoding: .utf8)
        #expect(QseowManifestJSONSchema.text == file)
        #expect(QseowManifestJSONSchema.fileName.hasSuffix(ManifestLoader.schemaSuffix))
    }

    @Test func writesWhatAUserWouldDeclareInReadingOrder() throws {
        let result = Self.export(try Self.live())
        #expect(result.flavour == .qseow)
        #expect(result.skipped.isEmpty)
        #expect(result.manifests.map(\.fileName) == ["disabled-one.json", "odd-values.json", "sales-detail.json"])
        let sales = try #require(result.manifests.last)
        #expect(
            sales.text == #"""
                {
                  "$schema": "odag-links-qseow.schema.json",
                  "links": [
                    {
                      "name": "Sales detail",
                      "templateApp": "\#(F.appB)",
                      "rowEstExpr": "Count(OrderID) // $${not a variable}",
                      "bindings": [
                        {
                          "templateAppVarName": "Region",
                          "selectAppParamType": "Field",
                          "selectAppParamName": "Region"
                        },
                        {
                          "templateAppVarName": "Year",
                          "selectAppParamType": "Variable",
                          "selectAppParamName": "vYear"
                        }
                      ],
                      "dynamicView": false,
                      "status": "active",
                      "properties": {
                        "appRetentionTime": [
                          {
                            "context": "User_*",
                            "retentionTime": "P1D"
                          }
                        ],
                        "genAppLimit": [
                          {
                            "context": "User_*",
                            "limit": 5
                          },
                          {
                            "context": "User.name = joe"
                          }
                        ],
                        "publishTo": [
                          {
                            "context": "User_*",
                            "streamId": "s-1"
                          }
                        ],
                        "rowEstRange": [
                          {
                            "context": "*",
                            "highBound": 100000,
                            "lowBound": 0
                          }
                        ],
                        "targetSheet": [
                          {
                            "context": "User_*",
                            "sheetId": "sh-1"
                          }
                        ]
                      }
                    }
                  ]
                }

                """#)
    }

    @Test func retiredLinksAreNotExportedAndTheSelectionAppIsANote() throws {
        let result = Self.export(try Self.live())
        #expect(!result.manifests.contains { Self.link($0)?["name"] == "Retired" })
        #expect(result.notes.last == QseowExport.selectionAppNote)
        #expect(result.manifests.allSatisfy { Self.link($0)?["selectionApp"] == nil })
        #expect(Self.export([try Q.live(3, "Retired", status: "decommissioned")]).notes.isEmpty, "nothing exported")
    }

    @Test func whatAManifestCannotStateIsLeftUnmanagedAndSaid() throws {
        let result = Self.export(try Self.live())
        let odd = try #require(Self.link(result.manifests.first { $0.fileName == "odd-values.json" }))
        #expect(odd["status"] == nil)
        #expect(odd["bindings"] == nil)
        #expect(odd["ignore"] == ["bindings", "properties.menuLabel"])
        #expect(odd["properties"] == ["disable": [["context": "*", "disable": false]]])
        #expect(
            result.notes.filter { $0.contains("\"Odd values\"") }.count == 3,
            "status, bindings and menuLabel: \(result.notes)")
    }

    /// The export's promise: the manifests validate without a warning and plan to no changes.
    @Test func exportedManifestsValidateCleanlyAndPlanToNoChanges() throws {
        let live = try Self.live()
        let result = Self.export(live)
        let files = result.manifests.map { ManifestFile(file: $0.fileName, bytes: Array($0.text.utf8)) }
        let loaded = ManifestLoader.check(files, resolver: VariableResolver(), scope: LinkScope())
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        #expect(loaded.flavour == .qseow)
        #expect(loaded.links.count == 3)
        #expect(
            loaded.links.first { $0.name == "Sales detail" }?.qseow?.rowEstExpr == "Count(OrderID) // ${not a variable}"
        )
        let plan = Q.plan(loaded.links, live)
        #expect(plan.changes.isEmpty, "\(plan.changes.map { ($0.name, $0.diffs) })")
        #expect(plan.errors.isEmpty, "\(plan.errors)")
        #expect(plan.unchanged == 3)

        let combined = Exporter.combined(result, schemaReference: "schemas/odag-links-qseow.schema.json")
        let one = ManifestLoader.check(
            [ManifestFile(file: "-", bytes: Array(combined.text.utf8))], resolver: VariableResolver(),
            scope: LinkScope())
        #expect(one.diagnostics.isEmpty && one.links.count == 3)
        #expect(combined.text.contains(#""templateApp": "#))
    }

    @Test func theDocumentFlavourIsTheDefault() throws {
        let live = [try F.live(1, "A")]
        #expect(
            Exporter.export(live, scope: LinkScope()) == Exporter.export(live, scope: LinkScope(), flavour: .document))
        #expect(Exporter.export(live, scope: LinkScope()).notes.isEmpty)
    }
}

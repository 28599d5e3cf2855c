import Foundation
import ODAGCore
import Testing

@testable import ODAGSync

/// Keeps `schemas/plan.schema.json` and `schemas/drift-report.schema.json` in step with the keys the
/// Swift code writes. Full validation of the golden files is `.ci/check-output-schemas`'s job.
@Suite struct OutputSchemaTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func schema(_ name: String) throws -> JSONValue {
        let url = packageRoot.appendingPathComponent("schemas").appendingPathComponent(name)
        let data = try #require(FileManager.default.contents(atPath: url.path), "cannot read schemas/\(name)")
        return try JSONParser.parse(String(decoding: data, as: UTF8.self))
    }

    static func keys(_ value: JSONValue?) -> Set<String> {
        Set(value?.objectValue?.keys.map { $0 } ?? [])
    }

    static func strings(_ value: JSONValue?) -> Set<String> {
        Set(value?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    @Test(arguments: [("plan.schema.json", false), ("drift-report.schema.json", true)])
    func topLevelKeysMatchWhatIsWritten(name: String, drift: Bool) throws {
        let schema = try Self.schema(name)
        for plan in [try RenderFixtures.fullPlan(), try RenderFixtures.emptyPlan()] {
            let written = Self.keys(drift ? DriftReport(plan: plan).json : plan.json)
            #expect(Self.keys(schema["properties"]) == written.union(["api"]), "schemas/\(name) properties")
            #expect(Self.strings(schema["required"]) == written, "schemas/\(name) required")
        }
        // Only qseow plans write `api`.
        let qseow = try QseowRenderFixtures.plan()
        let written = Self.keys(drift ? DriftReport(plan: qseow).json : qseow.json)
        #expect(Self.keys(schema["properties"]) == written, "schemas/\(name) properties")
        #expect(schema["additionalProperties"] == false)
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func nestedObjectsMatchWhatIsWritten() throws {
        let defs = try Self.schema("plan.schema.json")["$defs"]
        let plan = try RenderFixtures.fullPlan()
        let summaryKeys = Self.keys(plan.summary.json)
        #expect(Self.keys(defs?["summary"]?["properties"]) == summaryKeys.union(["retire"]))
        #expect(Self.strings(defs?["summary"]?["required"]) == summaryKeys)
        let qseow = try QseowRenderFixtures.plan()
        #expect(Self.keys(defs?["summary"]?["properties"]) == Self.keys(qseow.json["summary"]))
        let changeKeys = Set(plan.changes.flatMap { Self.keys($0.json) })
        #expect(Self.keys(defs?["change"]?["properties"]) == changeKeys)
        let diffKeys = Set(plan.changes.flatMap(\.diffs).flatMap { Self.keys($0.json) })
        #expect(Self.keys(defs?["fieldDiff"]?["properties"]) == diffKeys)
        let unmanagedKeys = Set(plan.unmanaged.flatMap { Self.keys($0.json) })
        #expect(Self.keys(defs?["unmanagedLink"]?["properties"]) == unmanagedKeys)
        let errorKeys = Set(plan.errors.flatMap { Self.keys($0.json) })
        let errorProperties = Self.keys(defs?["error"]?["properties"])
        #expect(errorProperties.isSuperset(of: errorKeys))
        #expect(errorProperties == ["kind", "message", "name", "id", "source"])
        #expect(
            Self.strings(defs?["change"]?["properties"]?["action"]?["enum"])
                == Set(ChangeAction.allCases.map(\.rawValue)))
        #expect(
            Self.strings(defs?["error"]?["properties"]?["kind"]?["enum"])
                == Set(PlanError.Kind.allCases.map(\.rawValue)))
    }

    @Test func driftReportSchemaSharesThePlanDefinitions() throws {
        let plan = try Self.schema("plan.schema.json")
        let drift = try Self.schema("drift-report.schema.json")
        #expect(plan["$defs"] == drift["$defs"])
        var driftProperties = try #require(drift["properties"]?.objectValue)
        driftProperties["drift"] = nil
        #expect(JSONValue.object(driftProperties) == plan["properties"])
    }
}

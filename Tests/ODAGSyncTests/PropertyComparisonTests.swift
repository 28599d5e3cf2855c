import ODAGCore
import ODAGTestSupport
import Testing

@testable import ODAGSync

@Suite struct PropertyComparisonTests {
    static let live: JSONValue = [
        "rowEstExpr": "Sum([x])", "genAppAccessible": true,
        "publishTo": "c0000000-0000-4000-8000-00000000000a",
        "bindings": [
            ["selectionField": "Region", "templateField": "Region", "selectionType": "selected"],
            ["selectionField": "Year", "templateField": "Year", "selectionType": "selected", "serverId": 3],
        ],
        "retention": ["maxAge": 1440, "maxCount": 5], "menuLabel": "Open",
    ]

    static func unchanged(_ declared: JSONValue, ignore: [String] = []) throws -> Bool {
        PropertyComparison.certainlyUnchanged(
            declared: declared, live: try OdagLinkProperties(json: live), ignore: ignore)
    }

    @Test func differencesOnlyInIgnoredPathsAreUnchanged() throws {
        let declared: JSONValue = [
            "rowEstExpr": "Sum([x])", "publishTo": "c0000000-0000-4000-8000-00000000000b",
            "retention": ["maxAge": 720, "maxCount": 5], "menuLabel": "Open",
        ]
        #expect(try !Self.unchanged(declared))
        #expect(try !Self.unchanged(declared, ignore: ["properties.publishTo"]))
        #expect(try Self.unchanged(declared, ignore: ["properties.retention.maxAge", "properties.publishTo"]))
        #expect(try Self.unchanged(declared, ignore: ["properties.retention", "properties.publishTo"]))
        #expect(try !Self.unchanged(declared, ignore: ["properties.retention.maxCount", "properties.publishTo"]))
        #expect(try Self.unchanged(["bindings": []], ignore: ["properties.bindings"]))
        #expect(try !Self.unchanged(["bindings": []], ignore: ["properties.publishTo"]))
    }

    /// Planning asks this shortcut first for every matched link, so it must never hide a difference:
    /// whenever it answers "unchanged", the full comparison finds nothing to change.
    @Test func certainlyUnchangedNeverHidesADifference() throws {
        var random = SeededRandom.generator(seed: 2026)
        let members: [(String, [JSONValue])] = [
            ("rowEstExpr", ["Sum([x])", "Sum([y])", 3]),
            ("genAppAccessible", [true, false, "yes"]),
            ("publishTo", ["c0000000-0000-4000-8000-00000000000a", "c0000000-0000-4000-8000-00000000000b"]),
            (
                "bindings",
                [
                    [], [["selectionField": "Region", "templateField": "Region", "selectionType": "selected"]],
                    [
                        ["selectionField": "Year", "templateField": "Year", "selectionType": "selected"],
                        ["selectionField": "Region", "templateField": "Region", "selectionType": "selected"],
                    ],
                    [
                        ["selectionField": "Region", "templateField": "Region", "selectionType": "selected"],
                        ["selectionField": "Year", "templateField": "Year", "selectionType": "selected"],
                    ],
                    [["selectionField": "Caf\u{E9}"], ["selectionField": "Cafe\u{301}"]],
                ]
            ),
            ("retention", [["maxAge": 1440, "maxCount": 5], ["maxAge": 1440.0], ["maxAge": 720], ["unit": "d"], 5]),
            ("menuLabel", ["Open", "Caf\u{E9}", "Cafe\u{301}"]),
            ("odd key", [["n": 1], ["n": 1.0, "m": 2]]),
        ]
        let paths = [
            "properties.publishTo", "properties.retention.maxAge", "properties.retention", "properties.bindings",
            "properties.rowEstExpr", "properties[\"odd key\"].n", "properties.menuLabel",
        ]
        var answeredUnchanged = 0
        for _ in 0..<5_000 {
            var liveMembers: [String: JSONValue] = [:]
            var declaredMembers: [String: JSONValue] = [:]
            for (key, values) in members {
                let value = values[Int(random.next() % UInt64(values.count))]
                if random.nextUnit() < 0.7 { liveMembers[key] = value }
                if random.nextUnit() < 0.6 {
                    declaredMembers[key] =
                        random.nextUnit() < 0.7 ? value : values[Int(random.next() % UInt64(values.count))]
                }
            }
            let ignore = paths.filter { _ in random.nextUnit() < 0.15 }
            guard let live = try? OdagLinkProperties(json: .object(liveMembers)) else { continue }
            let declared = JSONValue.object(declaredMembers)
            guard PropertyComparison.certainlyUnchanged(declared: declared, live: live, ignore: ignore) else {
                continue
            }
            answeredUnchanged += 1
            let diffs = PropertyComparison.diffs(
                declared: declared, live: live.json, path: "properties", ignore: Set(ignore))
            #expect(diffs.isEmpty, "\(declared) against \(live.json) ignoring \(ignore)")
        }
        #expect(answeredUnchanged > 200)
    }
}

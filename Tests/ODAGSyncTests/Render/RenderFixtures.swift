import ODAGCore

@testable import ODAGSync

/// Plans, drift reports and apply reports with fixed timestamps, for golden tests.
enum RenderFixtures {
    typealias F = PlanFixtures

    static let server = "https://qlik.example.com/api/odag/v1"
    static let generatedAt = "2026-01-01T00:00:00Z"
    /// A name with every character Markdown, HTML or a table could act on.
    static let trickyName = "Ops | <b>bold</b> & `tick` *star* [link](x) \\ end"

    static let longExpression = "Sum({<Region={'North','South','East','West'}, Year={2024,2025,2026}>} [Order Count])"

    /// Live links: one to update, one to rename, one to replace, one unchanged, two with one name and
    /// two that no declaration matches.
    static func live() throws -> [OdagLink] {
        [
            try F.live(
                1, "Finance drill",
                properties: [
                    "rowEstExpr": "Sum(x)", "retention": ["maxAge": 1440, "maxCount": 5], "genAppAccessible": true,
                ]),
            try F.live(2, "Region report", template: F.appB, properties: ["rowEstExpr": .string(longExpression)]),
            try F.live(3, "Old link", owner: "CORP\\svc_old"),
            try F.live(4, "Twin"),
            try F.live(5, "Twin"),
            try F.live(6, "Kept", properties: ["rowEstExpr": "1"]),
            try F.live(7, "Stray \"quoted\""),
            try F.live(8, "Before rename"),
        ]
    }

    /// Declarations giving every action and error kind the planner finds here.
    static func desired() -> [DeclaredLink] {
        [
            F.desired(
                "Finance drill",
                properties: ["rowEstExpr": "Sum([Order Count])", "retention": ["maxAge": 720, "maxCount": 5]]),
            F.desired("Region report", template: F.appC, properties: ["rowEstExpr": "Sum(y)"]),
            F.desired(
                "Sales detail",
                properties: [
                    "rowEstExpr": "Sum([Order Count])",
                    "bindings": [["selectionField": "Region", "templateField": "Region", "selectionType": "selected"]],
                    "retention": ["maxAge": 1440, "maxCount": 5],
                ]),
            F.desired(trickyName),
            F.desired("Kept", properties: ["rowEstExpr": "1"]),
            F.desired("Twin"),
            F.desired("Pinned", id: F.id(99)),
            F.desired("After rename", id: F.id(8)),
        ]
    }

    static func options(prune: Bool) -> PlanOptions {
        PlanOptions(server: server, environment: "prod", generatedAt: generatedAt, prune: prune)
    }

    /// Every action, errors and unmanaged links, pruning on.
    static func fullPlan() throws -> Plan {
        Planner.plan(desired: desired(), live: try live(), options: options(prune: true))
    }

    /// The same without pruning: unmanaged links are only reported.
    static func unprunedPlan() throws -> Plan {
        Planner.plan(desired: desired(), live: try live(), options: options(prune: false))
    }

    /// Nothing to do: 3 links up to date.
    static func emptyPlan() throws -> Plan {
        let live = [try F.live(1, "A"), try F.live(2, "B"), try F.live(3, "C")]
        return Planner.plan(
            desired: [F.desired("A"), F.desired("B"), F.desired("C")], live: live,
            options: PlanOptions(server: server, generatedAt: generatedAt))
    }

    /// `count` creates with a few properties each, built directly for speed.
    static func hugePlan(count: Int) -> Plan {
        let changes = (0..<count).map { n -> PlannedChange in
            let name = "Generated link \(n) | <x>"
            let diffs = [
                FieldDiff(path: "name", before: nil, after: .string(name)),
                FieldDiff(path: "properties.rowEstExpr", before: nil, after: .string(longExpression)),
                FieldDiff(path: "properties.retention.maxAge", before: nil, after: 1440),
            ]
            return PlannedChange(
                action: .create, name: name, diffs: diffs, after: ["name": .string(name)],
                source: "links/generated.json:\(n + 3):5")
        }
        let unmanaged = (0..<50).map { UnmanagedLink(id: F.id($0), name: "Unmanaged \($0)") }
        return Plan(
            server: server, generatedAt: generatedAt, changes: changes, unmanaged: unmanaged,
            errors: [PlanError(kind: .ambiguous, name: "Twin", message: "two live links are named \"Twin\"")])
    }

    /// Every outcome, from the full plan's changes.
    static func applyReport(interrupted: Bool = false) throws -> ApplyReport {
        let changes = try fullPlan().changes
        let outcomes: [ChangeOutcome] = [
            .succeeded(newId: nil),
            .alreadyDone(note: "it was already gone", newId: nil),
            .succeeded(newId: F.id(102)),
            .failed("PUT /links/00000000-0000-4000-8000-000000000008: the server answered 400: \"name\" is required"),
            .succeeded(newId: nil),
            .alreadyDone(note: "found on the server after a lost answer", newId: F.id(105)),
            .notStarted,
        ]
        let results = zip(changes, outcomes).enumerated().map { index, pair in
            ChangeResult(change: pair.0, outcome: pair.1, milliseconds: [120, 5, 1234, 87, 40, 2001, 0][index % 7])
        }
        return ApplyReport(server: server, results: results, interrupted: interrupted)
    }
}

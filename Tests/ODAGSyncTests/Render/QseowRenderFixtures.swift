import ODAGCore

@testable import ODAGSync

/// A `qseow` project's plans and drift reports with fixed timestamps, for golden tests: a create, an
/// update with a template app change, a status change, bindings and properties that are unchanged in
/// another order and with server-filled fields, a retire, a retired link that is invisible, and a
/// create without a selection app.
enum QseowRenderFixtures {
    typealias F = PlanFixtures
    typealias Q = QseowFixtures

    static func live() throws -> [OdagLink] {
        [
            try Q.live(
                1, "Sales detail", template: F.appB, rowEstExpr: "Count(OrderID)",
                bindings: [Q.liveBinding("Region"), Q.liveBinding("Year")],
                properties: [
                    "rowEstRange": [["context": "*", "highBound": 100000]],
                    "genAppLimit": [["context": "User_*", "limit": 5]],
                    "publishTo": [["context": "User_*", "streamId": "s-1", "streamName": "Everyone"]],
                ]),
            try Q.live(
                2, "Region report", rowEstExpr: "Count(RegionID)",
                bindings: [Q.liveBinding("Year"), Q.liveBinding("Region")],
                properties: [
                    "genAppLimit": [["context": "User_*", "limit": 5], ["context": "*", "limit": 1]],
                    "appRetentionTime": [["context": "User_*", "retentionTime": "P1D"]],
                ]),
            try Q.live(3, "Finance drill", status: "active"),
            try Q.live(4, "Old link"),
            try Q.live(5, "Long gone", status: "decommissioned"),
        ]
    }

    static func desired() -> [DeclaredLink] {
        [
            Q.desired(
                "Sales detail", template: F.appC,
                fields: QseowDeclaredFields(
                    rowEstExpr: "Count(OrderID)", bindings: [Q.binding("Year"), Q.binding("Region", "Area")],
                    properties: ["rowEstRange": [["context": "*", "highBound": 50000]]])),
            Q.desired(
                "Region report",
                fields: QseowDeclaredFields(
                    rowEstExpr: "Count(RegionID)", bindings: [Q.binding("Region"), Q.binding("Year")],
                    properties: [
                        "genAppLimit": [["context": "*", "limit": 1], ["context": "User_*", "limit": 5]],
                        "appRetentionTime": [["context": "User_*", "retentionTime": "P1D"]],
                    ])),
            Q.desired("Finance drill", fields: QseowDeclaredFields(status: "disabled")),
            Q.desired(
                "New link",
                fields: QseowDeclaredFields(
                    rowEstExpr: "Count(x)", bindings: [Q.binding("Region")], dynamicView: false,
                    properties: [
                        "rowEstRange": [["context": "*", "highBound": 1000]],
                        "genAppLimit": [["context": "User_*", "limit": 3]],
                    ])),
            Q.desired("No selection app", selection: nil),
        ]
    }

    static func options(prune: Bool) -> PlanOptions {
        PlanOptions(
            server: RenderFixtures.server, environment: "prod", generatedAt: RenderFixtures.generatedAt, prune: prune,
            api: .qseow)
    }

    /// Every qseow action and error, pruning on.
    static func plan() throws -> Plan {
        Planner.plan(desired: desired(), live: try live(), options: options(prune: true))
    }

    /// The same without pruning: the unmanaged link is only reported.
    static func unprunedPlan() throws -> Plan {
        Planner.plan(desired: desired(), live: try live(), options: options(prune: false))
    }
}

import ODAGCore
import Testing

@testable import ODAGSync

@Suite struct DriftReportTests {
    @Test func sortsThePlanIntoMissingChangedUnmanagedAndAmbiguous() throws {
        let report = DriftReport(plan: try RenderFixtures.unprunedPlan())
        #expect(report.missing.map(\.name) == [RenderFixtures.trickyName, "Sales detail"])
        #expect(report.missingPinnedIds.map(\.name) == ["Pinned"])
        #expect(report.missingCount == 3)
        #expect(report.changed.map(\.name) == ["Region report", "After rename", "Finance drill"])
        #expect(report.unmanaged.map(\.name) == ["Old link", "Stray \"quoted\""])
        #expect(report.ambiguous.map(\.name) == ["Twin"])
        #expect(report.errors.isEmpty)
        #expect(report.drift)
    }

    @Test func prunedDeletesAreNotCountedTwice() throws {
        let report = DriftReport(plan: try RenderFixtures.fullPlan())
        #expect(report.unmanaged.count == 2)
        #expect(report.changed.count == 3)
    }

    @Test func noDriftWhenEverythingMatches() throws {
        let report = DriftReport(plan: try RenderFixtures.emptyPlan())
        #expect(!report.drift)
        #expect(report.json["drift"] == false)
    }

    @Test func aPinnedLinkChangedBeyondAnUpdateOrMovedOutOfScopeIsChangedDrift() throws {
        typealias F = PlanFixtures
        let live = [
            try F.live(1, "Pinned", template: F.appC), try F.live(2, "Moved", owner: "CORP\\someone"),
            try F.live(3, "Fine"),
        ]
        let desired = [
            F.desired("Pinned", id: F.id(1)), F.desired("Moved", id: F.id(2)), F.desired("Fine"),
        ]
        let plan = Planner.plan(
            desired: desired, live: live, options: F.options(scope: LinkScope(owners: ["CORP\\svc"])))
        #expect(Set(plan.errors.map(\.kind)) == [.pinnedReplace, .outOfScope])
        let report = DriftReport(plan: plan)
        #expect(report.drift)
        #expect(report.complete)
        #expect(report.errors.isEmpty)
        #expect(report.changedPinned.map(\.name) == ["Moved", "Pinned"])
        #expect(report.changedCount == 2)
        let text = DriftTextRenderer().render(report)
        #expect(!text.contains("No drift"), "\(text)")
        #expect(text.contains("Drift: 0 missing, 2 changed, 0 unmanaged, 0 ambiguous."), "\(text)")
        #expect(text.contains("  changed   \"Pinned\": link \"Pinned\" is pinned to id"), "\(text)")
        #expect(text.contains(#"owner "CORP\\someone"), which is outside the scope"#), "\(text)")
        let markdown = DriftMarkdownRenderer().render(report)
        #expect(markdown.contains("## odag-sync drift: 0 missing, 2 changed"), "\(markdown)")
        #expect(markdown.contains("### Changed beyond an update"))
        let metrics = try PrometheusSamples(DriftMetricsRenderer().render(report, timestamp: 0))
        #expect(metrics["odag_sync_drift_detected"] == 1)
        #expect(metrics["odag_sync_last_run_success"] == 1)
        #expect(metrics["odag_sync_drift_links", kind: "changed"] == 2)
        #expect(report.json["drift"] == true)
    }

    @Test func anIncompleteCheckIsAFailedRunInTheMetrics() throws {
        typealias F = PlanFixtures
        let plan = Planner.plan(
            desired: [F.desired("A")], live: [], options: F.options(targets: ["A", "Nothing"]))
        let report = DriftReport(plan: plan)
        #expect(!report.complete)
        #expect(report.drift, "A is missing")
        let metrics = try PrometheusSamples(DriftMetricsRenderer().render(report, timestamp: 0))
        #expect(metrics["odag_sync_drift_detected"] == 1)
        #expect(metrics["odag_sync_last_run_success"] == 0)
        let clean = try PrometheusSamples(
            DriftMetricsRenderer().render(DriftReport(plan: RenderFixtures.emptyPlan()), timestamp: 0))
        #expect(clean["odag_sync_drift_detected"] == 0)
        #expect(clean["odag_sync_last_run_success"] == 1)
    }

    @Test func otherErrorsAloneAreNotDrift() {
        let plan = Plan(
            server: "s", generatedAt: RenderFixtures.generatedAt,
            errors: [PlanError(kind: .unknownTarget, message: "--target \"x\" names no declared or live link")])
        let report = DriftReport(plan: plan)
        #expect(!report.drift)
        #expect(report.errors.count == 1)
        #expect(DriftTextRenderer().render(report).contains("error: --target \"x\" names no declared or live link"))
    }

    @Test func jsonIsThePlanWithDrift() throws {
        let plan = try RenderFixtures.unprunedPlan()
        let report = DriftReport(plan: plan)
        var expected = try #require(plan.json.objectValue)
        expected["drift"] = true
        #expect(report.json == .object(expected))
        #expect(report.jsonText.hasPrefix("{\n  \"formatVersion\": 1,\n  \"drift\": true,\n"))
        try GoldenFile.check(report.jsonText, "drift-full.json")
        try GoldenFile.check(DriftReport(plan: RenderFixtures.emptyPlan()).jsonText, "drift-none.json")
    }

    @Test func rendersText() throws {
        let report = DriftReport(plan: try RenderFixtures.unprunedPlan())
        let text = DriftTextRenderer().render(report)
        #expect(text.hasSuffix("Drift: 3 missing, 3 changed, 2 unmanaged, 1 ambiguous.\n"))
        try GoldenFile.check(text, "drift-full.txt")
        try GoldenFile.check(DriftTextRenderer(color: true).render(report), "drift-full-color.txt")
        let none = DriftTextRenderer().render(DriftReport(plan: try RenderFixtures.emptyPlan()))
        #expect(none.hasSuffix("No drift. 3 links match the manifests.\n"))
        try GoldenFile.check(none, "drift-none.txt")
    }

    @Test func rendersMarkdown() throws {
        let report = DriftReport(plan: try RenderFixtures.unprunedPlan())
        try GoldenFile.check(DriftMarkdownRenderer().render(report), "drift-full.md")
        try GoldenFile.check(
            DriftMarkdownRenderer().render(DriftReport(plan: RenderFixtures.emptyPlan())), "drift-none.md")
    }

    @Test func markdownStaysUnderTheCommentLimit() throws {
        var plan = RenderFixtures.hugePlan(count: 3_000)
        plan.changes = plan.changes.map { change in
            var changed = change
            changed.action = .update
            changed.id = "id"
            return changed
        }
        let markdown = DriftMarkdownRenderer().render(DriftReport(plan: plan))
        #expect(markdown.utf8.count <= 65_000)
        #expect(markdown.contains("of 3,000 changed links"))
        #expect(markdown.contains("the CI log or the JSON drift report"))
    }
}

/// The samples of a metrics text, by name (and `kind` label), for drift tests.
struct PrometheusSamples {
    var values: [String: Int] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Int(parts[1]) else {
                throw ModelError(path: "", message: "bad line \(line)")
            }
            let series = parts[0]
            let name = String(series.prefix { $0 != "{" })
            let kind = series.firstRange(of: "kind=\"").map { series[$0.upperBound...].prefix { $0 != "\"" } }
            values[kind.map { "\(name)/\($0)" } ?? name] = value
        }
    }

    subscript(_ name: String, kind kind: String? = nil) -> Int? {
        values[kind.map { "\(name)/\($0)" } ?? name]
    }
}

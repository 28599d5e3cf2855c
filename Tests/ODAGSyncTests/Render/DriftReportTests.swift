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

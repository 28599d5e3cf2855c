import ODAGCore
import Testing

@testable import ODAGSync

/// Golden text, JSON and Markdown plans and drift reports of a `qseow` project
/// (``QseowRenderFixtures``).
@Suite struct QseowRenderingTests {
    @Test func planFindsEveryQseowActionAndError() throws {
        let plan = try QseowRenderFixtures.plan()
        #expect(plan.changes.map(\.action) == [.retire, .update, .update, .create])
        #expect(plan.changes.map(\.name) == ["Old link", "Finance drill", "Sales detail", "New link"])
        #expect(plan.summary == PlanSummary(create: 1, update: 2, unchanged: 1, unmanaged: 1, retire: 1))
        #expect(plan.errors.map(\.kind) == [.missingSelectionApp])
        // The decommissioned link is neither unmanaged nor retired again.
        #expect(plan.unmanaged.map(\.name) == ["Old link"])
        let sales = try #require(plan.changes.first { $0.name == "Sales detail" })
        #expect(
            sales.diffs.map(\.path) == [
                "templateApp", "bindings[templateAppVarName=Region].selectAppParamName",
                "properties.rowEstRange[context=*].highBound",
            ])
    }

    @Test func rendersText() throws {
        let text = PlanTextRenderer().render(try QseowRenderFixtures.plan())
        #expect(text.hasSuffix("Plan: 1 to create, 2 to update, 1 to retire; 1 unchanged, 1 unmanaged.\n"))
        #expect(!text.contains("to replace"))
        try GoldenFile.check(text, "plan-qseow.txt")
        try GoldenFile.check(
            PlanTextRenderer().render(try QseowRenderFixtures.unprunedPlan()), "plan-qseow-unpruned.txt")
    }

    @Test func rendersJSONThatReadsBack() throws {
        let plan = try QseowRenderFixtures.plan()
        #expect(plan.json["api"] == "qseow")
        #expect(plan.json["summary"]?["retire"] == 1)
        #expect(try Plan(json: try JSONParser.parse(plan.jsonText)) == plan)
        try GoldenFile.check(plan.jsonText, "plan-qseow.json")
    }

    @Test func rendersMarkdown() throws {
        let markdown = PlanMarkdownRenderer().render(try QseowRenderFixtures.plan())
        #expect(markdown.hasPrefix("## odag-sync plan: 1 to create, 2 to update, 1 to retire\n"))
        #expect(markdown.contains("| Create | Update | Retire | Unchanged | Unmanaged |"))
        try GoldenFile.check(markdown, "plan-qseow.md")
    }

    @Test func rendersDrift() throws {
        let report = DriftReport(plan: try QseowRenderFixtures.unprunedPlan())
        // The declaration without a selection app has no live link: it is missing, not a failed check.
        #expect(report.missingCount == 2)
        #expect(report.changedCount == 2)
        #expect(report.complete)
        try GoldenFile.check(DriftTextRenderer().render(report), "drift-qseow.txt")
        try GoldenFile.check(report.jsonText, "drift-qseow.json")
        try GoldenFile.check(DriftMarkdownRenderer().render(report), "drift-qseow.md")
    }
}

import ODAGCore
import Testing

@testable import ODAGSync

@Suite struct PlanTextRendererTests {
    @Test func rendersEveryActionUnmanagedLinksAndErrors() throws {
        let plan = try RenderFixtures.fullPlan()
        #expect(plan.changes.map(\.action) == [.delete, .delete, .replace, .update, .update, .create, .create])
        try GoldenFile.check(PlanTextRenderer().render(plan), "plan-full.txt")
    }

    @Test func coloursActionsOnlyWhenAsked() throws {
        let plan = try RenderFixtures.fullPlan()
        let colored = PlanTextRenderer(color: true).render(plan)
        #expect(colored.contains("\u{1B}[32m  + create\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[35m-/+ replace\u{1B}[0m"))
        #expect(!PlanTextRenderer(color: false).render(plan).contains("\u{1B}"))
        try GoldenFile.check(colored, "plan-full-color.txt")
    }

    @Test func reportsUnmanagedLinksAsUntouchedWithoutPruning() throws {
        try GoldenFile.check(PlanTextRenderer().render(RenderFixtures.unprunedPlan()), "plan-unpruned.txt")
    }

    @Test func saysNoChangesForAnEmptyPlan() throws {
        let text = PlanTextRenderer().render(try RenderFixtures.emptyPlan())
        #expect(text.hasSuffix("No changes. 3 links are up to date.\n"))
        try GoldenFile.check(text, "plan-empty.txt")
    }

    @Test func escapesControlCharactersInNames() throws {
        let plan = Plan(
            server: "s", generatedAt: RenderFixtures.generatedAt,
            changes: [PlannedChange(action: .create, name: "evil\u{1B}[2J\u{9B}31m\nnext", after: [:])])
        let text = PlanTextRenderer().render(plan)
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("\u{9B}"))
        #expect(text.contains(#"+ create "evil\u001b[2J\u009b31m\nnext""#))
    }

    @Test func shortensLongValues() throws {
        let long = String(repeating: "x", count: 500)
        let plan = Plan(
            server: "s", generatedAt: RenderFixtures.generatedAt,
            changes: [
                PlannedChange(
                    action: .update, name: "L", id: "i",
                    diffs: [FieldDiff(path: "p", before: .string(long), after: nil)],
                    after: [:])
            ])
        let line = try #require(PlanTextRenderer().render(plan).split(separator: "\n").first { $0.contains("p: ") })
        #expect(line.hasSuffix("… → (absent)"))
        #expect(line.count < 100)
    }

    @Test func summaryLineCountsEveryAction() throws {
        #expect(
            PlanTextRenderer.summaryLine(try RenderFixtures.fullPlan())
                == "Plan: 2 to create, 2 to update, 1 to replace, 2 to delete; 1 unchanged, 2 unmanaged.")
        let one = Plan(server: "s", generatedAt: "t", unchanged: 1)
        #expect(PlanTextRenderer.summaryLine(one) == "No changes. 1 link is up to date.")
    }
}

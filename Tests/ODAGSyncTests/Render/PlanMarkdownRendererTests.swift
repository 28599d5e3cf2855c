import ODAGCore
import Testing

@testable import ODAGSync

@Suite struct PlanMarkdownRendererTests {
    @Test func rendersEveryActionUnmanagedLinksAndErrors() throws {
        try GoldenFile.check(PlanMarkdownRenderer().render(RenderFixtures.fullPlan()), "plan-full.md")
    }

    @Test func rendersAnEmptyPlan() throws {
        let markdown = PlanMarkdownRenderer().render(try RenderFixtures.emptyPlan())
        #expect(markdown.contains("3 links are up to date."))
        try GoldenFile.check(markdown, "plan-empty.md")
    }

    @Test func escapesNamesInTablesSummariesAndCode() throws {
        let markdown = PlanMarkdownRenderer().render(try RenderFixtures.fullPlan())
        #expect(
            markdown.contains(
                "Ops &#124; &lt;b&gt;bold&lt;/b&gt; &amp; &#96;tick&#96; &#42;star&#42; &#91;link&#93;(x) &#92; end"))
        let outsideCode = markdown.split(separator: "\n").filter {
            !$0.hasPrefix("+ ") && !$0.hasPrefix("- ") && !$0.hasPrefix("```")
        }
        #expect(!outsideCode.contains { $0.contains("<b>bold</b>") || $0.contains("`") })
        #expect(MarkdownText.escape("a\nb|c") == "a b&#124;c")
        #expect(MarkdownText.fence(for: "x ```` y") == "`````")
    }

    @Test func staysUnderTheCommentLimitAndSaysWhatWasCut() throws {
        let plan = RenderFixtures.hugePlan(count: 3_000)
        let markdown = PlanMarkdownRenderer().render(plan)
        #expect(markdown.utf8.count <= 65_000)
        #expect(markdown.count < 65_000)
        let shown = markdown.components(separatedBy: "<details>").count - 1
        #expect(shown > 50 && shown < 3_000)
        #expect(
            markdown.contains("\(DisplayText.grouped(3_000 - shown)) of 3,000 changes and 50 of 50 unmanaged links"))
        #expect(markdown.contains("See the full output in the CI log or the JSON plan artifact."))
        #expect(markdown.contains("> [!CAUTION]"), "errors come before the cut")
        #expect(markdown.hasSuffix("</details>\n"), "only whole change blocks are kept")
    }

    @Test func keepsEverythingWhenItFits() throws {
        let markdown = PlanMarkdownRenderer().render(RenderFixtures.hugePlan(count: 20))
        #expect(!markdown.contains("[!NOTE]"))
        #expect(markdown.components(separatedBy: "<details>").count - 1 == 20)
    }

    @Test func honoursASmallerLimit() throws {
        let markdown = PlanMarkdownRenderer(limit: 5_000).render(RenderFixtures.hugePlan(count: 100))
        #expect(markdown.utf8.count <= 5_000)
        #expect(markdown.contains("of 100 changes"))
    }
}

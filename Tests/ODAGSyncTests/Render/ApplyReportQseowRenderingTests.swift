import ODAGCore
import Testing

@testable import ODAGSync

/// The apply report's notes (a stale change re-applied) and Qlik's `feedback` warnings, in text, JSON and
/// Markdown, and the Markdown report itself.
@Suite struct ApplyReportQseowRenderingTests {
    typealias F = PlanFixtures

    /// A qseow apply: a retire, an update re-applied over someone's change with a warning, a create Qlik left
    /// incomplete, and a create whose name and warning carry hostile text.
    static func report() -> ApplyReport {
        let warning = QseowFeedback(infoType: "WARN", content: "sheet <b>gone</b> | ask @qlik-admins\u{1B}[2J")
        let results = [
            ChangeResult(
                change: PlannedChange(action: .retire, name: "Old stray", id: F.id(1)), outcome: .succeeded(newId: nil),
                milliseconds: 30),
            ChangeResult(
                change: PlannedChange(action: .update, name: "Sales detail", id: F.id(2)),
                outcome: .succeeded(newId: nil), milliseconds: 120, notes: [ApplyExecutor.reappliedNote],
                warnings: [warning]),
            ChangeResult(
                change: PlannedChange(action: .create, name: "Finance"),
                outcome: .failed(
                    "the server left the link incomplete (id \(F.id(3))); the link exists, so the next plan updates it: WARN: no template app"
                ), milliseconds: 80, warnings: [QseowFeedback(infoType: "WARN", content: "no template app")]),
            ChangeResult(
                change: PlannedChange(action: .create, name: "Pipe | <i>name</i>"), outcome: .succeeded(newId: F.id(4)),
                milliseconds: 45, warnings: [QseowFeedback(infoType: "WARN", content: nil)]),
        ]
        return ApplyReport(server: "https://qlik.example.com/api/odag/v1", results: results)
    }

    @Test func textShowsNotesAndWarningsUnderTheirChange() throws {
        let text = ApplyReportRenderer().renderText(Self.report())
        #expect(
            text.contains(
                "✓ update \"Sales detail\" (0.12 s)\n    note: the link changed since it was read (stale modifiedDate): re-read it and re-applied the declared fields, keeping the other changes\n    server warning: WARN: sheet <b>gone</b> | ask @qlik-admins\\u001b[2J\n"
            ))
        #expect(!text.contains("\u{1B}"))
        #expect(
            text.components(separatedBy: "WARN: no template app").count == 2,
            "a warning the failure already quotes is not repeated")
        try GoldenFile.check(text, "apply-qseow.txt")
    }

    @Test func jsonCarriesNotesAndWarningsAsSent() throws {
        let renderer = ApplyReportRenderer()
        let results = renderer.json(Self.report())["results"]?.arrayValue ?? []
        #expect(results[1]["notes"] == [.string(ApplyExecutor.reappliedNote)])
        #expect(
            results[1]["warnings"] == [
                ["infoType": "WARN", "content": "sheet <b>gone</b> | ask @qlik-admins\u{1B}[2J"]
            ])
        #expect(results[3]["warnings"] == [["infoType": "WARN"]])
        #expect(results[0]["warnings"] == nil && results[0]["notes"] == nil, "absent when there are none")
        try GoldenFile.check(renderer.jsonText(Self.report()), "apply-qseow.json")
    }

    @Test func markdownIsATableWithEverythingEscaped() throws {
        let markdown = ApplyReportRenderer().renderMarkdown(Self.report())
        #expect(markdown.hasPrefix("## odag-sync apply: Apply complete: 3 succeeded, 1 failed, 0 not started.\n"))
        #expect(!markdown.contains("<b>") && !markdown.contains("<i>"), "no HTML from the server or a name")
        #expect(!markdown.contains("@qlik"), "no mention")
        #expect(!markdown.contains("\u{1B}"))
        // Every row has the table's four cells: no name or message adds one.
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(rows.count == 5, "the header and four changes")
        #expect(rows.allSatisfy { $0.filter { $0 == "|" }.count == 5 })
        try GoldenFile.check(markdown, "apply-qseow.md")
        try GoldenFile.check(ApplyReportRenderer().renderMarkdown(try RenderFixtures.applyReport()), "apply.md")
    }

    @Test func markdownStaysUnderItsLimit() {
        let many = (0..<2000).map {
            ChangeResult(
                change: PlannedChange(action: .create, name: "Link \($0)"), outcome: .succeeded(newId: F.id($0)))
        }
        let markdown = ApplyReportRenderer().renderMarkdown(ApplyReport(server: "s", results: many), limit: 20_000)
        #expect(markdown.utf8.count <= 20_000)
        #expect(markdown.contains("of 2,000 changes are not shown here"))
    }
}

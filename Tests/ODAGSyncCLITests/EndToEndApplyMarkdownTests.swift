import Foundation
import Testing

/// `apply --output markdown` against an emulator, run as the built binary: the report alone on
/// standard output, as a table, and a dry run prints the plan in Markdown.
@Suite struct EndToEndApplyMarkdownTests {
    @Test func markdownOutputIsTheApplyReportAsATable() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("apply", ["--auto-approve", "--output", "markdown"])
        #expect(run.code == 0, "\(run)")
        #expect(
            run.stdout.hasPrefix("## odag-sync apply: Apply complete: 3 succeeded, 0 failed, 0 not started.\n"),
            "only the report is on stdout: \(run.stdout)")
        let rows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("| ✅ |") }
        let actions = rows.map { $0.split(separator: "|")[1].trimmingCharacters(in: .whitespaces) }
        #expect(actions == ["replace", "update", "create"], "\(run.stdout)")
        try EndToEndApplyTests.expectConverged(scenario)
    }

    @Test func aMarkdownDryRunPrintsThePlanAndChangesNothing() async throws {
        let scenario = try Scenario()
        let before = try scenario.server.links()
        let run = try await scenario.against("apply", ["--dry-run", "--output", "markdown"])
        #expect(run.code == 0, "\(run)")
        #expect(run.stdout.hasPrefix("## odag-sync plan: 1 to create, 1 to update, 1 to replace"), "\(run.stdout)")
        #expect(try scenario.server.links() == before)
    }
}

import ODAGCore
import Testing

@testable import ODAGSync

@Suite struct ApplyReportRendererTests {
    @Test func rendersOneLinePerChangeAndASummary() throws {
        let report = try RenderFixtures.applyReport()
        let text = ApplyReportRenderer().renderText(report)
        #expect(text.contains("✓ update \"Finance drill\" (0.04 s)"))
        #expect(text.hasSuffix("Apply complete: 5 succeeded, 1 failed, 1 not started.\n"))
        try GoldenFile.check(text, "apply.txt")
        try GoldenFile.check(ApplyReportRenderer(color: true).renderText(report), "apply-color.txt")
    }

    @Test func usesASCIIMarksWhenAsked() throws {
        let text = ApplyReportRenderer(unicode: false).renderText(try RenderFixtures.applyReport())
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        try GoldenFile.check(text, "apply-ascii.txt")
    }

    @Test func saysWhenTheRunWasInterrupted() throws {
        let line = ApplyReportRenderer.summaryLine(try RenderFixtures.applyReport(interrupted: true))
        #expect(line == "Apply interrupted: 5 succeeded, 1 failed, 1 not started. Run apply again to finish.")
    }

    @Test func formatsDurations() {
        #expect(DisplayText.seconds(milliseconds: 120) == "0.12 s")
        #expect(DisplayText.seconds(milliseconds: 5) == "0.01 s")
        #expect(DisplayText.seconds(milliseconds: 2001) == "2.00 s")
        #expect(DisplayText.seconds(milliseconds: 61_999) == "62.00 s")
    }

    @Test func writesJSON() throws {
        let renderer = ApplyReportRenderer()
        let report = try RenderFixtures.applyReport(interrupted: true)
        let json = renderer.json(report)
        #expect(json["summary"] == ["succeeded": 5, "failed": 1, "notStarted": 1])
        #expect(json["interrupted"] == true)
        let keys = Set((json["results"]?.arrayValue ?? []).flatMap { $0.objectValue?.keys.map { $0 } ?? [] })
        #expect(keys == ["action", "name", "id", "outcome", "newId", "message", "milliseconds"])
        try GoldenFile.check(renderer.jsonText(report), "apply.json")
    }
}

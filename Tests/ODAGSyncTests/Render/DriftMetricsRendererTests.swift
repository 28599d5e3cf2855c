import ODAGCore
import Testing

@testable import ODAGSync

@Suite struct DriftMetricsRendererTests {
    @Test func writesGaugesForEveryKind() throws {
        let report = DriftReport(plan: try RenderFixtures.unprunedPlan())
        let text = DriftMetricsRenderer().render(report)
        #expect(
            text.contains(
                "odag_sync_drift_links{server=\"\(RenderFixtures.server)\",environment=\"prod\",kind=\"missing\"} 3"))
        #expect(text.contains("odag_sync_drift_detected{server=\"\(RenderFixtures.server)\",environment=\"prod\"} 1"))
        #expect(text.contains("odag_sync_last_run_timestamp_seconds{") && text.contains("} 1767225600\n"))
        try GoldenFile.check(text, "drift-full.prom")
    }

    @Test func writesZeroesWhenThereIsNoDrift() throws {
        let text = DriftMetricsRenderer().render(DriftReport(plan: try RenderFixtures.emptyPlan()), timestamp: 42)
        #expect(text.contains("odag_sync_drift_detected{server=\"\(RenderFixtures.server)\",environment=\"\"} 0"))
        #expect(
            text.contains(
                "odag_sync_last_run_timestamp_seconds{server=\"\(RenderFixtures.server)\",environment=\"\"} 42"))
        try GoldenFile.check(text, "drift-none.prom")
    }

    @Test func writesOnlyRunMetricsForAFailedRun() throws {
        let text = DriftMetricsRenderer().renderFailure(
            server: RenderFixtures.server, environment: "prod", timestamp: 1_767_225_600)
        #expect(text.contains("odag_sync_last_run_success{server=\"\(RenderFixtures.server)\",environment=\"prod\"} 0"))
        #expect(!text.contains("odag_sync_drift_"))
        try GoldenFile.check(text, "drift-failed.prom")
    }

    @Test func escapesLabelValues() {
        #expect(DriftMetricsRenderer.escapeLabelValue("C:\\dir \"x\"\nnext") == #"C:\\dir \"x\"\nnext"#)
        let text = DriftMetricsRenderer().renderFailure(
            server: "emulator:C:\\state.json", environment: "a\"b\nc", timestamp: 0)
        #expect(text.contains(#"{server="emulator:C:\\state.json",environment="a\"b\nc"} 0"#))
        #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("#") || $0.hasPrefix("odag_sync_") })
    }

    @Test func readsGeneratedAtAsUnixSeconds() {
        #expect(UnixTime.seconds(iso8601: "1970-01-01T00:00:00Z") == 0)
        #expect(UnixTime.seconds(iso8601: "2026-01-01T00:00:00Z") == 1_767_225_600)
        #expect(UnixTime.seconds(iso8601: "2024-02-29T12:34:56.789Z") == 1_709_210_096)
        #expect(UnixTime.seconds(iso8601: "2026-01-01T02:00:00+02:00") == 1_767_225_600)
        #expect(UnixTime.seconds(iso8601: "yesterday") == nil)
        #expect(UnixTime.seconds(iso8601: "2026-13-01T00:00:00Z") == nil)
        let plan = Plan(server: "s", generatedAt: "not a time")
        #expect(!DriftMetricsRenderer().render(DriftReport(plan: plan)).contains("timestamp_seconds{"))
    }
}

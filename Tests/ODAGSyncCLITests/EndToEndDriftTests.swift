import Foundation
import ODAGCore
import Testing

/// `drift` against an emulator, run as the built binary.
@Suite struct EndToEndDriftTests {
    static func inSync() throws -> Scenario {
        try Scenario(live: [E2E.live(1, "Sales A")], declared: [E2E.declared("Sales A")])
    }

    @Test func noDriftExits0() async throws {
        let scenario = try Self.inSync()
        let run = try await scenario.against("drift", binary: true)
        #expect(run.code == 0, "\(run)")
        let json = try await scenario.against("drift", ["--output", "json"])
        #expect(json.code == 0, "\(json)")
        #expect(E2E.json(json.stdout)?["drift"] == false, "\(json.stdout)")
    }

    @Test func driftExits2AndNamesEveryKind() async throws {
        let scenario = try Scenario()
        let before = try scenario.server.links()
        let run = try await scenario.against("drift", binary: true)
        #expect(run.code == 2, "\(run)")
        for name in ["Sales B", "Sales C", "Sales D", "Hand made"] {
            #expect(run.stdout.contains(name), "\(name) missing from: \(run.stdout)")
        }
        #expect(try scenario.server.links() == before, "drift changes nothing")
    }

    @Test func jsonReportHasTheDriftFlagSummaryAndUnmanagedLinks() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("drift", ["--output", "json", "--report", "drift.json"])
        #expect(run.code == 2, "\(run)")
        let report = try #require(E2E.json(run.stdout), "\(run.stdout)")
        #expect(report["drift"] == true)
        #expect(
            report["summary"] == ["create": 1, "update": 1, "replace": 1, "delete": 0, "unchanged": 1, "unmanaged": 1])
        #expect(report["unmanaged"]?.arrayValue?.map { $0["name"] } == ["Hand made"])
        let file = try #require(E2E.json(scenario.project.read("drift.json")), "--report wrote no JSON")
        #expect(file["summary"] == report["summary"])
        #expect(file["drift"] == true)
    }

    @Test func aReportThatCannotBeWrittenIsAnErrorNamingIt() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("drift", ["--report", "no-such-folder/drift.json"])
        #expect(run.code == 1, "\(run)")
        #expect(run.stderr.contains("no-such-folder/drift.json"), "\(run.stderr)")
        let text = try await scenario.against("drift", ["--report", "drift.json"])
        #expect(text.code == 2, "\(text)")
        #expect(text.stdout.contains("Hand made"), "the text report is still printed")
        #expect(E2E.json(scenario.project.read("drift.json"))?["drift"] == true)
    }

    @Test func markdownReport() async throws {
        let scenario = try Scenario()
        let run = try await scenario.against("drift", ["--output", "markdown"])
        #expect(run.code == 2, "\(run)")
        #expect(run.stdout.contains("Hand made"))
        #expect(run.stdout.contains("|") || run.stdout.contains("#"), "\(run.stdout)")
    }

    @Test func prometheusMetricsParseAndCountEachKind() async throws {
        let scenario = try Scenario()
        // The run's timestamp lies between these two readings, however long the run takes (whole seconds).
        let before = Date().timeIntervalSince1970.rounded(.down)
        let run = try await scenario.against("drift", ["--output", "prometheus"])
        let after = Date().timeIntervalSince1970.rounded(.up)
        #expect(run.code == 2, "\(run)")
        let metrics = try PrometheusText(run.stdout)
        #expect(metrics.value("odag_sync_drift_detected") == 1)
        #expect(metrics.value("odag_sync_last_run_success") == 1)
        let timestamp = metrics.value("odag_sync_last_run_timestamp_seconds") ?? 0
        #expect(timestamp >= before && timestamp <= after, "\(timestamp) not within \(before)...\(after)")
        let kinds = Dictionary(
            metrics.samples.filter { $0.name == "odag_sync_drift_links" }.map { ($0.labels["kind"] ?? "", $0.value) },
            uniquingKeysWith: +)
        #expect(kinds["missing"] == 1)
        #expect(kinds["unmanaged"] == 1)
        #expect(kinds["changed"] == 2, "an update and a replace: \(kinds)")
        #expect(metrics.samples.allSatisfy { $0.labels["server"] == scenario.server.url }, "\(run.stdout)")

        let none = try await Self.inSync().against("drift", ["--output", "prometheus"])
        #expect(none.code == 0, "\(none)")
        #expect(try PrometheusText(none.stdout).value("odag_sync_drift_detected") == 0)
    }

    /// Stops the scenario's server and holds its port closed, so no other test's server takes it meanwhile;
    /// `nil` in the rare case another server was given the port in between (the caller starts over).
    static func stopHoldingThePort(_ scenario: Scenario) -> ClosedPort? {
        scenario.server.stop()
        return ClosedPort(url: scenario.server.url)
    }

    @Test func aFailedRunExits1AndWritesFailureMetricsWithTheSameLabels() async throws {
        var attempt: (Scenario, PrometheusText, ClosedPort)?
        for _ in 1...5 where attempt == nil {
            let scenario = try Scenario()
            let good = try PrometheusText(try await scenario.against("drift", ["--output", "prometheus"]).stdout)
            if let closed = Self.stopHoldingThePort(scenario) { attempt = (scenario, good, closed) }
        }
        let (scenario, good, closed) = try #require(attempt, "the stopped server's port was taken five times")
        defer { withExtendedLifetime(closed) {} }
        let url = scenario.server.url
        try scenario.project.write("config/odag-sync.json", #"{ "manifests": ["../links"], "server": "\#(url)" }"#)
        let ways: [(arguments: [String], environment: [String: String])] = [
            (["--server", url], [:]), ([], ["ODAG_SERVER": url]), (["--config", "config/odag-sync.json"], [:]),
        ]
        // The client retries a refused connection with backoff, so the three runs go side by side.
        let runs = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for (arguments, environment) in ways {
                group.addTask {
                    try await scenario.run(
                        ["drift", "--output", "prometheus", "--timeout", "5"] + arguments
                            + (arguments.first == "--config" ? [] : ["links"]),
                        environment: environment)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(runs.count == ways.count)
        let goodSuccess = try #require(good.samples.first { $0.name == "odag_sync_last_run_success" })
        for run in runs {
            #expect(run.code == 1, "\(run)")
            let metrics = try PrometheusText(run.stdout)
            #expect(metrics.value("odag_sync_last_run_success") == 0, "\(run.stdout)")
            #expect(run.stderr.contains("error:"), "the failure is explained on stderr: \(run.stderr)")
            let success = try #require(metrics.samples.first { $0.name == "odag_sync_last_run_success" })
            #expect(success.labels == goodSuccess.labels, "a failure must update the same series an alert watches")
        }
    }

    @Test func aFailedRunWithoutPrometheusPrintsNoData() async throws {
        var attempt: (Scenario, ClosedPort)?
        for _ in 1...5 where attempt == nil {
            let scenario = try Scenario()
            if let closed = Self.stopHoldingThePort(scenario) { attempt = (scenario, closed) }
        }
        let (scenario, closed) = try #require(attempt, "the stopped server's port was taken five times")
        defer { withExtendedLifetime(closed) {} }
        let url = scenario.server.url
        let run = try await scenario.run(["drift", "--server", url, "--timeout", "5", "links"])
        #expect(run.code == 1, "\(run)")
        #expect(run.stdout.isEmpty)
    }
}

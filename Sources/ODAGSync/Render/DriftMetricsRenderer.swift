import ODAGCore

/// Renders drift as Prometheus metrics in the text exposition format, for node-exporter's textfile
/// collector (`drift --output prometheus`), so alerting can watch a cron job:
///
/// ```
/// odag_sync_drift_links{server="…",environment="prod",kind="missing"} 1
/// odag_sync_drift_detected{server="…",environment="prod"} 1
/// odag_sync_last_run_timestamp_seconds{server="…",environment="prod"} 1767225600
/// odag_sync_last_run_success{server="…",environment="prod"} 1
/// ```
///
/// `odag_sync_drift_detected` is 1 exactly when the check found drift: a link missing, changed (a
/// pinned link whose app id was changed, or that was moved out of the scope, included), unmanaged or
/// ambiguous. `odag_sync_last_run_success` is 1 exactly when the check finished: a report with
/// ``DriftReport/errors`` (links that could not be checked) renders its drift gauges with success
/// `0`, and a run that failed before it could report (the server could not be read, the manifests
/// are invalid) renders with ``renderFailure(server:environment:timestamp:)``: only the run metrics,
/// success `0`, so an alert on `odag_sync_last_run_success == 0` fires rather than the drift gauges
/// going silently stale. Every run that is not a clean "no drift" shows in one gauge or the other.
/// `environment` is `""` when none was selected. The collector reads the file at any moment: write
/// it to a temporary file in the same folder and rename it into place.
public struct DriftMetricsRenderer: Sendable {
    /// The drift kinds, in the order their gauges are written.
    public static let kinds = ["missing", "changed", "unmanaged", "ambiguous"]

    /// Creates a renderer.
    public init() {}

    /// The metrics for a completed drift check. `timestamp` (Unix seconds) defaults to the report's
    /// `generatedAt`; when that cannot be read, the timestamp metric is left out.
    public func render(_ report: DriftReport, timestamp: Int? = nil) -> String {
        let labels = DriftMetricsRenderer.labels(server: report.plan.server, environment: report.plan.environment)
        let counts = [report.missingCount, report.changedCount, report.unmanaged.count, report.ambiguous.count]
        var text = DriftMetricsRenderer.family(
            "odag_sync_drift_links", help: "Links that differ between the manifests and the server, by kind.",
            samples: zip(DriftMetricsRenderer.kinds, counts).map { kind, count in
                (labels + ",kind=\"\(kind)\"", count)
            })
        text += DriftMetricsRenderer.family(
            "odag_sync_drift_detected", help: "Whether the last drift check found drift (1) or none (0).",
            samples: [(labels, report.drift ? 1 : 0)])
        text += runMetrics(
            labels: labels, timestamp: timestamp ?? UnixTime.seconds(iso8601: report.plan.generatedAt),
            success: report.complete)
        return text
    }

    /// The metrics for a drift check that failed before it could report: only the run metrics, with
    /// `odag_sync_last_run_success` 0.
    public func renderFailure(server: String, environment: String?, timestamp: Int) -> String {
        runMetrics(
            labels: DriftMetricsRenderer.labels(server: server, environment: environment), timestamp: timestamp,
            success: false)
    }

    /// A label value escaped as the exposition format requires (`\` as `\\`, `"` as `\"`, a line
    /// feed as `\n`), and every other character ``SafeText`` calls unsafe written as the text
    /// `\uXXXX` (its backslash escaped: the format knows no `\u` escape), so a `cat` of the metrics
    /// file shows no control sequence.
    public static func escapeLabelValue(_ value: String) -> String {
        var result = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default:
                if SafeText.isUnsafe(character) {
                    result += "\\" + SafeText.escape(character)
                } else {
                    result.unicodeScalars.append(character)
                }
            }
        }
        return result
    }

    private func runMetrics(labels: String, timestamp: Int?, success: Bool) -> String {
        var text = ""
        if let timestamp {
            text += DriftMetricsRenderer.family(
                "odag_sync_last_run_timestamp_seconds", help: "When the last drift check ran, in Unix seconds.",
                samples: [(labels, timestamp)])
        }
        text += DriftMetricsRenderer.family(
            "odag_sync_last_run_success", help: "Whether the last drift check completed (1) or failed (0).",
            samples: [(labels, success ? 1 : 0)])
        return text
    }

    private static func labels(server: String, environment: String?) -> String {
        "server=\"\(escapeLabelValue(server))\",environment=\"\(escapeLabelValue(environment ?? ""))\""
    }

    private static func family(_ name: String, help: String, samples: [(labels: String, value: Int)]) -> String {
        var text = "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
        for sample in samples {
            text += "\(name){\(sample.labels)} \(sample.value)\n"
        }
        return text
    }
}

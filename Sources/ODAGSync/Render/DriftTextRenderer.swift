import ODAGCore

/// Renders a ``DriftReport`` for people and cron mail: one line per finding, phrased as drift
/// (`missing`, `changed`, `unmanaged`, `ambiguous`), field differences as `live → declared`, the
/// errors, and a last line `Drift: …` or `No drift. …`.
///
/// ```
/// Drift check of https://qlik.example.com/api/odag/v1, environment prod, at 2026-01-01T00:00:00Z
///
///   missing   "Sales detail"
///       declared at links/sales.json:3:5
///   changed   "Finance drill" (id 6f0c…)
///       properties.retention.maxAge: 1440 → 720
///
/// Drift: 1 missing, 1 changed, 0 unmanaged, 0 ambiguous.
/// ```
public struct DriftTextRenderer: Sendable {
    /// Whether to colour the findings and errors with ANSI escape codes.
    public var color: Bool

    /// Creates a renderer.
    public init(color: Bool = false) {
        self.color = color
    }

    /// The report as text, ending with a newline.
    public func render(_ report: DriftReport) -> String {
        let style = TerminalStyle(enabled: color)
        var findings: [String] = []
        func label(_ word: String, _ paint: (String) -> String) -> String {
            "  " + paint(word) + String(repeating: " ", count: max(1, 10 - word.count))
        }
        for change in report.missing {
            findings.append(label("missing", style.red) + change.textSubject)
            if let source = change.source { findings.append("      declared at " + DisplayText.sanitized(source)) }
        }
        for error in report.missingPinnedIds {
            findings.append(label("missing", style.red) + DriftTextRenderer.subject(error))
        }
        for change in report.changed {
            findings.append(label("changed", style.yellow) + change.textSubject)
            findings += change.textDetailLines()
        }
        for error in report.changedPinned {
            findings.append(label("changed", style.yellow) + DriftTextRenderer.subject(error))
        }
        for link in report.unmanaged {
            var line =
                label("unmanaged", style.magenta) + quoted(link.name) + " (id "
                + DisplayText.sanitized(link.id)
            if let owner = link.owner { line += ", owner " + DisplayText.sanitized(owner) }
            findings.append(line + ")")
        }
        for error in report.ambiguous {
            findings.append(label("ambiguous", style.red) + DriftTextRenderer.subject(error))
        }

        var lines = [PlanTextRenderer.header(report.plan, title: "Drift check of"), ""]
        if !findings.isEmpty {
            if !report.changed.isEmpty { lines.append("Field differences read live → declared.") }
            lines += findings
            lines.append("")
        }
        for error in report.errors {
            lines.append(style.boldRed("error:") + " " + DisplayText.sanitized(error.description))
        }
        if !report.errors.isEmpty { lines.append("") }
        lines.append(style.bold(DriftTextRenderer.summaryLine(report)))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Drift: 1 missing, 2 changed, 0 unmanaged, 0 ambiguous.` or `No drift. 12 links match the manifests.`
    public static func summaryLine(_ report: DriftReport) -> String {
        guard report.drift else {
            let unchanged = report.plan.unchanged
            return "No drift. " + (unchanged == 1 ? "1 link matches" : "\(unchanged) links match") + " the manifests."
        }
        return "Drift: \(report.missingCount) missing, \(report.changedCount) changed, "
            + "\(report.unmanaged.count) unmanaged, \(report.ambiguous.count) ambiguous."
    }

    /// `"Name": message (links.json:3:5)` for a finding that is a plan error.
    static func subject(_ error: PlanError) -> String {
        var text = error.name.map { quoted($0) + ": " } ?? ""
        text += DisplayText.sanitized(error.message)
        if let source = error.source { text += " (" + DisplayText.sanitized(source) + ")" }
        return text
    }
}

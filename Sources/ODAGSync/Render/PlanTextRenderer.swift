import ODAGCore

/// Renders a ``Plan`` for people, Terraform-style: a header, each change with its field differences,
/// the unmanaged links, the errors and a summary line.
///
/// ```
/// Plan for https://qlik.example.com/api/odag/v1, environment prod, at 2026-01-01T00:00:00Z
///
///   ~ update "Finance drill" (id 6f0c…)
///       properties.retention.maxAge: 1440 → 720
///       declared at links/finance.json:3:5
///
/// Plan: 0 to create, 1 to update, 0 to replace, 0 to delete; 12 unchanged, 0 unmanaged.
/// ```
public struct PlanTextRenderer: Sendable {
    /// Whether to colour the action symbols and errors with ANSI escape codes.
    public var color: Bool

    /// Creates a renderer.
    public init(color: Bool = false) {
        self.color = color
    }

    /// The plan as text, ending with a newline.
    public func render(_ plan: Plan) -> String {
        let style = TerminalStyle(enabled: color)
        var lines = [PlanTextRenderer.header(plan), ""]
        for change in plan.changes {
            let marker = String(repeating: " ", count: max(0, 3 - change.action.symbol.count)) + change.action.symbol
            lines.append(style.action(change.action, "\(marker) \(change.action.rawValue)") + " " + change.textSubject)
            lines += change.textDetailLines()
        }
        if !plan.changes.isEmpty { lines.append("") }
        if !plan.unmanaged.isEmpty {
            let pruned = Set(plan.changes.filter { $0.action == .delete || $0.action == .retire }.compactMap(\.id))
            let deleted = plan.api == .qseow ? "retired" : "deleted"
            lines.append(
                plan.prune
                    ? "Unmanaged links (pruning is on: those in the plan above are \(deleted)):"
                    : "Unmanaged links (not touched; --prune "
                        + (plan.api == .qseow ? "retires them, decommissioned" : "deletes them") + "):")
            for link in plan.unmanaged {
                var line = "    " + quoted(link.name) + " (id " + DisplayText.sanitized(link.id)
                if let owner = link.owner { line += ", owner " + DisplayText.sanitized(owner) }
                line += ")"
                if pruned.contains(link.id) { line += " " + style.red(deleted) }
                lines.append(line)
            }
            lines.append("")
        }
        for error in plan.errors {
            lines.append(style.boldRed("error:") + " " + DisplayText.sanitized(error.description))
        }
        if !plan.errors.isEmpty {
            lines.append(
                "\(DisplayText.count(plan.errors.count, "error")) above: apply refuses this plan until "
                    + (plan.errors.count == 1 ? "it is" : "they are") + " fixed.")
            lines.append("")
        }
        lines.append(style.bold(PlanTextRenderer.summaryLine(plan)))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Plan for SERVER, environment ENV, at TIME (pruning on)`.
    static func header(_ plan: Plan, title: String = "Plan for") -> String {
        var text = title + " " + DisplayText.sanitized(plan.server)
        if let environment = plan.environment { text += ", environment " + DisplayText.sanitized(environment) }
        text += ", at " + DisplayText.sanitized(plan.generatedAt)
        if plan.prune { text += " (pruning on)" }
        return text
    }

    /// `Plan: 1 to create, 1 to update, 0 to replace, 0 to delete; 12 unchanged, 2 unmanaged.` (in
    /// `qseow`, which neither replaces nor deletes: `Plan: 1 to create, 1 to update, 0 to retire; …`), or
    /// `No changes. 12 links are up to date.` (with the unmanaged count when there are any).
    public static func summaryLine(_ plan: Plan) -> String {
        let s = plan.summary
        guard plan.hasChanges else {
            var text =
                "No changes. "
                + (s.unchanged == 1 ? "1 link is up to date" : "\(s.unchanged) links are up to date")
            if s.unmanaged > 0 { text += "; \(s.unmanaged) unmanaged" }
            return text + "."
        }
        return "Plan: \(s.create) to create, \(s.update) to update, "
            + (plan.api == .qseow ? "\(s.retire) to retire; " : "\(s.replace) to replace, \(s.delete) to delete; ")
            + "\(s.unchanged) unchanged, \(s.unmanaged) unmanaged."
    }
}

import ODAGCore

extension PlannedChange {
    /// The longest a field value is shown in Markdown before it is shortened with `…`.
    static let markdownValueLimit = 200

    /// What follows the action in a headline: `"Finance drill" (id …): templateAppId changed; …`.
    var textSubject: String {
        var text = quoted(name)
        if let id { text += " (id \(DisplayText.sanitized(id)))" }
        if let reason { text += ": " + DisplayText.sanitized(reason) }
        return text
    }

    /// The indented lines under a headline: one per field difference (`path: before → after`; for a
    /// create, where everything is new, `path: value`), then where the declaration is.
    func textDetailLines(indent: String = "      ") -> [String] {
        var lines = diffs.map { diff -> String in
            let path = DisplayText.sanitized(diff.path)
            if action == .create && diff.before == nil {
                return indent + path + ": " + DisplayText.value(diff.after)
            }
            return indent + path + ": " + DisplayText.value(diff.before) + " → " + DisplayText.value(diff.after)
        }
        if let source { lines.append(indent + "declared at " + DisplayText.sanitized(source)) }
        return lines
    }

    /// The change as a collapsed `<details>` block whose summary reads `label name (id)` and whose
    /// body holds the reason, the field differences as a `diff` block and the declaration's place.
    func markdownDetails(label: String) -> String {
        var summary = "<code>\(MarkdownText.escape(action.symbol))</code> <b>\(label)</b> \(MarkdownText.escape(name))"
        if let id { summary += " <sub>" + MarkdownText.code(id) + "</sub>" }
        var body = ""
        if let reason { body += "Replaced: " + MarkdownText.escape(reason) + ".\n\n" }
        if action == .delete { body += "Deleted because it is unmanaged and pruning is on.\n\n" }
        if action == .retire {
            body +=
                "Retired (decommissioned: Qlik documents no link delete) because it is unmanaged and pruning is on.\n\n"
        }
        if !diffs.isEmpty {
            let lines = diffs.flatMap(markdownDiffLines).joined(separator: "\n")
            let fence = MarkdownText.fence(for: lines)
            body += fence + "diff\n" + lines + "\n" + fence + "\n\n"
        }
        if let source { body += "Declared at " + MarkdownText.code(source) + ".\n\n" }
        return "<details><summary>\(summary)</summary>\n\n\(body)</details>\n\n"
    }

    /// `- path: before` and `+ path: after`, leaving out an absent side.
    private func markdownDiffLines(_ diff: FieldDiff) -> [String] {
        var lines: [String] = []
        if let before = diff.before {
            lines.append("- \(diff.path): " + before.snippet(limit: PlannedChange.markdownValueLimit))
        }
        if let after = diff.after {
            lines.append("+ \(diff.path): " + after.snippet(limit: PlannedChange.markdownValueLimit))
        }
        return lines.map(MarkdownText.codeLine)
    }
}

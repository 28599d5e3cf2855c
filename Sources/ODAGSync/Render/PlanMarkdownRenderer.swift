/// Renders a ``Plan`` as GitHub-flavoured Markdown for a pull-request comment: a title, a summary
/// table, the errors in a caution box, each change in a collapsed `<details>` block with a `diff`,
/// and the unmanaged links in a table.
///
/// The result stays under ``limit`` (65,000 by default, under GitHub's 65,536-character comment
/// limit): when the whole plan is longer, changes and unmanaged links are dropped from the end and
/// a note near the top says how many were cut and that the full plan is in the CI log or the JSON
/// plan artifact. Names and values are escaped so they cannot break the table or inject HTML.
public struct PlanMarkdownRenderer: Sendable {
    /// The largest comment, counted in UTF-8 bytes.
    public var limit: Int

    /// Creates a renderer.
    public init(limit: Int = 65_000) {
        self.limit = limit
    }

    /// The plan as Markdown, ending with a newline.
    public func render(_ plan: Plan) -> String {
        let s = plan.summary
        let qseow = plan.api == .qseow
        var head = "## odag-sync plan: "
        if !plan.hasChanges {
            head += "no changes"
        } else if qseow {
            head += "\(s.create) to create, \(s.update) to update, \(s.retire) to retire"
        } else {
            head += "\(s.create) to create, \(s.update) to update, \(s.replace) to replace, \(s.delete) to delete"
        }
        head += "\n\n" + PlanMarkdownRenderer.context(plan) + "\n\n"
        // qseow neither replaces nor deletes: its table shows retires instead.
        let columns =
            qseow
            ? [("Create", s.create), ("Update", s.update), ("Retire", s.retire)]
            : [("Create", s.create), ("Update", s.update), ("Replace", s.replace), ("Delete", s.delete)]
        let table = columns + [("Unchanged", s.unchanged), ("Unmanaged", s.unmanaged)]
        head += "| " + table.map(\.0).joined(separator: " | ") + " |\n|"
        head += String(repeating: "---:|", count: table.count) + "\n"
        head += "| " + table.map { MarkdownText.number($0.1) }.joined(separator: " | ") + " |\n\n"
        if !plan.hasChanges {
            head +=
                (s.unchanged == 1 ? "1 link is" : "\(MarkdownText.number(s.unchanged)) links are") + " up to date.\n\n"
        }
        let composer = CappedMarkdown(limit: limit, fullOutputHint: "the CI log or the JSON plan artifact")
        let pruned = Set(plan.changes.filter { $0.action == .delete || $0.action == .retire }.compactMap(\.id))
        return composer.compose(
            head: head,
            sections: [
                PlanMarkdownRenderer.errorSection(
                    plan.errors, blocking: "apply refuses this plan until fixed"),
                CappedMarkdown.Section(
                    noun: "changes", heading: "### Changes\n\n",
                    items: plan.changes.map { $0.markdownDetails(label: $0.action.rawValue) }),
                qseow
                    ? PlanMarkdownRenderer.unmanagedSection(
                        plan.unmanaged, pruned: pruned, marked: "retired",
                        explanation: plan.prune
                            ? "Pruning is on: the links marked retired are decommissioned by this plan."
                            : "Not touched; <code>--prune</code> retires them (decommissioned).")
                    : PlanMarkdownRenderer.unmanagedSection(
                        plan.unmanaged, pruned: pruned,
                        explanation: plan.prune
                            ? "Pruning is on: the links marked deleted are deleted by this plan."
                            : "Not touched; <code>--prune</code> deletes them."),
            ])
    }

    /// `Server <code>…</code> · environment <code>…</code> · generated … · pruning on`.
    static func context(_ plan: Plan) -> String {
        var parts = ["Server " + MarkdownText.code(plan.server)]
        if let environment = plan.environment { parts.append("environment " + MarkdownText.code(environment)) }
        parts.append("generated " + MarkdownText.escape(plan.generatedAt))
        if plan.prune { parts.append("pruning on") }
        return parts.joined(separator: " · ")
    }

    /// The errors as a GitHub caution box, one list item each.
    static func errorSection(_ errors: [PlanError], blocking: String) -> CappedMarkdown.Section {
        let count = errors.count == 1 ? "1 error" : "\(MarkdownText.number(errors.count)) errors"
        return CappedMarkdown.Section(
            noun: "errors", heading: "> [!CAUTION]\n> **\(count)**: \(blocking).\n>\n",
            items: errors.map { error in
                var item = "> - "
                if let source = error.source { item += MarkdownText.code(source) + ": " }
                return item + MarkdownText.escape(error.message) + " (" + MarkdownText.escape(error.kind.rawValue)
                    + ")\n"
            },
            footer: "\n")
    }

    /// The unmanaged links as a table; those `pruned` are marked (`deleted`, or `retired` in `qseow`).
    static func unmanagedSection(
        _ links: [UnmanagedLink], pruned: Set<String>, marked: String = "deleted", explanation: String
    ) -> CappedMarkdown.Section {
        CappedMarkdown.Section(
            noun: "unmanaged links",
            heading: "### Unmanaged links\n\n\(explanation)\n\n| Name | Id | Owner |\n|---|---|---|\n",
            items: links.map { link in
                let name = MarkdownText.escape(link.name) + (pruned.contains(link.id) ? " (\(marked))" : "")
                let owner = link.owner.map(MarkdownText.escape) ?? ""
                return "| \(name) | \(MarkdownText.code(link.id)) | \(owner) |\n"
            },
            footer: "\n")
    }
}

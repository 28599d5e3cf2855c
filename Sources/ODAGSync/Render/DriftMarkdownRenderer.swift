/// Renders a ``DriftReport`` as GitHub-flavoured Markdown (an issue or a comment): a title, a
/// summary table, the errors, then the findings (changed links with their differences in collapsed
/// blocks), capped under ``limit`` as ``PlanMarkdownRenderer`` is.
public struct DriftMarkdownRenderer: Sendable {
    /// The largest document, counted in UTF-8 bytes.
    public var limit: Int

    /// Creates a renderer.
    public init(limit: Int = 65_000) {
        self.limit = limit
    }

    /// The report as Markdown, ending with a newline.
    public func render(_ report: DriftReport) -> String {
        var head = "## odag-sync drift: "
        head +=
            report.drift
            ? "\(report.missingCount) missing, \(report.changedCount) changed, \(report.unmanaged.count) unmanaged, "
                + "\(report.ambiguous.count) ambiguous"
            : "no drift"
        head += "\n\n" + PlanMarkdownRenderer.context(report.plan) + "\n\n"
        head += "| Missing | Changed | Unmanaged | Ambiguous | Unchanged |\n|---:|---:|---:|---:|---:|\n| "
        head +=
            [
                report.missingCount, report.changedCount, report.unmanaged.count, report.ambiguous.count,
                report.plan.unchanged,
            ].map(MarkdownText.number).joined(separator: " | ") + " |\n\n"
        if !report.drift {
            let unchanged = report.plan.unchanged
            head +=
                (unchanged == 1 ? "1 link matches" : "\(MarkdownText.number(unchanged)) links match")
                + " the manifests.\n\n"
        }

        var missingItems = report.missing.map { change -> String in
            var item = "- " + MarkdownText.escape(change.name)
            if let source = change.source { item += " (declared at " + MarkdownText.code(source) + ")" }
            return item + "\n"
        }
        missingItems += report.missingPinnedIds.map(DriftMarkdownRenderer.item)
        let composer = CappedMarkdown(limit: limit, fullOutputHint: "the CI log or the JSON drift report")
        return composer.compose(
            head: head,
            sections: [
                PlanMarkdownRenderer.errorSection(report.errors, blocking: "these links could not be checked"),
                CappedMarkdown.Section(
                    noun: "ambiguous links", heading: "### Ambiguous\n\n",
                    items: report.ambiguous.map(DriftMarkdownRenderer.item), footer: "\n"),
                CappedMarkdown.Section(
                    noun: "missing links", heading: "### Missing\n\nDeclared in git, not on the server.\n\n",
                    items: missingItems, footer: "\n"),
                CappedMarkdown.Section(
                    noun: "changed links",
                    heading:
                        "### Changed\n\nThe server differs from git (<code>-</code> live, <code>+</code> declared).\n\n",
                    items: report.changed.map { $0.markdownDetails(label: "changed") }),
                CappedMarkdown.Section(
                    noun: "changed pinned links",
                    heading:
                        "### Changed beyond an update\n\nPinned links whose app id was changed, or that were moved out of the scope.\n\n",
                    items: report.changedPinned.map(DriftMarkdownRenderer.item), footer: "\n"),
                PlanMarkdownRenderer.unmanagedSection(
                    report.unmanaged, pruned: [], explanation: "On the server, in scope, declared nowhere."),
            ])
    }

    /// `- Name: message (<code>source</code>)`.
    static func item(_ error: PlanError) -> String {
        var item = "- " + (error.name.map { MarkdownText.escape($0) + ": " } ?? "") + MarkdownText.escape(error.message)
        if let source = error.source { item += " (" + MarkdownText.code(source) + ")" }
        return item + "\n"
    }
}

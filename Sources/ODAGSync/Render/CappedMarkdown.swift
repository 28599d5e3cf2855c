/// Assembles a Markdown document that stays under a size limit (a GitHub comment holds at most
/// 65,536 characters): the head is always kept, then sections are filled in order, item by item,
/// and once an item does not fit, it and everything after it are left out and a note near the top
/// says how many of each were cut and where to find the rest.
///
/// Sizes are counted in UTF-8 bytes, never fewer than characters however they are counted, so the
/// document fits whichever way the limit is measured.
struct CappedMarkdown: Sendable {
    /// A list of items under a heading: the heading and footer are written only when an item is.
    struct Section: Sendable {
        /// What the items are, plural, for the note: `changes`, `unmanaged links`.
        var noun: String
        /// Written before the first item (a heading, a table header, an opening tag).
        var heading: String
        /// The items, in order; each ends with a newline.
        var items: [String]
        /// Written after the last item kept.
        var footer: String = ""
    }

    /// The default limit: under GitHub's 65,536 with room to spare.
    static let defaultLimit = 65_000
    /// Room kept for the note about what was cut.
    static let noteReserve = 1_000

    /// The largest document, in UTF-8 bytes.
    var limit: Int = defaultLimit
    /// Where the full output is, for the note: `the CI log or the JSON plan artifact`.
    var fullOutputHint: String

    /// The document: `head`, a note when something was cut, the sections, then `tail`; one final newline.
    func compose(head: String, sections: [Section], tail: String = "") -> String {
        var remaining = limit - head.utf8.count - tail.utf8.count - CappedMarkdown.noteReserve
        var body = ""
        var cuts: [(noun: String, shown: Int, total: Int)] = []
        var full = false
        for section in sections {
            var kept = 0
            if !full && !section.items.isEmpty {
                let frame = section.heading.utf8.count + section.footer.utf8.count
                var text = ""
                for item in section.items {
                    let size = item.utf8.count
                    guard frame + text.utf8.count + size <= remaining else {
                        full = true
                        break
                    }
                    text += item
                    kept += 1
                }
                if kept > 0 {
                    let written = section.heading + text + section.footer
                    body += written
                    remaining -= written.utf8.count
                }
            }
            if kept < section.items.count {
                cuts.append((section.noun, kept, section.items.count))
            }
        }
        var document = head + note(cuts) + body + tail
        while document.hasSuffix("\n\n") { document.removeLast() }
        return document
    }

    private func note(_ cuts: [(noun: String, shown: Int, total: Int)]) -> String {
        guard !cuts.isEmpty else { return "" }
        let parts = cuts.map { cut in
            "\(MarkdownText.number(cut.total - cut.shown)) of \(MarkdownText.number(cut.total)) \(cut.noun)"
        }
        let list = parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " and " + (parts.last ?? "")
        return "> [!NOTE]\n> This comment is cut to stay under GitHub's size limit: \(list) are not shown here. "
            + "See the full output in \(fullOutputHint).\n\n"
    }
}

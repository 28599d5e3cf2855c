import ODAGCore

/// Renders an ``ApplyReport``: as text, one line per change and a summary line, or as JSON.
///
/// Text marks each change `✓` (done), `✗` (failed) or `-` (not started), followed by its notes (a
/// `qseow` change re-applied over someone else's) and the server's warnings (Qlik's `feedback`), one
/// indented line each, server text escaped as everywhere. With `unicode` off the
/// marks are `ok`, `FAILED` and `-`, and the arrow before a new id is `->`, for logs and terminals
/// that cannot show UTF-8; the layout is otherwise the same. Colours (green, red, dim) are used only
/// when `color` is on.
///
/// ```
/// ✓ update "Finance drill" (0.12 s)
/// ✓ create "Sales detail" → id 6f0c… (0.31 s)
/// ✗ create "X": the server answered 400: name is empty
///     server warning: WARN: template app not found
/// - not started: delete "Old link" (id …)
/// Apply complete: 2 succeeded, 1 failed, 1 not started.
/// ```
public struct ApplyReportRenderer: Sendable {
    /// Whether to colour the marks with ANSI escape codes.
    public var color: Bool
    /// Whether to use `✓`, `✗` and `→`; otherwise ASCII (`ok`, `FAILED`, `->`).
    public var unicode: Bool

    /// Creates a renderer.
    public init(color: Bool = false, unicode: Bool = true) {
        self.color = color
        self.unicode = unicode
    }

    /// The report as text, ending with a newline.
    public func renderText(_ report: ApplyReport) -> String {
        let style = TerminalStyle(enabled: color)
        let arrow = unicode ? "→" : "->"
        var lines: [String] = []
        for result in report.results {
            let change = result.change
            var subject = change.action.rawValue + " " + quoted(change.name)
            let time = " (" + DisplayText.seconds(milliseconds: result.milliseconds) + ")"
            switch result.outcome {
            case .succeeded(let newId):
                if let newId { subject += " \(arrow) id " + DisplayText.sanitized(newId) }
                lines.append(style.green(unicode ? "✓" : "ok") + " " + subject + time)
            case .alreadyDone(let note, let newId):
                if let newId { subject += " \(arrow) id " + DisplayText.sanitized(newId) }
                lines.append(
                    style.green(unicode ? "✓" : "ok") + " " + subject + time + ": " + DisplayText.sanitized(note))
            case .failed(let message):
                if let id = change.id { subject += " (id " + DisplayText.sanitized(id) + ")" }
                lines.append(
                    style.red(unicode ? "✗" : "FAILED") + " " + subject + ": " + DisplayText.sanitized(message))
                if let deleted = result.deletedLink {
                    lines.append("    the deleted link, as it was: " + ApplyReportRenderer.deletedLinkText(deleted))
                }
            case .notStarted:
                if let id = change.id { subject += " (id " + DisplayText.sanitized(id) + ")" }
                lines.append(style.dim("- not started: " + subject))
            }
            lines += result.notes.map { "    note: " + DisplayText.sanitized($0) }
            lines += ApplyReportRenderer.shownWarnings(result).map {
                "    server warning: " + DisplayText.sanitized($0)
            }
        }
        lines.append(ApplyReportRenderer.summaryLine(report))
        return lines.joined(separator: "\n") + "\n"
    }

    /// A deleted link's live definition as one line of compact JSON, unsafe characters escaped.
    public static func deletedLinkText(_ link: JSONValue) -> String {
        SafeText.escaped(JSONWriter.string(link))
    }

    /// `Apply complete: 3 succeeded, 1 failed, 0 not started.`, or `Apply interrupted: …` with what
    /// to do next.
    public static func summaryLine(_ report: ApplyReport) -> String {
        let counts = "\(report.succeeded) succeeded, \(report.failed) failed, \(report.notStarted) not started"
        if report.interrupted {
            return "Apply interrupted: \(counts). Run apply again to finish."
        }
        return "Apply complete: \(counts)."
    }

    /// The report as JSON: `server`, `interrupted`, `summary` (`succeeded`, `failed`, `notStarted`)
    /// and `results`, each with `action`, `name`, `outcome` and `milliseconds`, and `id`, `newId` and
    /// `message` (the failure, or the note of an already-done change), `notes` and `warnings` (each
    /// `{infoType, content}` as the server sent it) when they apply.
    public func json(_ report: ApplyReport) -> JSONValue {
        let results = report.results.map { result -> JSONValue in
            var members: [String: JSONValue] = [
                "action": .string(result.change.action.rawValue),
                "name": .string(result.change.name),
                "outcome": .string(result.outcome.label),
                "milliseconds": .int(result.milliseconds),
            ]
            if let id = result.change.id { members["id"] = .string(id) }
            switch result.outcome {
            case .succeeded(let newId):
                if let newId { members["newId"] = .string(newId) }
            case .alreadyDone(let note, let newId):
                if let newId { members["newId"] = .string(newId) }
                members["message"] = .string(note)
            case .failed(let message):
                members["message"] = .string(message)
                if let deleted = result.deletedLink { members["deletedLink"] = deleted }
            case .notStarted:
                break
            }
            if !result.notes.isEmpty { members["notes"] = .array(result.notes.map(JSONValue.string)) }
            if !result.warnings.isEmpty { members["warnings"] = .array(result.warnings.map(Self.json)) }
            return .object(members)
        }
        return [
            "server": .string(report.server),
            "interrupted": .bool(report.interrupted),
            "summary": [
                "succeeded": .int(report.succeeded), "failed": .int(report.failed),
                "notStarted": .int(report.notStarted),
            ],
            "results": .array(results),
        ]
    }

    /// The report as GitHub-flavoured Markdown (a CI comment after apply), ending with a newline: the
    /// summary line as a heading, then one table row per change with its mark, action, name and
    /// result, its notes and the server's warnings in the same cell. Names and server text are
    /// escaped so they cannot break the table or inject HTML; past `limit` UTF-8 bytes rows are cut
    /// from the end and a note says how many.
    public func renderMarkdown(_ report: ApplyReport, limit: Int = 65_000) -> String {
        let head =
            "## odag-sync apply: " + MarkdownText.escape(ApplyReportRenderer.summaryLine(report)) + "\n\n"
            + "Server " + MarkdownText.code(report.server) + "\n\n"
        let rows = report.results.map { result -> String in
            let change = result.change
            var subject = MarkdownText.escape(change.name)
            if let id = change.id { subject += " " + MarkdownText.code(id) }
            let time = DisplayText.seconds(milliseconds: result.milliseconds)
            var cell: String
            let mark: String
            switch result.outcome {
            case .succeeded(let newId):
                mark = "✅"
                cell = "done, " + time + (newId.map { " → id " + MarkdownText.code($0) } ?? "")
            case .alreadyDone(let note, let newId):
                mark = "✅"
                cell =
                    "done, " + time + (newId.map { " → id " + MarkdownText.code($0) } ?? "") + ": "
                    + MarkdownText.escape(note)
            case .failed(let message):
                mark = "❌"
                cell = "failed: " + MarkdownText.escape(message)
            case .notStarted:
                mark = "➖"
                cell = "not started"
            }
            for note in result.notes { cell += "<br>note: " + MarkdownText.escape(note) }
            for warning in ApplyReportRenderer.shownWarnings(result) {
                cell += "<br>server warning: " + MarkdownText.escape(warning)
            }
            return "| \(mark) | \(change.action.rawValue) | \(subject) | \(cell) |\n"
        }
        let composer = CappedMarkdown(limit: limit, fullOutputHint: "the CI log or the JSON apply report")
        return composer.compose(
            head: head,
            sections: [
                CappedMarkdown.Section(
                    noun: "changes", heading: "| | Action | Link | Result |\n|---|---|---|---|\n", items: rows)
            ])
    }

    /// The warnings to show under a change: those its failure message does not already quote (a link
    /// left `incomplete` fails with Qlik's feedback in the message).
    static func shownWarnings(_ result: ChangeResult) -> [String] {
        let descriptions = result.warnings.map(\.description)
        guard case .failed(let message) = result.outcome else { return descriptions }
        return descriptions.filter { !message.contains($0) }
    }

    /// A `feedback` warning as JSON: `infoType` and `content`, each when the server sent it.
    static func json(_ warning: QseowFeedback) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if let infoType = warning.infoType { members["infoType"] = .string(infoType) }
        if let content = warning.content { members["content"] = .string(content) }
        return .object(members)
    }

    /// ``json(_:)`` as pretty, deterministic JSON text with a final newline.
    public func jsonText(_ report: ApplyReport) -> String {
        JSONWriter.string(
            json(report), pretty: true,
            leadingKeys: [
                "server", "interrupted", "summary", "succeeded", "failed", "notStarted", "action", "name", "id",
                "outcome",
                "newId", "message", "notes", "warnings", "infoType", "deletedLink",
            ])
            + "\n"
    }
}

import ODAGCore

/// Writes a ``ValidationReport`` for people (text) or programs (JSON).
public enum ValidationReportRenderer {
    /// One diagnostic per line, then a summary line: `2 errors in 1 of 3 files (12 links)` or
    /// `ok: 3 files, 12 links`. Ends with a newline.
    public static func text(_ report: ValidationReport) -> String {
        var lines = report.diagnostics.map(\.description)
        lines.append(summary(report))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary line alone.
    public static func summary(_ report: ValidationReport) -> String {
        let files = count(report.fileCount, "file")
        let links = count(report.linkCount, "link")
        let warnings = count(report.warningCount, "warning")
        if report.isValid {
            let base = "ok: \(files), \(links)"
            return report.warningCount == 0 ? base : base + " (\(warnings))"
        }
        var problems = count(report.errorCount, "error")
        if report.warningCount > 0 { problems += ", \(warnings)" }
        return "\(problems) in \(report.filesWithErrors) of \(files) (\(links))"
    }

    /// `{"valid", "files", "links", "diagnostics": [{"severity", "file", "line", "column", "path",
    /// "message"}]}`, pretty-printed with sorted keys and a final newline, so equal reports give equal bytes.
    /// `line` and `column` are `null` when unknown.
    public static func json(_ report: ValidationReport) -> String {
        JSONWriter.string(jsonValue(report), pretty: true) + "\n"
    }

    /// The JSON document ``json(_:)`` writes.
    public static func jsonValue(_ report: ValidationReport) -> JSONValue {
        let diagnostics: [JSONValue] = report.diagnostics.map { diagnostic in
            [
                "severity": .string(diagnostic.severity.rawValue),
                "file": .string(diagnostic.file),
                "line": diagnostic.location.map { .int($0.line) } ?? .null,
                "column": diagnostic.location.map { .int($0.column) } ?? .null,
                "path": .string(diagnostic.path),
                "message": .string(diagnostic.message),
            ]
        }
        return [
            "valid": .bool(report.isValid),
            "files": .int(report.fileCount),
            "links": .int(report.linkCount),
            "diagnostics": .array(diagnostics),
        ]
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}

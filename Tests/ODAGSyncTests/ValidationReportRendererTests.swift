import ODAGCore
import Testing

@testable import ODAGSync

@Suite struct ValidationReportRendererTests {
    static func report(_ diagnostics: [Diagnostic], files: [String] = ["a.json", "b.json", "c.json"], links: Int = 12)
        -> ValidationReport
    {
        ValidationReport(diagnostics: diagnostics, files: files, linkCount: links, configs: [], links: [])
    }

    static let error = Diagnostic.error(
        file: "b.json", location: .init(line: 3, column: 7), path: "links[0].id", #""x" is not a UUID"#)
    static let warning = Diagnostic.warning(
        file: "a.json", location: .init(line: 1, column: 11), path: "links", "empty")

    @Test func summaries() {
        #expect(ValidationReportRenderer.summary(Self.report([])) == "ok: 3 files, 12 links")
        #expect(ValidationReportRenderer.summary(Self.report([], files: ["a.json"], links: 1)) == "ok: 1 file, 1 link")
        #expect(ValidationReportRenderer.summary(Self.report([Self.warning])) == "ok: 3 files, 12 links (1 warning)")
        #expect(
            ValidationReportRenderer.summary(Self.report([Self.error, Self.error]))
                == "2 errors in 1 of 3 files (12 links)")
        #expect(
            ValidationReportRenderer.summary(Self.report([Self.warning, Self.error]))
                == "1 error, 1 warning in 1 of 3 files (12 links)")
    }

    @Test func textListsOneDiagnosticPerLine() {
        let text = ValidationReportRenderer.text(Self.report([Self.warning, Self.error]))
        #expect(
            text == """
                a.json:1:11: warning: links: empty
                b.json:3:7: links[0].id: "x" is not a UUID
                1 error, 1 warning in 1 of 3 files (12 links)

                """)
    }

    @Test func jsonIsDeterministicAndComplete() throws {
        let unplaced = Diagnostic.error(file: "nowhere", location: nil, "no such file or folder")
        let report = Self.report([Self.error, unplaced])
        let text = ValidationReportRenderer.json(report)
        #expect(text == ValidationReportRenderer.json(report))
        let value = try JSONParser.parse(text)
        #expect(value["valid"] == false)
        #expect(value["files"] == 3)
        #expect(value["links"] == 12)
        #expect(
            value["diagnostics"] == [
                [
                    "severity": "error", "file": "b.json", "line": 3, "column": 7, "path": "links[0].id",
                    "message": #""x" is not a UUID"#,
                ],
                [
                    "severity": "error", "file": "nowhere", "line": nil, "column": nil, "path": "",
                    "message": "no such file or folder",
                ],
            ])
    }
}

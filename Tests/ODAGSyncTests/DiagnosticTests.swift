import ODAGCore
import Testing

@testable import ODAGSync

@Suite struct DiagnosticTests {
    @Test func describesFileLocationPathAndMessage() {
        let diagnostic = Diagnostic.error(
            file: "path/to/file.json", location: .init(line: 12, column: 5), path: "links[3].templateAppId",
            #""abc" is not a UUID"#)
        #expect(diagnostic.description == #"path/to/file.json:12:5: links[3].templateAppId: "abc" is not a UUID"#)
    }

    @Test func leavesOutWhatIsUnknown() {
        #expect(
            Diagnostic.error(file: "a.json", location: nil, "cannot be read").description == "a.json: cannot be read")
        #expect(Diagnostic.error(file: "", location: nil, "no config").description == "no config")
        let warning = Diagnostic.warning(file: "a.json", location: .init(line: 1, column: 2), path: "links", "empty")
        #expect(warning.description == "a.json:1:2: warning: links: empty")
    }

    @Test func sortsByFileLineAndColumnAndDropsRepeats() {
        let b = Diagnostic.error(file: "b.json", location: .init(line: 1, column: 1), "x")
        let a2 = Diagnostic.error(file: "a.json", location: .init(line: 2, column: 1), "x")
        let a10 = Diagnostic.error(file: "a.json", location: .init(line: 10, column: 1), "x")
        let a1 = Diagnostic.error(file: "a.json", location: .init(line: 2, column: 0), "y")
        let none = Diagnostic.error(file: "a.json", location: nil, "z")
        #expect(Diagnostic.normalized([b, a10, a2, b, a1, none, a2]) == [none, a1, a2, a10, b])
    }
}

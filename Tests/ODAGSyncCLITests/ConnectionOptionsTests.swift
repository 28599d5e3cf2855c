import ODAGCore
import Testing

@testable import ODAGSyncCLI

/// Headers from lines and flags, never echoing a malformed one; secrets redacted from output.
@Suite struct ConnectionOptionsTests {
    @Test func headerLinesSkipBlanksAndCommentsAndAcceptCRLF() throws {
        var headers = HTTPFields()
        try ConnectionOptions.add(
            lines: "# comment\r\n\r\nX-Qlik-User: UserDirectory=CORP; UserId=svc\r\nX-B:  two \n", from: "f",
            to: &headers)
        #expect(headers.values(for: "X-Qlik-User") == ["UserDirectory=CORP; UserId=svc"])
        #expect(headers.values(for: "X-B") == ["two"])
    }

    @Test(arguments: [
        ("no colon at all hidden-value", "f is not a header: expected 'Name: value'"),
        ("bad name hidden-value: x", "f has no valid header name before ':'"),
        (": hidden-value", "f has no valid header name before ':'"),
        ("Ünïcode: hidden-value", "f has no valid header name before ':'"),
        ("X-Ok: hidden\u{1}value", "the value of header \"X-Ok\" in f holds a control character"),
    ])
    func aMalformedHeaderNeverShowsItsText(header: String, message: String) {
        var headers = HTTPFields()
        do {
            try ConnectionOptions.add(header: header, from: "f", to: &headers)
            Issue.record("accepted \(header)")
        } catch let error as CommandError {
            #expect(error.exitCode == .usage)
            #expect(error.description.hasPrefix(message), "\(error)")
            #expect(!error.description.contains("hidden"), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func redactionsReplaceLongSecretsInEverythingWritten() {
        let redactions = Redactions()
        redactions.add(["UserDirectory=CORP; UserId=svc", "short", "UserDirectory=CORP; UserId=svc2"])
        let sink = BufferSink()
        RedactingSink(inner: sink, redactions: redactions).write(
            "denied for UserDirectory=CORP; UserId=svc2 and UserDirectory=CORP; UserId=svc; short stays; CORP\\svc stays"
        )
        #expect(sink.text == "denied for <redacted> and <redacted>; short stays; CORP\\svc stays")
    }
}

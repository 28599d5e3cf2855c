import ODAGCore
import Testing

@testable import ODAGSyncCLI

/// The console escapes every message it writes, whatever its author did: the defence behind the renderers.
@Suite struct ConsoleTests {
    static let attack =
        "server said \u{1B}]52;c;cm0gLXJmIH4K\u{07}\u{1B}[2J\r\u{9B}1m\u{202E}\u{2066}\u{2028}\u{200B}\u{FEFF}\u{7F}"

    @Test func everyMessageIsEscapedButLineFeedsAndOwnColours() {
        let out = BufferSink()
        let err = BufferSink()
        var console = Console(standardOutput: out, standardError: err, colorErrors: true)
        console.verbose = true
        console.error(Self.attack + "\nsecond line", hint: Self.attack)
        console.warning(Self.attack)
        console.info(Self.attack)
        console.debug(Self.attack)
        console.message(Self.attack + "\n")
        let written = err.text
        #expect(
            written.contains(
                #"server said \u001b]52;c;cm0gLXJmIH4K\u0007\u001b[2J\u000d\u009b1m\u202e\u2066\u2028\u200b\ufeff\u007f"#
            ))
        #expect(written.contains("\nsecond line\n"), "line feeds stay line breaks")
        // The only escape sequences left are the console's own colours around its labels.
        let ownColours = written.replacing("\u{1B}[31m", with: "").replacing("\u{1B}[33m", with: "")
            .replacing("\u{1B}[36m", with: "").replacing("\u{1B}[0m", with: "")
        #expect(ownColours.unicodeScalars.allSatisfy { !SafeText.isUnsafe($0) || $0 == "\n" }, "\(ownColours)")
        #expect(out.text.isEmpty)
    }

    @Test func quietSilencesInfoButNotMessages() {
        let err = BufferSink()
        var console = Console(standardOutput: BufferSink(), standardError: err)
        console.quiet = true
        console.info("info")
        console.message("stale: x\n")
        #expect(err.text == "stale: x\n")
    }
}

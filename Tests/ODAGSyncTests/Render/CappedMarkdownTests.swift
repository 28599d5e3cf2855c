import Testing

@testable import ODAGSync

@Suite struct CappedMarkdownTests {
    static func section(_ noun: String, _ items: [String]) -> CappedMarkdown.Section {
        CappedMarkdown.Section(noun: noun, heading: "### \(noun)\n\n", items: items, footer: "\n")
    }

    @Test func keepsEverythingThatFitsWithoutANote() {
        let composer = CappedMarkdown(limit: 2_000, fullOutputHint: "the log")
        let text = composer.compose(head: "# T\n\n", sections: [Self.section("changes", ["a\n", "b\n"])])
        #expect(text == "# T\n\n### changes\n\na\nb\n")
    }

    @Test func dropsItemsFromTheEndAndEverythingAfterThem() {
        let composer = CappedMarkdown(limit: CappedMarkdown.noteReserve + 100, fullOutputHint: "the log")
        let items = (0..<10).map { "item \($0) " + String(repeating: "x", count: 10) + "\n" }
        let text = composer.compose(
            head: "# T\n\n", sections: [Self.section("changes", items), Self.section("unmanaged links", ["u\n"])])
        #expect(text.utf8.count <= CappedMarkdown.noteReserve + 100)
        #expect(text.contains("item 0 ") && !text.contains("item 9 "))
        #expect(!text.contains("### unmanaged links"), "a section with no item kept has no heading")
        #expect(text.contains("changes and 1 of 1 unmanaged links are not shown here. See the full output in the log."))
    }

    @Test func neverKeepsAnItemLargerThanTheRoomLeft() {
        let composer = CappedMarkdown(limit: CappedMarkdown.noteReserve + 50, fullOutputHint: "the log")
        let text = composer.compose(
            head: "", sections: [Self.section("changes", [String(repeating: "y", count: 500) + "\n", "small\n"])])
        #expect(!text.contains("yyy"))
        #expect(!text.contains("small"), "later items are not used to fill the gap, so what is shown is a prefix")
        #expect(text.contains("2 of 2 changes"))
    }

    @Test func countsBytesSoMultiByteTextStaysUnderTheLimit() {
        let composer = CappedMarkdown(limit: CappedMarkdown.noteReserve + 200, fullOutputHint: "the log")
        let items = (0..<100).map { _ in "éééééééééé\n" }
        let text = composer.compose(head: "", sections: [Self.section("changes", items)])
        #expect(text.utf8.count <= CappedMarkdown.noteReserve + 200)
    }

    @Test func groupsThousands() {
        #expect(DisplayText.grouped(0) == "0")
        #expect(DisplayText.grouped(999) == "999")
        #expect(DisplayText.grouped(1_000) == "1,000")
        #expect(DisplayText.grouped(1_234_567) == "1,234,567")
        #expect(DisplayText.grouped(-4_500) == "-4,500")
    }
}

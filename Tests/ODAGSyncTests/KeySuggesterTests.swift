import Testing

@testable import ODAGSync

@Suite struct KeySuggesterTests {
    @Test(arguments: [
        ("templateAppID", "templateAppId"), ("propertes", "properties"), ("selectionappid", "selectionAppId"),
        ("nmae", "name"), ("rowEstExp", "rowEstExpr"), ("ignor", "ignore"),
    ])
    func suggestsTheClosestKey(typo: String, expected: String) {
        let keys = ManifestSchema.linkKeys + ManifestSchema.propertyKeys
        #expect(KeySuggester.suggestion(for: typo, among: keys) == expected)
    }

    @Test func suggestsNothingForUnrelatedWords() {
        #expect(KeySuggester.suggestion(for: "comment", among: ManifestSchema.linkKeys) == nil)
        #expect(KeySuggester.suggestion(for: "x", among: ["links"]) == nil)
        #expect(KeySuggester.suggestion(for: "", among: ["id"]) == nil)
    }

    @Test func caseChangesCostLessThanEdits() {
        #expect(KeySuggester.distance(Array("maxage".unicodeScalars), Array("maxAge".unicodeScalars)) == 1)
        #expect(KeySuggester.distance(Array("maxAgx".unicodeScalars), Array("maxAge".unicodeScalars)) == 2)
    }
}

import Testing

@testable import ODAGSync

@Suite struct NameKeyTests {
    @Test func keysAreEqualExactlyWhenTheNamesAre() {
        let names = ["Sales", "sales", "Sales ", "", "Caf\u{E9}", "Cafe\u{301}", "A rather long name over 15 bytes"]
        for a in names {
            for b in names {
                let exactlyEqual = Array(a.unicodeScalars) == Array(b.unicodeScalars)
                #expect((NameKey(a) == NameKey(b)) == exactlyEqual, "\(a) \(b)")
            }
        }
        let table = [NameKey("Caf\u{E9}"): 1]
        #expect(table[NameKey("Cafe\u{301}")] == nil, "canonically equivalent names are different names")
        #expect(table[NameKey("Caf\u{E9}")] == 1)
    }
}

import ODAGCore
import ODAGTestSupport
import Testing

@testable import ODAGSync

@Suite struct LinkIdKeyTests {
    @Test func uuidsAreKeyedByTheirBitsInEitherCase() {
        let key = LinkIdKey("0123abcd-4567-89ef-ABCD-0123456789aB")
        #expect(key == .uuid(high: 0x0123_abcd_4567_89ef, low: 0xabcd_0123_4567_89ab))
        #expect(key == LinkIdKey("0123ABCD-4567-89EF-abcd-0123456789ab"))
        #expect(key != LinkIdKey("0123abcd-4567-89ef-abcd-0123456789ac"))
    }

    @Test func anythingElseIsKeyedByItsLowercasedText() {
        for text in [
            "", "not-a-uuid", "0123abcd-4567-89ef-abcd-0123456789a", "0123abcd-4567-89ef-abcd-0123456789abc",
            "0123abcd_4567-89ef-abcd-0123456789ab", "0123abcd-4567-89ef-abcd-0123456789ag",
            "0123abcd-4567-89ef-abcd-0123456789\u{212A}",
        ] {
            #expect(LinkIdKey(text) == .text(text.lowercased()), "\(text)")
        }
        #expect(LinkIdKey("Caf\u{E9}") == LinkIdKey("CAFE\u{301}"))
    }

    @Test func keysAreEqualExactlyWhenTheLowercasedIdsAre() {
        var random = SeededRandom.generator(seed: 7)
        let ids =
            (0..<20).map { _ in ODAGUUID.random(using: &random) }.flatMap { [$0, $0.uppercased()] }
            + ["x", "X", "0123abcd-4567-89ef-abcd-0123456789a"]
        for a in ids {
            for b in ids {
                #expect((LinkIdKey(a) == LinkIdKey(b)) == (a.lowercased() == b.lowercased()), "\(a) \(b)")
            }
        }
    }
}

import Testing

@testable import ODAGClient

@Suite("Xrfkey")
struct XrfkeyTests {
    @Test("keys are 16 letters and digits, and vary")
    func form() {
        let random = RandomSource.seeded(3)
        let keys = (0..<200).map { _ in Xrfkey.generate(using: random) }
        #expect(keys.allSatisfy(Xrfkey.isValid))
        #expect(keys.allSatisfy { $0.count == 16 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        #expect(Set(keys).count == 200)
        let all = Set(keys.joined())
        #expect(all.count > 55)
    }

    @Test("validation")
    func validation() {
        #expect(Xrfkey.isValid("abcdefghijklmnop"))
        #expect(!Xrfkey.isValid("abcdefghijklmno"))
        #expect(!Xrfkey.isValid("abcdefghijklmno!"))
    }
}

import Testing

@testable import ODAGClient

@Suite("RandomSource")
struct RandomSourceTests {
    @Test("a seeded source repeats; different seeds differ")
    func seeded() {
        let a = RandomSource.seeded(5)
        let b = RandomSource.seeded(5)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in RandomSource.seeded(6).next() })
    }

    @Test("bounded values stay in range; the unit interval is [0, 1)")
    func ranges() {
        let source = RandomSource.seeded(1)
        for _ in 0..<1000 {
            #expect(source.next(below: 62) < 62)
            let unit = source.unitInterval()
            #expect(unit >= 0 && unit < 1)
        }
        #expect(source.next(below: 1) == 0)
        #expect(RandomSource { UInt64.max }.unitInterval() < 1)
    }
}

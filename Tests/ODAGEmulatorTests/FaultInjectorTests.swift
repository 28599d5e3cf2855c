import Testing

@testable import ODAGEmulator

@Suite struct FaultInjectorTests {
    func decisions(_ injector: FaultInjector, _ count: Int) -> [FaultInjector.Decision] {
        (0..<count).map { _ in injector.next() }
    }

    @Test func theSameSeedGivesTheSameFaults() {
        let first = decisions(FaultInjector(failRate: 0.3, dropRate: 0.3, seed: 99), 200)
        #expect(first == decisions(FaultInjector(failRate: 0.3, dropRate: 0.3, seed: 99), 200))
        #expect(first != decisions(FaultInjector(failRate: 0.3, dropRate: 0.3, seed: 100), 200))
    }

    @Test func ratesAreRoughlyHonouredAndNeverBoth() {
        let all = decisions(FaultInjector(failRate: 0.25, dropRate: 0.5, seed: 5), 10_000)
        let fails = all.filter(\.fail).count
        let drops = all.filter(\.drop).count
        #expect((2_200...2_800).contains(fails))
        // Drops are drawn among the requests that did not fail: 0.75 × 0.5.
        #expect((3_400...4_100).contains(drops))
        #expect(!all.contains { $0.fail && $0.drop })
    }

    @Test func zeroAndOneRates() {
        #expect(decisions(FaultInjector(failRate: 0, dropRate: 0, seed: 1), 100).allSatisfy { !$0.fail && !$0.drop })
        #expect(decisions(FaultInjector(failRate: 1, dropRate: 0, seed: 1), 100).allSatisfy { $0.fail })
        #expect(decisions(FaultInjector(failRate: 0, dropRate: 1, seed: 1), 100).allSatisfy { $0.drop })
    }
}

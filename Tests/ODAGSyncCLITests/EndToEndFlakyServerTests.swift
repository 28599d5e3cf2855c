import Foundation
import ODAGCore
import Testing

/// `apply` against an emulator that fails a quarter of the requests (503) and loses the answer to
/// another quarter: a failed change exits 1, running again converges, and no link is ever made twice.
@Suite struct EndToEndFlakyServerTests {
    @Test(arguments: [3, 11] as [UInt64]) func applyConvergesWithoutDuplicates(seed: UInt64) async throws {
        let server = try TestEmulator(links: Scenario.liveLinks) {
            $0.failRate = 0.25
            $0.dropRate = 0.25
            $0.seed = seed
            $0.retryAfterSeconds = 0
        }
        let project = try TemporaryFolder(prefix: "flaky")
        defer { project.remove() }
        let declared = Scenario.declaredLinks + (1...8).map { E2E.declared("Sales extra \($0)") }
        try project.write("links/sales.json", E2E.manifest(declared))
        // The client notices a dropped answer at once; the timeout is only a hang guard, long enough for a
        // starved machine (a short one would turn slow answers into lost ones).
        let arguments = ["apply", "--server", server.url, "--auto-approve", "--prune", "--timeout", "60", "links"]
        var codes: [Int32] = []
        for _ in 1...2 {
            let run = await InProcess.run(arguments, in: project.root)
            codes.append(run.code)
            #expect(run.code == 0 || run.code == 1, "\(run)")
            let names = try server.names()
            #expect(Set(names).count == names.count, "a duplicate link: \(names)")
            if run.code == 0 { break }
        }
        #expect(codes.last == 0, "not converged after two applies: \(codes)")
        let plan = await InProcess.run(
            ["plan", "--server", server.url, "--prune", "--timeout", "60", "--detailed-exitcode", "links"],
            in: project.root)
        #expect(plan.code == 0, "\(plan)")
        #expect(try server.names() == declared.compactMap { $0["name"]?.stringValue }.sorted())
    }
}

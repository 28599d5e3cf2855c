import Foundation
import ODAGCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C during apply: no new change starts, running ones finish, the report says what was done,
/// and running apply again converges.
@Suite struct EndToEndInterruptTests {
    @Test func interruptedApplyReportsWhatWasDoneAndARerunConverges() async throws {
        let server = try TestEmulator { $0.latencyMs = 150 }
        let project = try TemporaryFolder(prefix: "interrupt")
        defer { project.remove() }
        // Enough changes (150 ms each, one at a time: 18 s in all) that the interrupt lands mid-run even when
        // this test process is starved of CPU for seconds by the rest of the suite; an interrupted run stops early.
        let count = 120
        try project.write("links/sales.json", E2E.manifest((1...count).map { E2E.declared("Sales \($0)") }))

        let apply = try ChildProcess(
            OdagSyncBinary.path,
            ["apply", "--server", server.url, "--auto-approve", "--parallelism", "1", "links"],
            environment: OdagSyncBinary.environment(), directory: project.root)
        try await apply.waitFor("the first progress line", timeout: .seconds(60)) { $0.stderr.contains("[1/\(count)]") }
        let code = try await apply.stop(signal: SIGINT, timeout: .seconds(30))
        #expect(code == 1, "stdout: \(apply.stdout)\nstderr: \(apply.stderr)")
        #expect(apply.stderr.contains("Interrupted"), "\(apply.stderr)")
        #expect(apply.stdout.contains("not started"), "the report lists what was not started: \(apply.stdout)")
        let made = try server.names()
        #expect(made.count >= 1 && made.count < count, "\(made)")

        let rerun = try await OdagSyncBinary.run(
            ["apply", "--server", server.url, "--auto-approve", "links"], in: project.root)
        #expect(rerun.code == 0, "\(rerun)")
        let names = try server.names()
        #expect(names.count == count && Set(names).count == count, "\(names)")
    }
}

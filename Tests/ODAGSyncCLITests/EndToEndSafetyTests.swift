import Foundation
import ODAGCore
import Testing

/// Replaces that fail halfway, safety limits, tampering that drift must report, and server text that
/// must not reach a terminal raw: the built binary against an emulator over real HTTP.
@Suite struct EndToEndSafetyTests {
    /// Longer than the emulator below accepts as a request body.
    static let longExpression = "Sum([" + String(repeating: "Order Count ", count: 80) + "])"

    /// `declaration` with an `id`.
    static func pinned(_ declaration: JSONValue, to id: String) -> JSONValue {
        var members = declaration.objectValue ?? [:]
        members["id"] = .string(id)
        return .object(members)
    }

    @Test func aReplaceWhoseCreateIsRejectedPrintsTheDeletedLinkAndTheNextApplyRecreatesIt() async throws {
        let live = E2E.live(
            1, "Sales big", template: E2E.otherTemplateApp,
            properties: ["rowEstExpr": .string(Self.longExpression), "menuLabel": "kept only on the server"])
        // A strict server: any request body over 600 bytes is refused (413), so the create of the
        // replace fails after its delete went through.
        let strict = try TestEmulator(links: [live]) { $0.maxBodyBytes = 600 }
        let project = try TemporaryFolder(prefix: "replace")
        defer { project.remove() }
        try project.write(
            "links/sales.json",
            E2E.manifest([E2E.declared("Sales big", properties: ["rowEstExpr": .string(Self.longExpression)])]))

        let run = try await OdagSyncBinary.run(
            ["apply", "--server", strict.url, "--auto-approve", "--output", "json", "links"], in: project.root)
        #expect(run.code == 1, "\(run)")
        #expect(try strict.links().isEmpty, "the delete went through")
        #expect(
            run.stderr.contains("\"Sales big\" (id \(E2E.id(1))) was deleted and not created again"), "\(run.stderr)")
        #expect(
            run.stderr.contains("\"menuLabel\": \"kept only on the server\""), "the whole definition: \(run.stderr)")
        #expect(run.stderr.contains("run apply again"), "\(run.stderr)")
        let report = try #require(E2E.json(run.stdout), "\(run.stdout)")
        let result = try #require(report["results"]?.arrayValue?.first)
        #expect(result["outcome"] == "failed")
        #expect(result["deletedLink"]?["id"]?.stringValue == E2E.id(1))
        #expect(result["deletedLink"]?["properties"]?["menuLabel"] == "kept only on the server")

        // The same state behind a server that accepts the body: the next apply creates the link again.
        let lenient = try TestEmulator(links: try strict.links())
        let again = try await OdagSyncBinary.run(
            ["apply", "--server", lenient.url, "--auto-approve", "links"], in: project.root)
        #expect(again.code == 0, "\(again)")
        #expect(again.stdout.contains("create \"Sales big\""), "\(again.stdout)")
        let recreated = try #require(try lenient.linksByName()["Sales big"])
        #expect(recreated["templateAppId"]?.stringValue == E2E.templateApp)
        #expect(recreated["id"]?.stringValue != E2E.id(1), "a new id")
    }

    @Test func replacesCountAgainstTheDeleteLimits() async throws {
        let live = (1...12).map { E2E.live($0, "Sales \($0)", template: E2E.otherTemplateApp) }
        let server = try TestEmulator(links: live)
        let project = try TemporaryFolder(prefix: "replace")
        defer { project.remove() }
        try project.write("links/sales.json", E2E.manifest((1...12).map { E2E.declared("Sales \($0)") }))
        let before = try server.links()
        let run = try await OdagSyncBinary.run(
            ["apply", "--server", server.url, "--auto-approve", "links"], in: project.root)
        #expect(run.code == 3, "\(run)")
        #expect(run.stderr.contains("the plan deletes 12 of 12 links in scope (12 of them replaced"), "\(run.stderr)")
        #expect(try server.links() == before, "nothing was deleted")
        #expect(run.stdout.contains("with a new id"), "the plan says the links get new ids: \(run.stdout)")
        let forced = try await OdagSyncBinary.run(
            ["apply", "--server", server.url, "--auto-approve", "--force-deletes", "links"], in: project.root)
        #expect(forced.code == 0, "\(forced)")
    }

    @Test func pruningWithEmptyManifestsIsRefusedBeforeAnyPlanIsPrinted() async throws {
        let server = try TestEmulator(links: (1...3).map { E2E.live($0, "Sales \($0)") })
        let project = try TemporaryFolder(prefix: "prune")
        defer { project.remove() }
        try project.write("links/empty.json", E2E.manifest([]))
        for arguments in [
            ["plan", "--server", server.url, "--prune", "--out", "p.json", "links"],
            ["apply", "--server", server.url, "--prune", "--auto-approve", "links"],
        ] {
            let run = try await OdagSyncBinary.run(arguments, in: project.root)
            #expect(run.code == 3, "\(run)")
            #expect(run.stdout.isEmpty, "no plan is printed: \(run.stdout)")
            #expect(run.stderr.contains("pruning with manifests that declare no links is always refused"))
        }
        #expect(!FileManager.default.fileExists(atPath: project.path("p.json")), "no plan is saved")
        #expect(try server.links().count == 3)
    }

    @Test func aPinnedLinkChangedOrMovedOutOfScopeIsDrift() async throws {
        let server = try TestEmulator(links: [
            E2E.live(1, "Sales pinned", template: E2E.otherTemplateApp),
            E2E.live(2, "Sales moved", owner: "CORP\\jdoe"),
            E2E.live(3, "Sales fine"),
        ])
        let project = try TemporaryFolder(prefix: "drift")
        defer { project.remove() }
        try project.write("odag-sync.json", #"{"manifests": ["links"], "scope": {"owners": ["CORP\\svc_odag"]}}"#)
        let pinned = Self.pinned(E2E.declared("Sales pinned"), to: E2E.id(1))
        let moved = Self.pinned(E2E.declared("Sales moved"), to: E2E.id(2))
        try project.write("links/sales.json", E2E.manifest([pinned, moved, E2E.declared("Sales fine")]))

        let text = try await OdagSyncBinary.run(["drift", "--server", server.url], in: project.root)
        #expect(text.code == 2, "\(text)")
        #expect(!text.stdout.contains("No drift"), "\(text.stdout)")
        #expect(text.stdout.contains("Drift: 0 missing, 2 changed, 0 unmanaged, 0 ambiguous."), "\(text.stdout)")
        let metrics = try await OdagSyncBinary.run(
            ["drift", "--server", server.url, "--output", "prometheus"], in: project.root)
        #expect(metrics.code == 2, "\(metrics)")
        let samples = try PrometheusText(metrics.stdout)
        #expect(samples.value("odag_sync_drift_detected") == 1)
        #expect(samples.value("odag_sync_last_run_success") == 1)
    }

    @Test func aCheckThatCannotFinishIsAFailedRun() async throws {
        let server = try TestEmulator(links: [E2E.live(1, "Sales A")])
        let project = try TemporaryFolder(prefix: "drift")
        defer { project.remove() }
        try project.write("links/sales.json", E2E.manifest([E2E.declared("Sales A")]))
        let run = try await OdagSyncBinary.run(
            ["drift", "--server", server.url, "--output", "prometheus", "--target", "Nowhere", "links"],
            in: project.root)
        #expect(run.code == 1, "\(run)")
        let samples = try PrometheusText(run.stdout)
        #expect(samples.value("odag_sync_last_run_success") == 0)
    }

    @Test func hostileLiveTextNeverReachesTheTerminalRaw() async throws {
        let hostile = "CORP\\x\u{1B}]52;c;cm0gLXJmIH4K\u{07}\u{1B}[2J\u{9B}31m\u{202E}\u{2028}\u{200B}@octocat"
        let server = try TestEmulator(links: [
            E2E.live(1, "Sales " + hostile, owner: hostile), E2E.live(2, "Sales pinned", owner: hostile),
        ])
        let project = try TemporaryFolder(prefix: "hostile")
        defer { project.remove() }
        try project.write("odag-sync.json", #"{"manifests": ["links"], "scope": {"owners": ["CORP\\svc_odag"]}}"#)
        let pinned = Self.pinned(E2E.declared("Sales pinned"), to: E2E.id(2))
        try project.write("links/sales.json", E2E.manifest([pinned]))
        for arguments in [
            ["drift"], ["drift", "--output", "markdown"], ["drift", "--output", "prometheus"], ["plan"],
            ["plan", "--output", "markdown"],
        ] {
            let run = try await OdagSyncBinary.run(arguments + ["--server", server.url], in: project.root)
            #expect(run.code != 0, "\(arguments): \(run)")
            if !arguments.contains("prometheus") {
                #expect(
                    run.stdout.contains("x\\u001b]52;c;") || run.stdout.contains("x&#92;u001b"),
                    "the owner is shown, escaped: \(arguments): \(run)")
            }
            for (stream, text) in [("stdout", run.stdout), ("stderr", run.stderr)] {
                let bad = text.unicodeScalars.filter { SafeText.isUnsafe($0) && $0 != "\n" }
                #expect(bad.isEmpty, "\(arguments) \(stream): \(bad.map { String($0.value, radix: 16) })")
            }
        }
    }
}

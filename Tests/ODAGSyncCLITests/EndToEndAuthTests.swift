import Foundation
import ODAGCore
import Testing

/// Authentication against an emulator that requires it, and that no secret is ever printed or saved.
@Suite struct EndToEndAuthTests {
    static let token = "tok-\(UUID().uuidString)-SECRET"

    static func tokenServer() throws -> (TestEmulator, TemporaryFolder) {
        let server = try TestEmulator(links: Scenario.liveLinks) { $0.requireToken = token }
        let project = try TemporaryFolder(prefix: "auth")
        try project.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        try project.write("token.txt", token + "\n")
        try project.write("wrong.txt", "not-the-token\n")
        return (server, project)
    }

    @Test func tokenFileIsSentAndNeverShown() async throws {
        let (server, project) = try Self.tokenServer()
        defer { project.remove() }
        var outputs: [String] = []

        let plan = await InProcess.run(
            [
                "plan", "--server", server.url, "--token-file", "token.txt", "--verbose", "--out", "p.plan.json",
                "links",
            ],
            in: project.root)
        #expect(plan.code == 0, "\(plan)")
        #expect(plan.stderr.contains("http: "), "--verbose logs requests: \(plan.stderr)")
        #expect(plan.stderr.contains("transport: libcurl/"), "\(plan.stderr)")
        #expect(plan.stderr.contains("(HTTP/1.1, http)"), "\(plan.stderr)")
        #expect(!plan.stderr.contains("plain http,"), "no clear-text warning for this machine: \(plan.stderr)")
        outputs += [plan.stdout, plan.stderr, project.read("p.plan.json")]

        let apply = await InProcess.run(
            ["apply", "p.plan.json", "--server", server.url, "--token-file", "token.txt", "--verbose"],
            in: project.root)
        #expect(apply.code == 0, "\(apply)")
        outputs += [apply.stdout, apply.stderr]
        #expect(try server.linksByName()["Sales D"] != nil, "the apply really happened")

        let drift = await InProcess.run(
            ["drift", "--server", server.url, "--verbose", "--output", "json", "--report", "d.json", "links"],
            in: project.root, environment: ["ODAG_TOKEN": Self.token])
        #expect(drift.code == 2, "ODAG_TOKEN works too: \(drift)")
        outputs += [drift.stdout, drift.stderr, project.read("d.json")]

        let export = await InProcess.run(
            ["export", "--server", server.url, "--token-file", "token.txt", "--verbose"], in: project.root)
        #expect(export.code == 0, "\(export)")
        outputs += [export.stdout, export.stderr]

        for (index, text) in outputs.enumerated() {
            #expect(!text.contains(Self.token), "output \(index) shows the token")
            #expect(!text.contains("Bearer tok-"), "output \(index) shows the auth header")
        }
    }

    @Test func aProxyVariableIsHonouredUnlessNoProxyExcludesTheHost() async throws {
        let (server, project) = try Self.tokenServer()
        defer { project.remove() }
        // The emulator answers absolute-form requests, so it can stand in for the proxy itself.
        let proxy = server.url.replacingOccurrences(of: "/api/odag/v1", with: "")
        let proxied = try await OdagSyncBinary.run(
            ["plan", "--server", server.url, "--token-file", "token.txt", "links"], in: project.root,
            environment: ["http_proxy": proxy])
        #expect(proxied.code == 0, "\(proxied)")
        // A proxy that refuses connections: the request fails there, so the variable is really read.
        let refused = try await OdagSyncBinary.run(
            ["plan", "--server", server.url, "--token-file", "token.txt", "links"],
            in: project.root, environment: ["http_proxy": "http://127.0.0.1:1"])
        #expect(refused.code == 1, "\(refused)")
        #expect(refused.stderr.contains("port 1"), "names the proxy: \(refused.stderr)")
        let excluded = try await OdagSyncBinary.run(
            ["plan", "--server", server.url, "--token-file", "token.txt", "links"], in: project.root,
            environment: ["http_proxy": "http://127.0.0.1:1", "no_proxy": "localhost,127.0.0.1"])
        #expect(excluded.code == 0, "\(excluded)")
        // The same plan either way (its first line carries the time it was made).
        #expect(proxied.stdout.split(separator: "\n").dropFirst() == excluded.stdout.split(separator: "\n").dropFirst())
    }

    @Test func missingOrWrongTokenExits1WithAnAuthenticationHint() async throws {
        let (server, project) = try Self.tokenServer()
        defer { project.remove() }
        let before = try server.links()
        let missing = await InProcess.run(["plan", "--server", server.url, "links"], in: project.root)
        #expect(missing.code == 1, "\(missing)")
        #expect(missing.stderr.lowercased().contains("authentication"), "\(missing.stderr)")
        #expect(missing.stderr.contains("--token-file"), "says how to fix it: \(missing.stderr)")

        let wrong = await InProcess.run(
            ["apply", "--server", server.url, "--token-file", "wrong.txt", "--auto-approve", "--verbose", "links"],
            in: project.root)
        #expect(wrong.code == 1, "\(wrong)")
        #expect(!wrong.stderr.contains("not-the-token") && !wrong.stdout.contains("not-the-token"), "\(wrong.stderr)")
        #expect(try server.links() == before, "nothing was applied")

        let unreadable = await InProcess.run(
            ["plan", "--server", server.url, "--token-file", "nope.txt", "links"], in: project.root)
        #expect(unreadable.code == 1, "\(unreadable)")
        #expect(unreadable.stderr.contains("nope.txt"))
    }

    @Test func aVirtualProxyLoginPageIsNamedAndTheHeaderGetsThrough() async throws {
        let server = try TestEmulator(links: Scenario.liveLinks) { $0.requireHeader = "X-Qlik-User" }
        let project = try TemporaryFolder(prefix: "auth")
        defer { project.remove() }
        try project.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        let refused = await InProcess.run(["plan", "--server", server.url, "links"], in: project.root)
        #expect(refused.code == 1, "\(refused)")
        let message = refused.stderr.lowercased()
        #expect(
            message.contains("login") || message.contains("html") || message.contains("redirect"), "\(refused.stderr)")
        let accepted = await InProcess.run(
            [
                "apply", "--server", server.url, "--header", "X-Qlik-User: UserDirectory=CORP; UserId=svc_odag",
                "--auto-approve", "links",
            ],
            in: project.root)
        #expect(accepted.code == 0, "\(accepted)")
        #expect(
            try server.linksByName()["Sales D"]?["owner"]?.stringValue == "CORP\\svc_odag",
            "the owner comes from X-Qlik-User")
    }

    @Test func aFailingServerExits1() async throws {
        // Every request is answered 503: the client retries, then gives up with the server's message.
        let server = try TestEmulator(links: Scenario.liveLinks) {
            $0.failRate = 1
            $0.retryAfterSeconds = 0
        }
        let project = try TemporaryFolder(prefix: "failing")
        defer { project.remove() }
        try project.write("links/sales.json", E2E.manifest(Scenario.declaredLinks))
        let run = await InProcess.run(
            ["apply", "--server", server.url, "--auto-approve", "links"], in: project.root)
        #expect(run.code == 1, "\(run)")
        #expect(run.stderr.contains("503") || run.stderr.contains("unavailable"), "quotes the server: \(run.stderr)")
    }

    @Test func insecureIsWarnedAndTheTokenIsNeverShown() async throws {
        let (server, project) = try Self.tokenServer()
        defer { project.remove() }
        let run = await InProcess.run(
            [
                "apply", "--server", server.url, "--insecure", "--token-file", "token.txt", "--auto-approve",
                "--verbose", "links",
            ],
            in: project.root)
        #expect(run.code == 0, "\(run)")
        #expect(run.stderr.contains("warning: --insecure"), "\(run.stderr)")
        #expect(!run.stdout.contains(Self.token) && !run.stderr.contains(Self.token))
        try EndToEndApplyTests.expectConverged(Scenario(server: server, project: project))
        let missing = await InProcess.run(
            ["plan", "--server", server.url, "--ca-cert", "no-such-ca.pem", "links"], in: project.root)
        #expect(missing.code == 1, "\(missing)")
        #expect(missing.stderr.contains("no-such-ca.pem"))
    }
}

import Foundation
import ODAGCore
import ODAGEmulator
import Synchronization
import Testing

@testable import ODAGSyncCLI

/// A loopback HTTP server that records each request's headers and answers 403, echoing the `X-Qlik-User`
/// it was sent, as a server behind a header-authenticated virtual proxy might.
final class RecordingServer: Sendable {
    private final class Log: Sendable {
        let entries = Mutex<[HTTPFields]>([])
    }

    private let log = Log()
    let server: HTTPServer
    var url: String { "http://127.0.0.1:\(server.port)/api/odag/v1" }

    init() throws {
        let log = self.log
        server = try HTTPServer { request in
            log.entries.withLock { $0.append(request.headers) }
            let user = request.headers.values(for: "X-Qlik-User").first ?? "nobody"
            return HTTPServer.errorResponse(status: 403, message: "access denied for \(user)")
        }
    }

    /// The headers of each request received, in order.
    var requests: [HTTPFields] { log.entries.withLock { $0 } }

    deinit { server.stop() }
}

/// Trust comes from outside the repository: no credential reaches a manifest, a plan or a server named
/// only by the repository's files.
@Suite struct EndToEndTrustTests {
    static let token = "tok-\(UUID().uuidString)-SECRET"
    static let user = "UserDirectory=CORP; UserId=svc_odag"

    static func project(config: String? = nil, links: [JSONValue] = Scenario.declaredLinks) throws -> TemporaryFolder {
        let project = try TemporaryFolder(prefix: "trust")
        try project.write("links/sales.json", E2E.manifest(links))
        try project.write("token.txt", token + "\n")
        if let config { try project.write("odag-sync.json", config) }
        return project
    }

    // MARK: Secrets in manifests and the config

    @Test(arguments: ["text", "json", "markdown"])
    func aTokenInALinkNameIsAValidationErrorAndIsInNoOutput(format: String) async throws {
        let server = try TestEmulator(links: Scenario.liveLinks) { $0.requireToken = Self.token }
        let project = try Self.project(links: [
            E2E.declared("Sales ${env:ODAG_TOKEN}"),
            E2E.declared("Sales B", properties: ["rowEstExpr": "${env:COPY}"]),
        ])
        defer {
            project.remove()
            server.stop()
        }
        let run = await CapturedRun.run(
            ["plan", "--server", server.url, "--output", format, "--out", "p.plan.json", "links"],
            environment: ["ODAG_TOKEN": Self.token, "COPY": "=" + Self.token], directory: project.root)
        #expect(run.code == .failure, "\(run)")
        #expect(
            run.stderr.contains(
                #"links/sales.json:4:15: links[0].name: "${env:ODAG_TOKEN}" names ODAG_TOKEN, which holds a credential"#
            ),
            "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "links/sales.json:14:23: links[1].properties.rowEstExpr: expands to a value that holds a credential given to odag-sync"
            ), "\(run.stderr)")
        #expect(!project.exists("p.plan.json"), "no plan file is written")
        for text in [run.stdout, run.stderr] { #expect(!text.contains(Self.token)) }
    }

    @Test func aTokenFileValueInAManifestOrTheConfigIsAnErrorThatNeverShowsIt() async throws {
        let server = try TestEmulator(links: Scenario.liveLinks) { $0.requireToken = Self.token }
        let config = """
            {"manifests": ["links"], "variables": {"t": "\(Self.token)"}}
            """
        let project = try Self.project(config: config, links: [E2E.declared("Sales ${t}")])
        defer {
            project.remove()
            server.stop()
        }
        let run = await CapturedRun.run(
            ["plan", "--server", server.url, "--token-file", "token.txt", "--out", "p.plan.json"],
            directory: project.root)
        #expect(run.code == .failure, "\(run)")
        #expect(
            run.stderr.contains("odag-sync.json:1:45: variables.t: holds a credential given to odag-sync"),
            "\(run.stderr)")
        #expect(
            run.stderr.contains("links/sales.json:4:15: links[0].name: expands to a value that holds a credential"),
            "\(run.stderr)")
        #expect(!run.stderr.contains(Self.token) && !run.stdout.contains(Self.token))
        #expect(!project.exists("p.plan.json"))
        // Without the token the same project is fine to validate: only credentials are refused.
        let validate = await CapturedRun.run(["validate"], directory: project.root)
        #expect(validate.code == .success, "\(validate)")
        let withEnvironmentToken = await CapturedRun.run(
            ["validate"], environment: ["ODAG_TOKEN": Self.token], directory: project.root)
        #expect(withEnvironmentToken.code == .failure, "validate knows ODAG_TOKEN: \(withEnvironmentToken)")
        #expect(!withEnvironmentToken.stderr.contains(Self.token))
    }

    @Test func aHeaderValueInAManifestIsAnError() async throws {
        let recorder = try RecordingServer()
        let project = try Self.project(links: [E2E.declared("Sales A", properties: ["rowEstExpr": .string(Self.user)])])
        defer { project.remove() }
        let run = await CapturedRun.run(
            ["plan", "--server", recorder.url, "--header", "X-Qlik-User: \(Self.user)", "links"],
            directory: project.root)
        #expect(run.code == .failure, "\(run)")
        #expect(run.stderr.contains("links[0].properties.rowEstExpr: holds a credential"), "\(run.stderr)")
        #expect(!run.stderr.contains(Self.user))
        #expect(recorder.requests.isEmpty, "the project is checked before anything is sent")
    }

    // MARK: Which server gets credentials

    @Test func aServerNamedOnlyByTheConfigGetsNoCredentials() async throws {
        let recorder = try RecordingServer()
        let project = try Self.project(config: #"{"manifests": ["links"], "server": "\#(recorder.url)"}"#)
        defer { project.remove() }
        for (arguments, environment) in [
            (["--token-file", "token.txt"], [String: String]()), ([], ["ODAG_TOKEN": Self.token]),
            (["--header", "X-Qlik-User: \(Self.user)"], [:]), ([], ["ODAG_HEADERS": "X-Qlik-User: \(Self.user)"]),
            // Any readable file passes for a certificate here: the refusal comes before any use of it.
            (["--client-cert", "token.txt"], [:]),
        ] {
            for command in ["plan", "drift", "export", "apply"] {
                let run = await CapturedRun.run(
                    [command] + arguments, environment: environment, directory: project.root)
                #expect(run.code == .refused, "\(command) \(arguments) \(environment): \(run)")
                #expect(
                    run.stderr.contains(
                        "error: credentials are not sent to \(recorder.url): only the config names this server"),
                    "\(run.stderr)")
                #expect(
                    run.stderr.contains(
                        "hint: name the server from outside the repository with --server URL or ODAG_SERVER=URL"))
            }
        }
        #expect(recorder.requests.isEmpty, "no request reached the config's server")

        // The same server named from outside gets them.
        let named = await CapturedRun.run(
            ["plan", "--token-file", "token.txt"], environment: ["ODAG_SERVER": recorder.url], directory: project.root)
        #expect(named.code == .failure, "the recorder answers 403: \(named)")
        let trusted = await CapturedRun.run(
            ["plan", "--token-file", "token.txt", "--trust-config-server"], directory: project.root)
        #expect(trusted.code == .failure, "\(trusted)")
        #expect(recorder.requests.count >= 2)
        #expect(recorder.requests.allSatisfy { $0.values(for: "Authorization") == ["Bearer \(Self.token)"] })

        // Without credentials the config's server is used as before.
        let anonymous = await CapturedRun.run(["plan"], directory: project.root)
        #expect(anonymous.code == .failure && anonymous.stderr.contains("403"), "\(anonymous)")
        #expect(recorder.requests.last?.values(for: "Authorization") == [])
    }

    @Test func aPlanFilesServerMustBeNamedFromOutsideToGetCredentials() async throws {
        let server = try TestEmulator(links: Scenario.liveLinks) { $0.requireToken = Self.token }
        let project = try Self.project()
        defer {
            project.remove()
            server.stop()
        }
        let plan = await CapturedRun.run(
            ["plan", "--server", server.url, "--token-file", "token.txt", "--out", "p.plan.json", "links"],
            directory: project.root)
        #expect(plan.code == .success, "\(plan)")
        let refused = await CapturedRun.run(
            ["apply", "p.plan.json", "--token-file", "token.txt"], directory: project.root)
        #expect(refused.code == .refused, "\(refused)")
        #expect(refused.stderr.contains("only the plan file names this server"), "\(refused.stderr)")
        #expect(try server.linksByName()["Sales D"] == nil, "nothing was applied")
        let applied = await CapturedRun.run(
            ["apply", "p.plan.json", "--token-file", "token.txt"], environment: ["ODAG_SERVER": server.url],
            directory: project.root)
        #expect(applied.code == .success, "\(applied)")
        #expect(try server.linksByName()["Sales D"] != nil)
    }

    @Test func theEmulatorIsAlwaysTrusted() async throws {
        let project = try Self.project()
        defer { project.remove() }
        let run = await CapturedRun.run(
            ["plan", "--emulator", project.path("state.json"), "--out", "p.plan.json", "links"],
            environment: ["ODAG_TOKEN": Self.token], directory: project.root)
        #expect(run.code == .success, "\(run)")
        let apply = await CapturedRun.run(
            ["apply", "p.plan.json"], environment: ["ODAG_TOKEN": Self.token], directory: project.root)
        #expect(apply.code == .success, "a plan file's emulator is local: \(apply)")
    }

    // MARK: Headers

    @Test func headersComeFromAFileOrTheEnvironmentAndAMalformedOneIsNeverEchoed() async throws {
        let recorder = try RecordingServer()
        let project = try Self.project()
        defer { project.remove() }
        try project.write("headers.txt", "# the virtual proxy's user\n\nX-Qlik-User: \(Self.user)\r\nX-Extra: one\n")
        let fromFile = await CapturedRun.run(
            ["plan", "--server", recorder.url, "--header-file", "headers.txt", "links"], directory: project.root)
        #expect(fromFile.code == .failure, "\(fromFile)")
        let fromEnvironment = await CapturedRun.run(
            ["plan", "--server", recorder.url, "links"], environment: ["ODAG_HEADERS": "X-Qlik-User: \(Self.user)"],
            directory: project.root)
        #expect(fromEnvironment.code == .failure, "\(fromEnvironment)")
        let sent = recorder.requests
        #expect(sent.first?.values(for: "X-Qlik-User") == [Self.user])
        #expect(sent.first?.values(for: "X-Extra") == ["one"])
        #expect(sent.last?.values(for: "X-Qlik-User") == [Self.user])

        for (arguments, environment, expected) in [
            (["--header", "Bearer \(Self.token)"], [String: String](), "--header number 1 is not a header"),
            (
                ["--header", "X-Ok: fine", "--header", "Bad Name \(Self.token): x"], [:],
                "--header number 2 has no valid header name"
            ),
            ([], ["ODAG_HEADERS": "X-Ok: fine\n\(Self.token)"], "line 2 of ODAG_HEADERS is not a header"),
        ] {
            let run = await CapturedRun.run(
                ["plan", "--server", recorder.url] + arguments + ["links"], environment: environment,
                directory: project.root)
            #expect(run.code == .usage, "\(run)")
            #expect(run.stderr.contains(expected), "\(run.stderr)")
            #expect(!run.stderr.contains(Self.token) && !run.stderr.contains("SECRET"), "\(run.stderr)")
        }
    }

    @Test func aServerEchoingTheUserHeaderIsRedacted() async throws {
        let recorder = try RecordingServer()
        let project = try Self.project()
        defer { project.remove() }
        let run = await CapturedRun.run(
            ["apply", "--server", recorder.url, "--header", "X-Qlik-User: \(Self.user)", "--auto-approve", "links"],
            directory: project.root)
        #expect(run.code == .failure, "\(run)")
        #expect(run.stderr.contains("access denied for <redacted>"), "\(run.stderr)")
        #expect(!run.stderr.contains(Self.user) && !run.stdout.contains(Self.user), "\(run.stderr)")
    }
}

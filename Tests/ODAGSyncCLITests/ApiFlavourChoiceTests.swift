import Foundation
import ODAGClient
import ODAGCore
import ODAGEmulator
import ODAGTestSupport
import Synchronization
import Testing

@testable import ODAGSyncCLI

/// A server that answers `GET /links` with a fixed body and records every request: for the flavours the
/// emulator does not serve, and for answers that fit neither.
final class LinksServer: Sendable {
    private final class Log: Sendable {
        let entries = Mutex<[String]>([])
        let body: Mutex<String>

        init(_ body: String) { self.body = Mutex(body) }
    }

    let server: HTTPServer
    private let seen: Log
    var url: String { "http://127.0.0.1:\(server.port)/api/odag/v1" }

    init(links body: String) throws {
        let seen = Log(body)
        self.seen = seen
        server = try HTTPServer { request in
            seen.entries.withLock {
                $0.append("\(request.method) \(request.path)?\(request.queryValue("type") ?? "")")
            }
            guard request.method == "GET", request.path == "/api/odag/v1/links" else {
                return HTTPServer.errorResponse(status: 400, message: "not served here")
            }
            return .text(200, seen.body.withLock { $0 }, contentType: "application/json")
        }
    }

    /// Answers `GET /links` with `body` from now on.
    func answer(_ body: String) { seen.body.withLock { $0 = body } }

    /// `METHOD PATH?TYPE` of each request, in order.
    var requests: [String] { seen.entries.withLock { $0 } }

    deinit { server.stop() }
}

/// `--api document|qseow|auto` and the config's `"api"`: which flavour a command speaks, and each exit of
/// the choice, through the command line in process against real loopback servers.
@Suite struct ApiFlavourChoiceTests {
    /// One link in Qlik's documented shape (`GET /links` element).
    static let qlikLink = """
        {"id":"0b5e2d4c-7a1f-4e3b-9c8d-2f6a1b0e9d37","name":"Sales","status":"active",
         "modifiedDate":"2024-03-02T08:15:00.000Z",
         "owner":{"id":"5c1a9e7b-3d2f-4a6c-8b1e-0f4d7c2a9e65","userId":"jdoe","userDirectory":"CORP","name":"J Doe"},
         "templateApp":{"id":"9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c90","name":"Sales template"},
         "properties":{},"bindings":[]}
        """
    /// A link with neither flavour's marks (no owner, no app fields).
    static let featureless = #"[{"id":"00000000-0000-4000-8000-000000000009","name":"Bare"}]"#

    /// A project folder with one manifest (`manifest`, the document's links by default) and `config`.
    static func project(config: String? = nil, manifest: String = E2E.manifest(Scenario.declaredLinks)) throws
        -> TemporaryFolder
    {
        let project = try TemporaryFolder(prefix: "api-choice")
        try project.write("links/sales.json", manifest)
        if let config { try project.write("odag-sync.json", config) }
        return project
    }

    @Test func aFlavourNamedOnTheCommandLineThatIsNotTheManifestsIsAnErrorBeforeAnythingIsRead() async throws {
        let server = try LinksServer(links: "[]")
        let project = try Self.project()
        defer { project.remove() }
        for command in ["plan", "drift", "apply"] {
            let extra = command == "apply" ? ["--auto-approve"] : []
            let run = await CapturedRun.run(
                [command, "--server", server.url, "--api", "qseow", "links"] + extra, directory: project.root)
            #expect(run.code == .failure, "\(command): \(run)")
            #expect(
                run.stderr.contains("links[0].templateAppId: this manifest is written in the document flavour"),
                "\(run.stderr)")
        }
        #expect(server.requests.isEmpty, "nothing is read in a flavour the manifests cannot be compared in")
    }

    @Test func theFlagBeatsTheEnvironmentWhichBeatsTheTopLevel() async throws {
        let emulator = try TestEmulator(links: [E2E.live(1, "Sales A")])
        let project = try Self.project(
            config: #"{"manifests": ["links"], "api": "qseow", "environments": {"doc": {"api": "document"}, "q": {}}}"#)
        defer { project.remove() }
        let plan = { (arguments: [String]) in
            await CapturedRun.run(["plan", "--server", emulator.url] + arguments, directory: project.root)
        }
        let topLevel = await plan([])
        #expect(topLevel.code == .failure, "\(topLevel)")
        #expect(topLevel.stderr.contains("but the config's \"api\" is \"qseow\""), "\(topLevel.stderr)")
        let inherited = await plan(["--env", "q"])
        #expect(inherited.code == .failure, "an environment without api takes the top level's: \(inherited)")
        let environment = await plan(["--env", "doc"])
        #expect(environment.code == .success, "\(environment)")
        let flag = await plan(["--api", "document"])
        #expect(flag.code == .success, "\(flag)")
        let auto = await plan(["--api", "auto"])
        #expect(auto.code == .success, "--api auto clears the config's choice and recognises: \(auto)")
        let wrong = await plan(["--api", "qsoew"])
        #expect(wrong.code == .usage, "\(wrong)")
        #expect(wrong.stderr.contains("did you mean \"qseow\"?"), "\(wrong.stderr)")
    }

    @Test func autoRecognisesQliksShapeAndRefusesDocumentManifestsForIt() async throws {
        let server = try LinksServer(links: "[\(Self.qlikLink)]")
        let project = try Self.project()
        defer { project.remove() }
        for command in ["plan", "apply"] {
            let run = await CapturedRun.run(
                [command, "--server", server.url, "--auto-approve", "links"].filter {
                    command == "apply" || $0 != "--auto-approve"
                }, directory: project.root)
            #expect(run.code == .failure, "\(run)")
            #expect(
                run.stderr.contains(
                    "the server speaks the qseow API flavour (recognised from its links), but the manifests are"
                        + " written in the document flavour"), "\(run.stderr)")
        }
        #expect(server.requests == ["GET /api/odag/v1/links?all", "GET /api/odag/v1/links?all"])
    }

    @Test func linksThatFitNeitherShapeAreSaidByReadersAndRefusedByApply() async throws {
        let server = try LinksServer(links: Self.featureless)
        let project = try Self.project()
        defer { project.remove() }
        let plan = await CapturedRun.run(["plan", "--server", server.url, "links"], directory: project.root)
        #expect(plan.code == .success, "\(plan)")
        #expect(
            plan.stderr.contains(
                "cannot tell which API flavour \(server.url) speaks: link [0] fits neither the document's shape nor"
                    + " Qlik's; reading it in the flavour of the manifests (document)"), "\(plan.stderr)")
        #expect(plan.stdout.contains("Plan:"), "\(plan.stdout)")
        let quiet = await CapturedRun.run(
            ["plan", "--server", server.url, "--quiet", "links"], directory: project.root)
        #expect(quiet.code == .success && quiet.stderr.isEmpty, "\(quiet)")
        let drift = await CapturedRun.run(["drift", "--server", server.url, "links"], directory: project.root)
        #expect(drift.code == .changes, "\(drift)")
        #expect(drift.stderr.contains("cannot tell which API flavour"), "\(drift.stderr)")
        let export = await CapturedRun.run(["export", "--server", server.url], directory: project.root)
        #expect(export.code == .failure, "the bare link has no app id to export: \(export)")
        #expect(export.stderr.contains("reading it in the default flavour (document)"), "\(export.stderr)")

        let before = server.requests.count
        let apply = await CapturedRun.run(
            ["apply", "--server", server.url, "--auto-approve", "links"], directory: project.root)
        #expect(apply.code == .refused, "\(apply)")
        #expect(
            apply.stderr.contains("link [0] fits neither the document's shape nor Qlik's; nothing was applied"),
            "\(apply.stderr)")
        #expect(apply.stderr.contains("hint: set \"api\" in the config"), "\(apply.stderr)")
        #expect(server.requests.count == before + 1, "one read, no write: \(server.requests)")
        let named = await CapturedRun.run(
            ["apply", "--server", server.url, "--api", "document", "--auto-approve", "--dry-run", "links"],
            directory: project.root)
        #expect(named.code == .success, "naming the flavour lets apply go on: \(named)")
    }

    @Test func anEmptyEmulatorNamesItsFlavourSoAutoCanWriteToIt() async throws {
        let emulator = try TestEmulator()
        let project = try Self.project()
        defer { project.remove() }
        let apply = await CapturedRun.run(
            ["apply", "--server", emulator.url, "--auto-approve", "links"], directory: project.root)
        #expect(apply.code == .success, "\(apply)")
        #expect(!apply.stderr.contains("cannot tell"), "\(apply.stderr)")
        #expect(try emulator.names() == Scenario.declaredLinks.compactMap { $0["name"]?.stringValue }.sorted())
    }

    @Test func anEmptyServerThatDoesNotNameItsFlavourIsRefusedEvenForDocumentManifests() async throws {
        let silentEmulator = try TestEmulator { $0.announcesFlavour = false }
        let server = try LinksServer(links: "[]")
        let project = try Self.project()
        defer { project.remove() }
        for url in [silentEmulator.url, server.url] {
            let apply = await CapturedRun.run(
                ["apply", "--server", url, "--auto-approve", "links"], directory: project.root)
            #expect(apply.code == .refused, "\(apply)")
            #expect(
                apply.stderr.contains("the server has no links to tell it by; nothing was applied"), "\(apply.stderr)")
        }
        #expect(try silentEmulator.names().isEmpty, "nothing was written")
        #expect(!server.requests.contains { $0.hasPrefix("POST") }, "\(server.requests)")
        let named = await CapturedRun.run(
            ["apply", "--server", silentEmulator.url, "--api", "document", "--auto-approve", "links"],
            directory: project.root)
        #expect(named.code == .success, "naming the flavour lets apply go on: \(named)")
    }

    @Test func theInProcessEmulatorsFlavourIsKnownWithoutRecognising() async throws {
        let folder = try TemporaryFolder(prefix: "api-emulator")
        let project = try Self.project()
        defer {
            folder.remove()
            project.remove()
        }
        let run = await CapturedRun.run(
            ["plan", "--emulator", folder.path("state.json"), "links"], directory: project.root)
        #expect(run.code == .success, "\(run)")
        #expect(!run.stderr.contains("cannot tell"), "\(run.stderr)")
        let named = await CapturedRun.run(
            ["plan", "--emulator", folder.path("state.json"), "--api", "qseow", "links"], directory: project.root)
        #expect(named.code == .failure, "\(named)")
        #expect(named.stderr.contains("this manifest is written in the document flavour"), "\(named.stderr)")
    }

    /// A qseow manifest of one link, as text.
    static let qseowManifest = """
        {"links": [{"name": "Sales", "selectionApp": "\(E2E.selectionApp)", "templateApp": "\(E2E.templateApp)"}]}
        """

    @Test func aPlanFileIsAppliedOnlyInTheFlavourItRecords() async throws {
        let server = try LinksServer(links: "[]")
        let project = try Self.project()
        defer { project.remove() }
        let plan = await CapturedRun.run(
            ["plan", "--server", server.url, "--out", "p.plan.json", "links"], directory: project.root)
        #expect(plan.code == .success, "\(plan)")
        server.answer("[\(Self.qlikLink)]")
        let apply = await CapturedRun.run(["apply", "--server", server.url, "p.plan.json"], directory: project.root)
        #expect(apply.code == .failure, "\(apply)")
        #expect(
            apply.stderr.contains(
                "the server speaks the qseow API flavour (recognised from its links), but the plan is written in the"
                    + " document flavour"), "\(apply.stderr)")
        #expect(apply.stderr.contains("hint: make a new plan against this server"), "\(apply.stderr)")
        let named = await CapturedRun.run(
            ["apply", "--server", server.url, "--api", "qseow", "p.plan.json"], directory: project.root)
        #expect(named.code == .failure, "\(named)")
        #expect(named.stderr.contains("(as --api says), but the plan is written in the document"), "\(named.stderr)")
        #expect(!server.requests.contains { $0.hasPrefix("POST") || $0.hasPrefix("PUT") }, "\(server.requests)")
    }

    @Test func qseowManifestsOnAServerThatCannotTellAreRefusedUntilTheFlavourIsNamed() async throws {
        let server = try LinksServer(links: "[]")
        let project = try Self.project(manifest: Self.qseowManifest)
        defer { project.remove() }
        let plan = await CapturedRun.run(
            ["plan", "--server", server.url, "--out", "q.plan.json", "links"], directory: project.root)
        #expect(plan.code == .success, "\(plan)")
        #expect(plan.stderr.contains("reading it in the flavour of the manifests (qseow)"), "\(plan.stderr)")
        #expect(try JSONParser.parse(project.read("q.plan.json"))["api"] == "qseow")
        for arguments in [["--auto-approve", "links"], ["q.plan.json"]] {
            let apply = await CapturedRun.run(
                ["apply", "--server", server.url] + arguments, directory: project.root)
            #expect(apply.code == .refused, "\(arguments): \(apply)")
            #expect(
                apply.stderr.contains("the server has no links to tell it by; nothing was applied"), "\(apply.stderr)")
            #expect(apply.stderr.contains("or pass --api document|qseow"), "\(apply.stderr)")
        }
        #expect(!server.requests.contains { $0.hasPrefix("POST") }, "\(server.requests)")
        let named = await CapturedRun.run(
            ["apply", "--server", server.url, "--api", "qseow", "--auto-approve", "links"], directory: project.root)
        #expect(named.code == .failure, "the server refuses every write: \(named)")
        #expect(!named.stderr.contains("cannot tell"), "\(named.stderr)")
        #expect(named.stdout.contains("+ create \"Sales\""), "naming the flavour lets apply go on: \(named.stdout)")
        #expect(server.requests.last == "POST /api/odag/v1/links?", "\(server.requests)")
    }

    @Test func qseowManifestsAreComparedWithQliksLinksAndRefusedAgainstTheDocumentsLinks() async throws {
        let qlik = try LinksServer(links: "[\(Self.qlikLink)]")
        let document = try TestEmulator(links: [E2E.live(1, "Sales")])
        let project = try Self.project(manifest: Self.qseowManifest)
        defer { project.remove() }
        let plan = await CapturedRun.run(
            ["plan", "--server", qlik.url, "--output", "json", "links"], directory: project.root)
        #expect(plan.code == .success, "\(plan)")
        #expect(!plan.stderr.contains("cannot tell"), "\(plan.stderr)")
        #expect(E2E.json(plan.stdout)?["api"] == "qseow", "\(plan.stdout)")
        let wrong = await CapturedRun.run(["plan", "--server", document.url, "links"], directory: project.root)
        #expect(wrong.code == .failure, "\(wrong)")
        #expect(
            wrong.stderr.contains(
                "the server speaks the document API flavour (recognised from its links), but the manifests are"
                    + " written in the qseow flavour"), "\(wrong.stderr)")
    }

    /// The user the qseow tests act as, and its `X-Qlik-User` header.
    static let jdoe = "X-Qlik-User: UserDirectory=CORP; UserId=jdoe"

    @Test func ownerScopeWithQliksOwnerObjectEndToEnd() async throws {
        let server = try TestEmulator { $0.api = .qseow }
        let project = try Self.project(manifest: Self.qseowManifest)
        defer { project.remove() }
        // Links of another owner and a stray one of ours, made behind the command's back.
        let base = try #require(URL(string: server.url))
        for (user, name) in [
            ("UserDirectory=INTERNAL; UserId=other", "Other"), ("UserDirectory=CORP; UserId=jdoe", "Stray"),
        ] {
            let client = try ODAGClient(
                configuration: ODAGClientConfiguration(baseURL: base, headers: ["X-Qlik-User": user], api: .qseow),
                transport: LibcurlTransport())
            _ = try await client.createQseowLink(
                [
                    "name": .string(name), "selectionApp": .string(E2E.selectionApp),
                    "templateApp": .string(E2E.templateApp),
                ])
        }
        // Owners compare case-insensitively, as Windows accounts do.
        try project.write(
            "odag-sync.json", #"{"manifests": ["links"], "prune": true, "scope": {"owners": ["corp\\JDOE"]}}"#)
        let run = { (command: String, extra: [String]) in
            await CapturedRun.run(
                [command, "--server", server.url, "--header", Self.jdoe] + extra, directory: project.root)
        }
        let plan = await run("plan", ["--output", "json"])
        #expect(plan.code == .success, "\(plan)")
        let changes = E2E.json(plan.stdout)?["changes"]?.arrayValue ?? []
        #expect(
            Set(changes.compactMap { "\($0["action"]?.stringValue ?? "") \($0["name"]?.stringValue ?? "")" })
                == ["create Sales", "retire Stray"], "\(plan.stdout)")
        let apply = await run("apply", ["--auto-approve"])
        #expect(apply.code == .success, "\(apply)")
        let after = try await ODAGClient(
            configuration: ODAGClientConfiguration(baseURL: base, api: .qseow), transport: LibcurlTransport()
        ).listLinks()
        let byName = Dictionary(after.map { ($0.name ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byName["Other"]?.status == "active", "another owner's link is out of scope")
        #expect(byName["Stray"]?.status == "decommissioned")
        #expect(byName["Sales"]?.owner == "CORP\\jdoe")
        let again = await run("plan", ["--detailed-exitcode"])
        #expect(again.code == .success, "converged: \(again)")
    }

    @Test func theInProcessEmulatorServesQseowWhenAskedAndTheStateFileRemembersIt() async throws {
        let folder = try TemporaryFolder(prefix: "api-emulator-qseow")
        let project = try Self.project(manifest: Self.qseowManifest)
        defer {
            folder.remove()
            project.remove()
        }
        let state = folder.path("state.json")
        let apply = await CapturedRun.run(
            ["apply", "--emulator", state, "--api", "qseow", "--auto-approve", "links"], directory: project.root)
        #expect(apply.code == .success, "\(apply)")
        #expect(try JSONParser.parse(folder.read("state.json"))["api"] == "qseow")
        let plan = await CapturedRun.run(
            ["plan", "--emulator", state, "--detailed-exitcode", "links"], directory: project.root)
        #expect(plan.code == .success, "\(plan)")
        #expect(!plan.stderr.contains("cannot tell"), "\(plan.stderr)")
        let document = await CapturedRun.run(
            ["plan", "--emulator", state, "--api", "document", "links"], directory: project.root)
        #expect(document.code == .failure, "\(document)")
    }

    @Test func helpAndCompletionOfferTheFlavours() async throws {
        for command in ["plan", "apply", "drift", "export"] {
            let help = await CapturedRun.run([command, "--help"])
            #expect(help.stdout.contains("--api FLAVOUR"), "\(command): \(help.stdout)")
        }
        let command = try #require(CommandLineTool.commands.first { $0.name == "plan" })
        let option = try #require(command.options.first { $0.name == "--api" })
        #expect(CompletionCommand.valueKind(option, command: "plan") == .choices(["auto", "document", "qseow"]))
        #expect(CompletionCommand.valueKind(option, command: "emulator") == .choices(["document", "qseow"]))
    }
}

/// What a person sees of a Qlik proxy through the command line: its login page and its session cookie.
@Suite struct QlikProxyTests {
    @Test func aVirtualProxyLoginRedirectSaysWhatToPointAt() async throws {
        let server = try TestEmulator {
            $0.api = .qseow
            $0.requireHeader = "X-Qlik-User"
        }
        let project = try ApiFlavourChoiceTests.project(manifest: ApiFlavourChoiceTests.qseowManifest)
        defer { project.remove() }
        let run = await CapturedRun.run(["plan", "--server", server.url, "links"], directory: project.root)
        #expect(run.code == .failure, "\(run)")
        #expect(run.stderr.contains("likely to a virtual proxy's login page"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: point --server at a virtual proxy that accepts API calls"), "\(run.stderr)")
        let named = await CapturedRun.run(
            ["plan", "--server", server.url, "--header", ApiFlavourChoiceTests.jdoe, "links"], directory: project.root)
        #expect(named.code == .success, "\(named)")
    }

    @Test func theSessionCookieGoesBackToTheServerAndNeverToTheTerminal() async throws {
        let secret = "s3ss10n-\(UUID().uuidString)"
        let cookies = Mutex<[String?]>([])
        let server = try HTTPServer { request in
            cookies.withLock { $0.append(request.headers["Cookie"]) }
            if request.method == "GET" {
                var response = HTTPServerResponse.text(200, "[]", contentType: "application/json")
                response.headers.add(name: "Set-Cookie", value: "X-Qlik-Session=\(secret); Path=/; HttpOnly")
                return response
            }
            return HTTPServer.errorResponse(status: 400, message: "session \(secret) may not create links")
        }
        defer { server.stop() }
        let project = try ApiFlavourChoiceTests.project()
        defer { project.remove() }
        let run = await CapturedRun.run(
            [
                "apply", "--server", "http://127.0.0.1:\(server.port)/api/odag/v1", "--api", "document", "--verbose",
                "--auto-approve", "links",
            ],
            directory: project.root)
        #expect(run.code == .failure, "\(run)")
        #expect(run.stderr.contains("session <redacted> may not create links"), "\(run.stderr)")
        #expect(run.stderr.contains("http: POST /api/odag/v1/links 400"), "the request log: \(run.stderr)")
        #expect(!run.stderr.contains(secret) && !run.stdout.contains(secret), "\(run)")
        let sent = cookies.withLock { $0 }
        #expect(sent.first == .some(nil), "the first request has no session yet")
        #expect(sent.count > 1 && sent.dropFirst().allSatisfy { $0 == "X-Qlik-Session=\(secret)" }, "\(sent)")
    }
}

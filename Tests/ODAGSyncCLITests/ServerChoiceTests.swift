import ODAGSync
import Testing

@testable import ODAGSyncCLI

/// The one set of server-precedence rules every command uses.
@Suite struct ServerChoiceTests {
    static let config = ResolvedConfig(environment: "prod", server: "https://config.example.com/api/odag/v1")
    static let fromEnvironment = ["ODAG_SERVER": "https://env.example.com/api/odag/v1"]

    @Test func theEmulatorWinsOverEverythingElse() throws {
        let choice = try ServerChoice.choose(
            commandLineServer: nil, emulatorPath: "/state.json", environment: Self.fromEnvironment, config: Self.config)
        #expect(choice == ServerChoice(target: .emulator(path: "/state.json"), source: .commandLine))
        #expect(choice.identity == "emulator:/state.json")
    }

    @Test func theCommandLineWinsOverTheEnvironmentAndTheConfig() throws {
        let choice = try ServerChoice.choose(
            commandLineServer: "https://flag.example.com/api/odag/v1", emulatorPath: nil,
            environment: Self.fromEnvironment, config: Self.config)
        #expect(choice.identity == "https://flag.example.com/api/odag/v1")
        #expect(choice.source == .commandLine)
        #expect(choice.overriddenConfigServer == nil)
    }

    @Test func odagServerWinsOverTheConfigAndSaysWhichServerItReplaced() throws {
        let choice = try ServerChoice.choose(
            commandLineServer: nil, emulatorPath: nil, environment: Self.fromEnvironment, config: Self.config)
        #expect(choice.identity == "https://env.example.com/api/odag/v1")
        #expect(choice.source == .environment)
        #expect(choice.overriddenConfigServer == "https://config.example.com/api/odag/v1")
        let same = try ServerChoice.choose(
            commandLineServer: nil, emulatorPath: nil,
            environment: ["ODAG_SERVER": "https://config.example.com/api/odag/v1"], config: Self.config)
        #expect(same.overriddenConfigServer == nil, "nothing is replaced when both name the same server")
    }

    @Test func anEmptyOdagServerIsUnsetAndTheConfigIsTheLastResort() throws {
        let choice = try ServerChoice.choose(
            commandLineServer: nil, emulatorPath: nil, environment: ["ODAG_SERVER": ""], config: Self.config)
        #expect(choice == ServerChoice(target: .url("https://config.example.com/api/odag/v1"), source: .config))
    }

    @Test func noServerAtAllIsAUsageError() {
        #expect(throws: CommandError.self) {
            try ServerChoice.choose(commandLineServer: nil, emulatorPath: nil, environment: [:], config: nil)
        }
        do {
            _ = try ServerChoice.choose(commandLineServer: nil, emulatorPath: nil, environment: [:], config: nil)
        } catch let error as CommandError {
            #expect(error.exitCode == .usage)
            #expect(error.description.hasPrefix("no server: give --server URL, set ODAG_SERVER"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aPlanFileUsesItsServerAndRefusesAnotherOne() throws {
        let plan = try ServerChoice.choose(
            commandLineServer: nil, emulatorPath: nil, environment: [:], config: Self.config,
            planServer: "https://plan.example.com/api/odag/v1")
        #expect(plan == ServerChoice(target: .url("https://plan.example.com/api/odag/v1"), source: .planFile))
        let emulator = try ServerChoice.choose(
            commandLineServer: nil, emulatorPath: nil, environment: [:], config: nil, planServer: "emulator:/s.json")
        #expect(emulator.target == .emulator(path: "/s.json"))
        let same = try ServerChoice.choose(
            commandLineServer: nil, emulatorPath: nil, environment: Self.fromEnvironment, config: nil,
            planServer: "https://env.example.com/api/odag/v1")
        #expect(same.source == .environment, "the environment named the plan's own server")
        let withConfig = try ServerChoice.choose(
            commandLineServer: nil, emulatorPath: nil, environment: Self.fromEnvironment, config: Self.config,
            planServer: "https://env.example.com/api/odag/v1")
        #expect(withConfig.overriddenConfigServer == nil, "the config's server plays no part in applying a plan file")
        do {
            _ = try ServerChoice.choose(
                commandLineServer: nil, emulatorPath: nil, environment: Self.fromEnvironment, config: nil,
                planServer: "https://plan.example.com/api/odag/v1")
            Issue.record("another server was accepted for the plan")
        } catch let error as CommandError {
            #expect(error.exitCode == .refused)
            #expect(
                error.description
                    == "the plan was made for https://plan.example.com/api/odag/v1, not https://env.example.com/api/odag/v1; a plan file applies only to its own server"
            )
        }
    }
}

/// A server URL must be the API's base, not one of its operations.
@Suite struct ServerBaseURLTests {
    static func problem(_ url: String, source: ServerChoice.Source = .commandLine) -> CommandError? {
        do {
            try ServerChoice(target: .url(url), source: source).checkBaseURL()
            return nil
        } catch let error as CommandError {
            return error
        } catch {
            return .failed("\(error)")
        }
    }

    @Test(arguments: [
        "https://qlik.example.com/api/odag/v1", "https://qlik.example.com/api/odag/v1/",
        "https://qlik.example.com/hdr/api/odag/v1", "http://127.0.0.1:8080/api/odag/v1",
        "https://qlik.example.com/some/proxy",
    ])
    func aBaseURLIsAccepted(url: String) {
        #expect(Self.problem(url) == nil)
    }

    @Test func aURLNamingAnOperationSaysWhatTheBaseMustBe() {
        let links = Self.problem("https://qlik.example.com/hdr/api/odag/v1/links")
        #expect(links?.exitCode == .usage)
        #expect(
            links?.description
                == #"the server URL "https://qlik.example.com/hdr/api/odag/v1/links" names an operation (/links); the base URL must end in /api/odag/v1"#
        )
        #expect(links?.hint == "use https://qlik.example.com/hdr/api/odag/v1")
        let request = Self.problem(
            "https://q.example.com/api/odag/v1/links/00000000-0000-4000-8000-000000000001/requests")
        #expect(request?.description.contains("(/links/00000000-0000-4000-8000-000000000001/requests)") == true)
        let bare = Self.problem("https://q.example.com/links", source: .config)
        #expect(bare?.exitCode == .failure, "a config's server is reported as an error of the input")
        #expect(bare?.description.contains("names an operation (/links)") == true)
    }
}

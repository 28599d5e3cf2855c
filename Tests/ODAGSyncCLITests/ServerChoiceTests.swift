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

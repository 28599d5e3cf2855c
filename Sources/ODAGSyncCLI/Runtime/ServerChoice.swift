import Foundation
import ODAGCore
import ODAGSync

/// The server a command talks to, and who named it: the one place that applies the precedence rules
/// (`--emulator`, `--server`, `ODAG_SERVER`, the config's environment, the config's top level, a plan file).
struct ServerChoice: Sendable, Equatable {
    /// Who named the server.
    enum Source: Sendable, Equatable {
        /// `--emulator` or `--server` on the command line.
        case commandLine
        /// `ODAG_SERVER`.
        case environment
        /// `server` in the config (top level or the selected environment).
        case config
        /// The server a plan file was made for.
        case planFile
    }

    /// A server URL, or the state file of an emulator started in-process.
    enum Target: Sendable, Equatable {
        case url(String)
        case emulator(path: String)
    }

    /// Where to connect.
    var target: Target
    /// Who named it.
    var source: Source
    /// The config's server that `ODAG_SERVER` replaced, when they differ.
    var overriddenConfigServer: String?

    /// The server's identity in plans and metrics: its URL, or `emulator:PATH`.
    var identity: String {
        switch target {
        case .url(let url): return url
        case .emulator(let path): return Self.emulatorPrefix + path
        }
    }

    static let emulatorPrefix = "emulator:"

    /// Chooses the server: `--emulator`, else `--server`, else `ODAG_SERVER`, else the config's. With
    /// `planServer` (applying a plan file) the plan's server is used, and a different one named by the
    /// command line or the environment is refused.
    static func choose(
        commandLineServer: String?, emulatorPath: String?, environment: [String: String], config: ResolvedConfig?,
        planServer: String? = nil
    ) throws -> ServerChoice {
        let environmentServer = environment["ODAG_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        var choice: ServerChoice?
        if let emulatorPath {
            choice = ServerChoice(target: .emulator(path: emulatorPath), source: .commandLine)
        } else if let commandLineServer {
            choice = ServerChoice(target: .url(commandLineServer), source: .commandLine)
        } else if let environmentServer {
            let configServer = config?.server
            choice = ServerChoice(
                target: .url(environmentServer), source: .environment,
                overriddenConfigServer: configServer == environmentServer ? nil : configServer)
        }
        if let planServer {
            if let requested = choice?.identity, requested != planServer {
                throw CommandError.refused(
                    "the plan was made for \(planServer), not \(requested); a plan file applies only to its own server",
                    hint: "make a new plan for this server")
            }
            // The config's server plays no part in applying a plan file, so replacing it is not news.
            if var choice {
                choice.overriddenConfigServer = nil
                return choice
            }
            if planServer.hasPrefix(emulatorPrefix) {
                return ServerChoice(
                    target: .emulator(path: String(planServer.dropFirst(emulatorPrefix.count))), source: .planFile)
            }
            return ServerChoice(target: .url(planServer), source: .planFile)
        }
        if let choice { return choice }
        if let server = config?.server { return ServerChoice(target: .url(server), source: .config) }
        throw CommandError.usage(
            UsageError(
                "no server: give --server URL, set ODAG_SERVER, or set \"server\" in the config (or an environment's)",
                hint: "to try odag-sync locally, use --emulator STATEFILE"))
    }

    /// Refuses to send credentials to a server named only by the repository's files (the config or a plan
    /// file), which a pull request can change: credentials go only to a server named by the command line
    /// or the environment (or to the emulator), unless `--trust-config-server` says to trust the files.
    func checkTrust(sendsCredentials: Bool, trustsConfigServer: Bool) throws {
        guard sendsCredentials, !trustsConfigServer, case .url(let url) = target else { return }
        let namer: String
        switch source {
        case .commandLine, .environment: return
        case .config: namer = "the config"
        case .planFile: namer = "the plan file"
        }
        throw CommandError.refused(
            "credentials are not sent to \(url): only \(namer) names this server, and the repository's files may "
                + "come from a pull request; nothing was sent",
            hint:
                "name the server from outside the repository with --server URL or ODAG_SERVER=URL (in CI, set it in the pipeline), or pass --trust-config-server to trust it on this run"
        )
    }

    /// The path segments of the API's operations; a base URL ending in one names an operation.
    static let operationSegments: Set<String> = ["links", "requests", "apps", "cancreate", "selapplinkusages"]

    /// Refuses a server URL that names an operation (`…/api/odag/v1/links`) rather than the API's base,
    /// which would otherwise fail later with a puzzling answer (`linkId "links" is not a UUID`).
    func checkBaseURL() throws {
        guard case .url(let url) = target, let path = URL(string: url)?.path else { return }
        let segments = path.split(separator: "/").map(String.init)
        let base = ["api", "odag", "v1"]
        var operation: [String] = []
        var suggestion: String?
        let lowered = segments.map { $0.lowercased() }
        let starts = lowered.count >= base.count ? Array(0...(lowered.count - base.count)) : []
        if let start = starts.last(where: { Array(lowered[$0..<$0 + base.count]) == base }) {
            operation = Array(segments[(start + base.count)...])
            if !operation.isEmpty,
                let range = url.range(of: "/" + operation.joined(separator: "/"), options: .backwards)
            {
                suggestion = String(url[..<range.lowerBound])
            }
        } else if let last = segments.last, Self.operationSegments.contains(last.lowercased()) {
            operation = [last]
        }
        guard !operation.isEmpty else { return }
        let message =
            "the server URL \(quoted(url)) names an operation (/\(operation.joined(separator: "/"))); "
            + "the base URL must end in /api/odag/v1"
        let hint =
            suggestion.map { "use \($0)" }
            ?? "e.g. https://qlik.example.com/api/odag/v1 (behind a virtual proxy: https://host/PREFIX/api/odag/v1)"
        switch source {
        case .commandLine, .environment: throw CommandError.usage(UsageError(message, hint: hint))
        case .config, .planFile: throw CommandError.failed(message, hint: hint)
        }
    }
}

import Foundation
import ODAGCore
import ODAGClient
import ODAGEmulator
import ODAGSync

/// A client for the server a command talks to, and what identifies that server in plan files.
struct ServerConnection: Sendable {
    /// The API client.
    let client: ODAGClient
    /// The server's identity in plans: its URL, or `emulator:PATH` for an emulator state file.
    let identity: String
    /// The in-process emulator, when `--emulator` was given.
    let emulator: Emulator?

    /// Stops what the connection started.
    func close() {
        emulator?.stop()
    }

    /// Connects as the flags, the environment variables and the config say. `planServer` is the
    /// server a plan file was made for (apply from a PLANFILE uses it and refuses another).
    static func open(
        _ arguments: ParsedArguments, config: ResolvedConfig, context: CommandContext, parallelism: Int = 8,
        planServer: String? = nil
    ) throws -> ServerConnection {
        let headers = try self.headers(arguments.all("--header"))
        let token = try self.token(arguments, context: context)
        let timeout = try arguments.double("--timeout", in: 1...3600) ?? 30
        let tls = CurlTransport.TLSOptions(
            caCertPath: arguments.value("--ca-cert").map { absolute($0, context) },
            clientCertPath: arguments.value("--client-cert").map { absolute($0, context) },
            clientKeyPath: arguments.value("--client-key").map { absolute($0, context) },
            insecure: arguments.has("--insecure"))
        if tls.clientKeyPath != nil && tls.clientCertPath == nil {
            throw CommandError.usage(UsageError("--client-key needs --client-cert"))
        }
        for path in [tls.caCertPath, tls.clientCertPath, tls.clientKeyPath].compactMap({ $0 })
        where !FileManager.default.isReadableFile(atPath: path) {
            throw CommandError.failed("cannot read \(quoteText(path))")
        }

        var emulatorPath = arguments.value("--emulator").map { absolute($0, context) }
        var server = arguments.value("--server") ?? context.environment["ODAG_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        if emulatorPath != nil && server != nil && arguments.has("--server") {
            throw CommandError.usage(UsageError("give either --server or --emulator, not both"))
        }
        if emulatorPath != nil { server = nil }
        if let planServer {
            let requested = emulatorPath.map { "emulator:" + $0 } ?? server
            if let requested, requested != planServer {
                throw CommandError.refused(
                    "the plan was made for \(planServer), not \(requested); a plan file applies only to its own server",
                    hint: "make a new plan for this server")
            }
            if planServer.hasPrefix("emulator:") {
                emulatorPath = String(planServer.dropFirst("emulator:".count))
            } else {
                server = planServer
            }
        } else if server == nil && emulatorPath == nil {
            server = config.server
        }

        var emulator: Emulator?
        let baseURL: String
        let identity: String
        if let emulatorPath {
            do {
                let running = try Emulator.start(
                    EmulatorConfiguration(host: "127.0.0.1", port: 0, statePath: emulatorPath))
                emulator = running
                baseURL = running.baseURL
                // Loading a large state file frees its parsed tree; give those pages back before the command's
                // own work, which would otherwise stack on top of them.
                FreedMemory.release()
            } catch {
                throw CommandError.failed("cannot start the emulator: \(error)")
            }
            identity = "emulator:" + emulatorPath
        } else if let server {
            baseURL = server
            identity = server
        } else {
            throw CommandError.usage(
                UsageError(
                    "no server: give --server URL, set ODAG_SERVER, or set \"server\" in the config (or an environment's)",
                    hint: "to try odag-sync locally, use --emulator STATEFILE"))
        }
        guard let url = URL(string: baseURL) else {
            emulator?.stop()
            throw CommandError.usage(UsageError("the server \(quoteText(baseURL)) is not a URL"))
        }
        if url.user != nil || url.password != nil {
            emulator?.stop()
            // The server URL is printed and saved in plan files, so it must never carry credentials.
            throw CommandError.usage(
                UsageError(
                    "the server URL must not contain a user name or password",
                    hint: "use --token-file, ODAG_TOKEN, --header or a client certificate instead"))
        }

        let transport: any HTTPTransport
        if tls.caCertPath != nil || tls.clientCertPath != nil || tls.insecure {
            if tls.insecure {
                context.console.warning(
                    "--insecure: the server's TLS certificate is NOT verified; anyone on the network path can read and change this traffic. Use --ca-cert instead."
                )
            }
            do {
                transport = try CurlTransport(tls: tls, searchPath: context.environment["PATH"])
            } catch {
                emulator?.stop()
                throw CommandError.failed("\(error)")
            }
            context.console.debug("transport: the curl program (TLS options given)")
        } else if url.scheme?.lowercased() == "http",
            emulator != nil || SocketTransport.proxyVariable(for: url, environment: context.environment) == nil
        {
            // Plain http (the emulator included) goes through our own HTTP/1.1 client, which can keep
            // connections alive safely; a configured proxy is honoured by URLSession instead.
            transport = SocketTransport(maximumIdleConnectionsPerHost: max(8, parallelism))
            context.console.debug("transport: the built-in HTTP/1.1 client (plain http)")
        } else {
            transport = URLSessionTransport(maximumConnectionsPerHost: max(8, parallelism), defaultTimeout: timeout)
            let why =
                url.scheme?.lowercased() == "http"
                ? "\(SocketTransport.proxyVariable(for: url, environment: context.environment) ?? "a proxy") is set"
                : "https"
            context.console.debug("transport: URLSession (\(why))")
        }

        let console = context.console
        let configuration = ODAGClientConfiguration(
            baseURL: url, headers: headers, bearerToken: token, timeout: timeout)
        if emulator == nil, let warning = plainTextWarning(url: url, configuration: configuration) {
            console.warning(warning)
        }
        var logger: ODAGClient.RequestLogger?
        if console.verbose {
            logger = { entry in console.debug("http: \(entry)") }
        }
        do {
            let client = try ODAGClient(configuration: configuration, transport: transport, logger: logger)
            return ServerConnection(client: client, identity: identity, emulator: emulator)
        } catch {
            emulator?.stop()
            throw CommandError.usage(UsageError("\(error)"))
        }
    }

    /// The warning for credentials sent in clear text (plain http to a host other than this machine), or `nil`.
    static func plainTextWarning(url: URL, configuration: ODAGClientConfiguration) -> String? {
        guard url.scheme?.lowercased() == "http", !configuration.secrets.isEmpty else { return nil }
        let host = SocketTransport.comparableHost(of: url)
        guard host != "localhost", host != "::1", !host.hasPrefix("127.") else { return nil }
        return "credentials are sent to \(host) over plain http, readable by anyone on the network path; use https"
    }

    /// `--header 'Name: value'` flags as headers.
    static func headers(_ flags: [String]) throws -> HTTPFields {
        var headers = HTTPFields()
        for flag in flags {
            guard let colon = flag.firstIndex(of: ":") else {
                throw CommandError.usage(UsageError("--header needs 'Name: value', got \(quoteText(flag))"))
            }
            let name = flag[..<colon].trimmingCharacters(in: .whitespaces)
            let value = flag[flag.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(" ") else {
                throw CommandError.usage(UsageError("--header has no valid name before ':' in \(quoteText(name))"))
            }
            headers.add(name: name, value: value)
        }
        return headers
    }

    /// The bearer token from `--token-file` or `ODAG_TOKEN`, never echoed.
    static func token(_ arguments: ParsedArguments, context: CommandContext) throws -> String? {
        if let file = arguments.value("--token-file") {
            let path = absolute(file, context)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandError.failed("cannot read the token file \(quoteText(file))")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw CommandError.failed("the token file \(quoteText(file)) is empty") }
            guard !token.contains(where: \.isNewline) else {
                throw CommandError.failed("the token file \(quoteText(file)) has more than one line")
            }
            return token
        }
        if let token = context.environment["ODAG_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !token.isEmpty
        {
            return token
        }
        return nil
    }

    static func absolute(_ path: String, _ context: CommandContext) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: context.currentDirectory).appendingPathComponent(path).standardizedFileURL.path
    }
}

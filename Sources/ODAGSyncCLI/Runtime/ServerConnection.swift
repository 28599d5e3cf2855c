import Foundation
import ODAGCore
import ODAGClient
import ODAGEmulator
import ODAGSync

/// A client for the server a command talks to, and what identifies that server in plan files.
struct ServerConnection: Sendable {
    /// The API client.
    private(set) var client: ODAGClient
    /// The server's identity in plans: its URL, or `emulator:PATH` for an emulator state file.
    let identity: String
    /// The in-process emulator, when `--emulator` was given.
    let emulator: Emulator?
    /// Whether a client certificate is presented over TLS.
    var presentsClientCertificate = false

    /// This connection reading the links in `api`'s shapes (the same session and emulator).
    func speaking(_ api: APIFlavour) -> ServerConnection {
        var copy = self
        copy.client = client.speaking(api)
        return copy
    }

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
        try open(
            ConnectionOptions(arguments, context: context), config: config, context: context,
            parallelism: parallelism, planServer: planServer)
    }

    /// Connects with options already read.
    static func open(
        _ options: ConnectionOptions, config: ResolvedConfig, context: CommandContext, parallelism: Int = 8,
        planServer: String? = nil
    ) throws -> ServerConnection {
        let choice = try ServerChoice.choose(
            commandLineServer: options.server, emulatorPath: options.emulatorPath, environment: context.environment,
            config: config, planServer: planServer)
        try choice.checkBaseURL()
        try choice.checkTrust(
            sendsCredentials: options.sendsCredentials, trustsConfigServer: options.trustsConfigServer)
        if let overridden = choice.overriddenConfigServer {
            context.console.warning("ODAG_SERVER (\(choice.identity)) replaces the config's server \(overridden)")
        }
        let tls = options.tls
        let timeout = options.timeout

        var emulator: Emulator?
        let baseURL: String
        switch choice.target {
        case .emulator(let path):
            do {
                var configuration = EmulatorConfiguration(host: "127.0.0.1", port: 0, statePath: path)
                configuration.api = config.api
                let running = try Emulator.start(configuration)
                emulator = running
                baseURL = running.baseURL
                // Loading a large state file frees its parsed tree; give those pages back before the command's
                // own work, which would otherwise stack on top of them.
                FreedMemory.release()
            } catch {
                throw CommandError.failed("cannot start the emulator: \(error)")
            }
        case .url(let server):
            baseURL = server
        }
        guard let url = URL(string: baseURL) else {
            emulator?.stop()
            throw CommandError.usage(UsageError("the server \(quoted(baseURL)) is not a URL"))
        }
        if url.user != nil || url.password != nil {
            emulator?.stop()
            // The server URL is printed and saved in plan files, so it must never carry credentials.
            throw CommandError.usage(
                UsageError(
                    "the server URL must not contain a user name or password",
                    hint: "use --token-file, ODAG_TOKEN, --header or a client certificate instead"))
        }

        if tls.insecure {
            context.console.warning(
                "--insecure: the server's TLS certificate is NOT verified; anyone on the network path can read and change this traffic. Use --ca-cert instead."
            )
        }
        let transport: any HTTPTransport
        do {
            let choice = try TransportFactory.make(for: url, tls: tls, parallelism: parallelism)
            transport = choice.transport
            context.console.debug("transport: \(choice.summary)")
        } catch {
            emulator?.stop()
            throw CommandError.failed("\(error.detail)")
        }

        let console = context.console
        let configuration = ODAGClientConfiguration(
            baseURL: url, headers: options.headers, bearerToken: options.token, timeout: timeout,
            api: config.api ?? emulator?.flavour ?? .document)
        if emulator == nil, let warning = plainTextWarning(url: url, configuration: configuration) {
            console.warning(warning)
        }
        var logger: ODAGClient.RequestLogger?
        if console.verbose {
            logger = { entry in console.debug("http: \(entry)") }
        }
        // A server that accepts and never answers would otherwise give minutes of silence: each retry and its
        // wait is shown where a person is watching (a terminal) or asked to see details.
        var retryObserver: ODAGClient.RetryObserver?
        if console.verbose || (console.errorIsTerminal && !console.quiet) {
            retryObserver = { notice in console.warning("retrying \(notice)") }
        }
        do {
            let client = try ODAGClient(
                configuration: configuration, transport: transport, logger: logger, retryObserver: retryObserver)
            return ServerConnection(
                client: client, identity: choice.identity, emulator: emulator,
                presentsClientCertificate: tls.clientCertPath != nil)
        } catch {
            emulator?.stop()
            throw CommandError.usage(UsageError("\(error)"))
        }
    }

    /// The warning for credentials sent in clear text (plain http to a host other than this machine), or `nil`.
    static func plainTextWarning(url: URL, configuration: ODAGClientConfiguration) -> String? {
        guard url.scheme?.lowercased() == "http", !configuration.secrets.isEmpty else { return nil }
        let host = TransportFactory.comparableHost(of: url)
        guard host != "localhost", host != "::1", !host.hasPrefix("127.") else { return nil }
        return "credentials are sent to \(host) over plain http, readable by anyone on the network path; use https"
    }
}

import Foundation
import ODAGClient
import ODAGCore

/// The connection flags of a command, read and checked once: where to connect and with which credentials.
struct ConnectionOptions: Sendable {
    /// `--server`, as given.
    var server: String?
    /// `--emulator`, made absolute.
    var emulatorPath: String?
    /// `--header` values, in order.
    var headers = HTTPFields()
    /// The bearer token from `--token-file` or `ODAG_TOKEN`.
    var token: String?
    /// `--timeout`, in seconds.
    var timeout: Double = 30
    /// `--ca-cert`, `--client-cert`, `--client-key` and `--insecure`.
    var tls = CurlTransport.TLSOptions()

    /// Reads the connection flags of `arguments` and the credentials of the environment.
    init(_ arguments: ParsedArguments, context: CommandContext) throws {
        headers = try Self.headers(arguments.all("--header"))
        token = try Self.token(arguments, context: context)
        timeout = try arguments.double("--timeout", in: 1...3600) ?? 30
        tls = CurlTransport.TLSOptions(
            caCertPath: arguments.value("--ca-cert").map { absolutePath($0, context) },
            clientCertPath: arguments.value("--client-cert").map { absolutePath($0, context) },
            clientKeyPath: arguments.value("--client-key").map { absolutePath($0, context) },
            insecure: arguments.has("--insecure"))
        if tls.clientKeyPath != nil && tls.clientCertPath == nil {
            throw CommandError.usage(UsageError("--client-key needs --client-cert"))
        }
        for path in [tls.caCertPath, tls.clientCertPath, tls.clientKeyPath].compactMap({ $0 })
        where !FileManager.default.isReadableFile(atPath: path) {
            throw CommandError.failed("cannot read \(quoteText(path))")
        }
        server = arguments.value("--server")
        emulatorPath = arguments.value("--emulator").map { absolutePath($0, context) }
        if emulatorPath != nil && server != nil {
            throw CommandError.usage(UsageError("give either --server or --emulator, not both"))
        }
    }

    /// Options with nothing set, for tests and for callers that build them by hand.
    init() {}

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
            let path = absolutePath(file, context)
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
}

/// `path` made absolute against the command's current folder.
func absolutePath(_ path: String, _ context: CommandContext) -> String {
    if path.hasPrefix("/") { return path }
    return URL(fileURLWithPath: context.currentDirectory).appendingPathComponent(path).standardizedFileURL.path
}

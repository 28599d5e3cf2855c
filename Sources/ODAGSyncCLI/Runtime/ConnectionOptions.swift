import Foundation
import ODAGClient
import ODAGCore
import ODAGSync

/// The connection flags of a command, read and checked once: where to connect and with which credentials.
struct ConnectionOptions: Sendable {
    /// `--server`, as given.
    var server: String?
    /// `--emulator`, made absolute.
    var emulatorPath: String?
    /// The headers of `ODAG_HEADERS`, then of each `--header-file`, then of each `--header`, in order.
    var headers = HTTPFields()
    /// The bearer token from `--token-file` or `ODAG_TOKEN`.
    var token: String?
    /// `--timeout`, in seconds.
    var timeout: Double = 30
    /// `--ca-cert`, `--client-cert`, `--client-key` and `--insecure`.
    var tls = LibcurlTransport.TLSOptions()
    /// `--trust-config-server`: credentials may go to a server named only by the config or a plan file.
    var trustsConfigServer = false

    /// Whether any credential would be sent: a token, a header or a client certificate.
    var sendsCredentials: Bool { token != nil || headers.contains(where: { _ in true }) || tls.clientCertPath != nil }

    /// The secret values (the token and every header value), which no output and no manifest may show.
    var secrets: [String] { (token.map { [$0] } ?? []) + headers.map(\.value).filter { !$0.isEmpty } }

    /// The secrets as the project loader looks for them in manifests and the config.
    var credentials: CredentialValues { CredentialValues(secrets) }

    /// Reads the connection flags of `arguments` and the credentials of the environment, and has the
    /// secrets redacted from the command's output from now on.
    init(_ arguments: ParsedArguments, context: CommandContext) throws {
        if let lines = context.environment["ODAG_HEADERS"] {
            try Self.add(lines: lines, from: "ODAG_HEADERS", to: &headers)
        }
        for file in arguments.all("--header-file") {
            guard let data = FileManager.default.contents(atPath: absolutePath(file, context)) else {
                throw CommandError.failed("cannot read the header file \(quoted(file))")
            }
            try Self.add(
                lines: String(decoding: data, as: UTF8.self), from: "the header file \(quoted(file))", to: &headers)
        }
        for (index, flag) in arguments.all("--header").enumerated() {
            try Self.add(header: flag, from: "--header number \(index + 1)", to: &headers)
        }
        token = try Self.token(arguments, context: context)
        context.redactions.add(secrets)
        trustsConfigServer = arguments.has("--trust-config-server")
        timeout = try arguments.double("--timeout", in: 1...3600) ?? 30
        tls = LibcurlTransport.TLSOptions(
            caCertPath: arguments.value("--ca-cert").map { absolutePath($0, context) },
            clientCertPath: arguments.value("--client-cert").map { absolutePath($0, context) },
            clientKeyPath: arguments.value("--client-key").map { absolutePath($0, context) },
            insecure: arguments.has("--insecure"))
        if tls.clientKeyPath != nil && tls.clientCertPath == nil {
            throw CommandError.usage(UsageError("--client-key needs --client-cert"))
        }
        for path in [tls.caCertPath, tls.clientCertPath, tls.clientKeyPath].compactMap({ $0 })
        where !FileManager.default.isReadableFile(atPath: path) {
            throw CommandError.failed("cannot read \(quoted(path))")
        }
        server = arguments.value("--server")
        emulatorPath = arguments.value("--emulator").map { absolutePath($0, context) }
        if emulatorPath != nil && server != nil {
            throw CommandError.usage(UsageError("give either --server or --emulator, not both"))
        }
    }

    /// Options with nothing set, for tests and for callers that build them by hand.
    init() {}

    /// Adds the headers of `text`, one `Name: value` per line (blank lines and lines starting with `#`
    /// skipped); `source` names where the text came from in errors.
    static func add(lines text: String, from source: String, to headers: inout HTTPFields) throws {
        // `\r\n` is one Character, so lines are split on any newline rather than on "\n".
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            try add(header: String(line), from: "line \(index + 1) of \(source)", to: &headers)
        }
    }

    /// Adds one `Name: value` header. A malformed one is an error that never shows the text, which may be
    /// a credential; only a valid name is ever quoted.
    static func add(header: String, from source: String, to headers: inout HTTPFields) throws {
        let text = header
        guard let colon = text.firstIndex(of: ":") else {
            throw CommandError.usage(
                UsageError(
                    "\(source) is not a header: expected 'Name: value' (the text is not shown, as it may be a secret)"))
        }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard isHeaderName(name) else {
            throw CommandError.usage(
                UsageError(
                    "\(source) has no valid header name before ':' (letters, digits and !#$%&'*+-.^_`|~); "
                        + "the text is not shown, as it may be a secret"))
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else {
            throw CommandError.usage(
                UsageError("the value of header \(quoted(name)) in \(source) holds a control character"))
        }
        headers.add(name: name, value: value)
    }

    /// Whether `name` is an HTTP header name (RFC 9110 token characters).
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || headerNameSymbols.contains(scalar))
            }
    }

    /// The symbols RFC 9110 allows in a token, beside letters and digits.
    private static let headerNameSymbols = Set("!#$%&'*+-.^_`|~".unicodeScalars)

    /// The bearer token from `--token-file` or `ODAG_TOKEN`, never echoed.
    static func token(_ arguments: ParsedArguments, context: CommandContext) throws -> String? {
        if let file = arguments.value("--token-file") {
            let path = absolutePath(file, context)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandError.failed("cannot read the token file \(quoted(file))")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw CommandError.failed("the token file \(quoted(file)) is empty") }
            guard !token.contains(where: \.isNewline) else {
                throw CommandError.failed("the token file \(quoted(file)) has more than one line")
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

import Dispatch
import Foundation
import ODAGCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An ``HTTPTransport`` that runs the `curl` program, for what `URLSession` on Linux cannot do: trust a private CA
/// (`--ca-cert`), present a client certificate (`--client-cert`/`--client-key`) and skip verification
/// (`--insecure`).
///
/// Nothing about a request is put in curl's argument list, which other users can read in the process table: the
/// URL, every header (`Authorization` included), the certificate paths and the body go to curl's standard input as a
/// `--config -` file (a body over ``inlineBodyLimit`` bytes goes through a temporary file of mode 0600, removed
/// afterwards). curl follows no redirects and reads no `~/.curlrc`. Each request runs one `curl` process, killed
/// when the calling task is cancelled. Creating a transport makes the process ignore `SIGPIPE`, so that writing to a
/// curl that has exited fails with an error instead of killing the process.
public struct CurlTransport: HTTPTransport {
    /// What curl should trust and present.
    public struct TLSOptions: Sendable, Equatable {
        /// A PEM file of CA certificates to trust instead of the system store, or `nil`.
        public var caCertPath: String?
        /// A PEM client certificate to present, or `nil`.
        public var clientCertPath: String?
        /// The PEM private key of the client certificate, or `nil` when it is inside the certificate file.
        public var clientKeyPath: String?
        /// Whether to skip verifying the server's certificate (dangerous; the caller warns loudly).
        public var insecure: Bool

        /// Creates TLS options.
        public init(
            caCertPath: String? = nil, clientCertPath: String? = nil, clientKeyPath: String? = nil,
            insecure: Bool = false
        ) {
            self.caCertPath = caCertPath
            self.clientCertPath = clientCertPath
            self.clientKeyPath = clientKeyPath
            self.insecure = insecure
        }
    }

    /// The arguments every curl run gets: no `~/.curlrc`, then the whole configuration from standard input.
    public static let arguments = ["-q", "--config", "-"]

    /// The TLS options.
    public let tls: TLSOptions
    /// The path of the curl program.
    public let curlPath: String

    /// Creates a transport, finding `curl` on the search path unless `curlPath` is given.
    ///
    /// - Throws: ``HTTPTransportError`` of kind `.transportUnavailable` when there is no curl program.
    public init(
        tls: TLSOptions = TLSOptions(), curlPath: String? = nil,
        searchPath: String? = ProcessInfo.processInfo.environment["PATH"]
    ) throws {
        if let curlPath {
            guard FileManager.default.isExecutableFile(atPath: curlPath) else {
                throw HTTPTransportError(
                    .transportUnavailable, detail: "the curl program \"\(curlPath)\" is missing or not executable")
            }
            self.curlPath = curlPath
        } else if let found = Self.locateCurl(searchPath: searchPath) {
            self.curlPath = found
        } else {
            throw HTTPTransportError(
                .transportUnavailable,
                detail: "the curl program was not found on PATH; it is needed for --ca-cert, --client-cert,"
                    + " --client-key and --insecure (install curl, e.g. `apt-get install curl`)")
        }
        self.tls = tls
        Self.ignoreSIGPIPE
    }

    /// The first executable `curl` in the colon-separated `searchPath`, or `nil`.
    public static func locateCurl(searchPath: String?) -> String? {
        for directory in (searchPath ?? "").split(separator: ":") where !directory.isEmpty {
            let candidate = directory.hasSuffix("/") ? "\(directory)curl" : "\(directory)/curl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Writing the configuration to a curl that has already exited must fail with `EPIPE`, not kill us.
    private static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    /// The argument list for `request`: always ``arguments``, which carry nothing of the request.
    public func arguments(for request: HTTPRequest) -> [String] {
        Self.arguments
    }

    /// The `--config` file curl reads from standard input for `request`: URL, method, headers, body, TLS options.
    ///
    /// - Parameter bodyFile: a file holding the body, read by curl instead of the body inline; ``send(_:)`` uses one
    ///   for bodies over ``inlineBodyLimit`` bytes or that are not UTF-8.
    /// - Throws: ``HTTPTransportError`` of kind `.invalidRequest` for a header that would break the file (a line
    ///   break or NUL in a name or value), or an inline body that is not UTF-8 or too long.
    public func configuration(for request: HTTPRequest, bodyFile: String? = nil) throws -> String {
        var lines = [
            "silent", "show-error", "include", "globoff",
            "proto = \"=http,https\"",
            "max-time = \(request.wholeSecondTimeout)",
            "url = \(Self.quoted(request.url.absoluteString))",
            "request = \(Self.quoted(request.method))",
            // curl would otherwise wait for `100 Continue` before sending a larger body.
            "header = \"Expect:\"",
        ]
        for field in request.headers {
            let unsafe =
                field.name.isEmpty || (field.name + field.value).contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
            guard !unsafe, !field.name.contains(":") else {
                throw HTTPTransportError(
                    .invalidRequest, detail: "the header \"\(field.name)\" has a character that cannot be sent")
            }
            // `Name;` is curl's way to send a header with an empty value.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            lines.append("header = \(Self.quoted(line))")
        }
        if let bodyFile {
            lines.append("data-binary = \(Self.quoted("@" + bodyFile))")
        } else if let body = request.body {
            guard body.count <= Self.inlineBodyLimit, let text = Self.inlineText(body) else {
                throw HTTPTransportError(
                    .invalidRequest, detail: "the request body cannot be inlined (not UTF-8 text, or too long)")
            }
            // `data-raw` gives `@` no special meaning, unlike `data-binary`.
            lines.append("data-raw = \(Self.quoted(text))")
        }
        if let path = tls.caCertPath { lines.append("cacert = \(Self.quoted(path))") }
        if let path = tls.clientCertPath {
            // In `--cert`, a colon separates the file from a passphrase; an escaped colon is part of the path.
            lines.append("cert = \(Self.quoted(path.replacingOccurrences(of: ":", with: "\\:")))")
        }
        if let path = tls.clientKeyPath { lines.append("key = \(Self.quoted(path))") }
        if tls.insecure { lines.append("insecure") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The largest body put inline in the configuration: curl 7.88 reads configuration lines of at most 100 KiB.
    public static let inlineBodyLimit = 64 * 1024

    /// The body as text for inlining, or `nil` when it is not UTF-8 or holds a NUL.
    static func inlineText(_ body: [UInt8]) -> String? {
        guard let text = String(validating: body, as: UTF8.self), !text.contains("\0") else { return nil }
        return text
    }

    /// A curl configuration string: double-quoted, with `\`, `"` and line breaks escaped.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Runs curl for `request` and parses its output.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        var bodyFile: TemporaryBodyFile?
        if let body = request.body, body.count > Self.inlineBodyLimit || Self.inlineText(body) == nil {
            bodyFile = try TemporaryBodyFile(body)
        }
        defer { bodyFile?.remove() }
        let config = Array(try configuration(for: request, bodyFile: bodyFile?.path).utf8)
        let run = CurlRun(curlPath: curlPath, arguments: arguments(for: request), input: config)
        let result = try await run.execute(deadlineSeconds: request.wholeSecondTimeout + 5)
        if Task.isCancelled { throw CancellationError() }
        if result.killedByWatchdog {
            throw HTTPTransportError(
                .timedOut,
                detail: "no answer from \(Self.endpoint(of: request.url)) within \(request.wholeSecondTimeout) s")
        }
        guard result.exitCode == 0 else {
            throw Self.transportError(
                exitCode: result.exitCode, stderr: String(decoding: result.stderr, as: UTF8.self), request: request)
        }
        guard let response = Self.parseOutput(result.stdout) else {
            throw HTTPTransportError(
                .connectionLost, detail: "curl gave no HTTP response from \(Self.endpoint(of: request.url))")
        }
        return response
    }

    /// `host:port` of a URL, for messages.
    static func endpoint(of url: URL) -> String {
        let host = url.host ?? "?"
        if let port = url.port { return "\(host):\(port)" }
        return host
    }

    /// Parses `--include` output: header blocks (interim `1xx` ones skipped), then the body. `nil` when malformed.
    static func parseOutput(_ output: [UInt8]) -> HTTPResponse? {
        var index = output.startIndex
        func readLine() -> String? {
            guard index < output.endIndex else { return nil }
            var end = output[index...].firstIndex(of: UInt8(ascii: "\n")) ?? output.endIndex
            let next = end < output.endIndex ? end + 1 : end
            if end > index, output[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = String(decoding: output[index..<end], as: UTF8.self)
            index = next
            return line
        }
        while true {
            guard let statusLine = readLine(), statusLine.hasPrefix("HTTP/") else { return nil }
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, let status = Int(parts[1]), (100...999).contains(status) else { return nil }
            var headers = HTTPFields()
            while let line = readLine(), !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers.add(name: name, value: value)
            }
            if (100..<200).contains(status) { continue }
            return HTTPResponse(status: status, headers: headers, body: Array(output[index...]))
        }
    }

    /// Maps a curl exit code (see `man curl`, EXIT CODES) to a transport error that says whether the request may
    /// have been sent.
    static func transportError(exitCode: Int32, stderr: String, request: HTTPRequest) -> HTTPTransportError {
        let endpoint = endpoint(of: request.url)
        // curl's own message is the `curl: (N) …` line; a usage error adds a less useful line after it.
        let lines = stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let curlSays = (lines.first { $0.hasPrefix("curl: (") } ?? lines.last).map { line -> String in
            var text = String(line)
            if text.hasPrefix("curl: ("), let close = text.firstIndex(of: ")") {
                text = String(text[text.index(after: close)...]).trimmingCharacters(in: .whitespaces)
            }
            return text
        }
        let because = curlSays.map { " (curl exit \(exitCode): \($0))" } ?? " (curl exit \(exitCode))"
        switch exitCode {
        case 6:
            return HTTPTransportError(
                .cannotResolveHost, detail: "cannot resolve host \(request.url.host ?? "?")\(because)")
        case 5:
            return HTTPTransportError(.cannotResolveHost, detail: "cannot resolve the proxy for \(endpoint)\(because)")
        case 7:
            return HTTPTransportError(.cannotConnect, detail: "cannot connect to \(endpoint)\(because)")
        case 28:
            // A connect or resolve timeout happens before anything is sent; an operation timeout may come after.
            let beforeSending =
                stderr.contains("Connection timed out") || stderr.contains("Resolving timed out")
                || stderr.contains("Failed to connect")
            return HTTPTransportError(
                beforeSending ? .cannotConnect : .timedOut,
                detail: "no answer from \(endpoint) within \(request.wholeSecondTimeout) s\(because)")
        case 52, 55, 56, 18, 92, 16:
            return HTTPTransportError(
                .connectionLost, detail: "the connection to \(endpoint) was lost before a complete answer\(because)")
        case 58, 59, 64, 66, 53, 54:
            return HTTPTransportError(
                .tlsFailure, detail: "the TLS setup for \(endpoint) failed\(because)",
                hint: HTTPTransportError.clientCertificateHint)
        case 35, 51, 60, 77, 80, 82, 83, 90, 91:
            let clientSide =
                stderr.contains("certificate required") || stderr.contains("unknown ca")
                || stderr.contains("bad certificate") || stderr.contains("handshake failure")
            return HTTPTransportError(
                .tlsFailure, detail: "the TLS handshake with \(endpoint) failed\(because)",
                hint: clientSide
                    ? HTTPTransportError.clientCertificateHint + ", or " + HTTPTransportError.serverCertificateHint
                    : HTTPTransportError.serverCertificateHint)
        case 1, 2, 3, 26, 27, 43, 48:
            return HTTPTransportError(
                .invalidRequest, detail: "curl could not make the request to \(endpoint)\(because)")
        default:
            return HTTPTransportError(.other, detail: "the request to \(endpoint) failed\(because)")
        }
    }
}

/// One curl process: feeds standard input and drains standard output and error on their own threads, so no pipe
/// fills up and blocks the others, and never blocks the caller's task.
private final class CurlRun: @unchecked Sendable {
    // @unchecked: `process` is touched only under `lock` once started; the byte buffers only by their own thread
    // before the semaphore is signalled.
    struct Outcome {
        var exitCode: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var killedByWatchdog: Bool
    }

    private let curlPath: String
    private let arguments: [String]
    private let input: [UInt8]
    private let lock = NSLock()
    private var process: Process?
    private var finished = false
    private var killedByWatchdog = false
    private var cancelled = false

    init(curlPath: String, arguments: [String], input: [UInt8]) {
        self.curlPath = curlPath
        self.arguments = arguments
        self.input = input
    }

    func execute(deadlineSeconds: Int) async throws -> Outcome {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcome, any Error>) in
                let thread = Thread { [self] in
                    continuation.resume(with: Result { try self.runBlocking(deadlineSeconds: deadlineSeconds) })
                }
                thread.start()
            }
        } onCancel: {
            self.terminate(cancelled: true)
        }
    }

    private func terminate(cancelled: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if cancelled { self.cancelled = true } else { killedByWatchdog = true }
        // SIGKILL, not `terminate()`'s SIGTERM: curl inherits the signal mask of the thread that started it, and
        // Dispatch's threads block SIGTERM.
        if !finished, let process, process.isRunning { _ = kill(process.processIdentifier, SIGKILL) }
    }

    private func runBlocking(deadlineSeconds: Int) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curlPath)
        process.arguments = arguments
        // A minimal environment: no proxy settings or curl home directory leak in from the caller's shell, except
        // the proxy variables a corporate network may need.
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for key in [
            "PATH", "LANG", "LC_ALL", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
        ] {
            if let value = inherited[key] { environment[key] = value }
        }
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        lock.lock()
        if cancelled {
            lock.unlock()
            throw CancellationError()
        }
        do {
            try process.run()
        } catch {
            lock.unlock()
            throw HTTPTransportError(
                .transportUnavailable,
                detail: "cannot run the curl program \"\(curlPath)\": \(error.localizedDescription)")
        }
        self.process = process
        lock.unlock()

        let watchdog = DispatchWorkItem { [self] in terminate(cancelled: false) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(deadlineSeconds), execute: watchdog)
        defer { watchdog.cancel() }
        let group = DispatchGroup()
        let input = self.input
        group.enter()
        Thread {
            // The write fails with EPIPE (SIGPIPE is ignored) if curl exits early; its exit code tells why.
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
            group.leave()
        }.start()
        let errorBox = ByteBox()
        group.enter()
        Thread {
            errorBox.bytes = Array(stderr.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }.start()
        let output = Array(stdout.fileHandleForReading.readDataToEndOfFile())
        group.wait()
        process.waitUntilExit()
        lock.lock()
        finished = true
        let killed = killedByWatchdog
        lock.unlock()
        try? stdout.fileHandleForReading.close()
        try? stderr.fileHandleForReading.close()
        let exitCode = process.terminationReason == .exit ? process.terminationStatus : -1
        return Outcome(exitCode: exitCode, stdout: output, stderr: errorBox.bytes, killedByWatchdog: killed)
    }
}

/// Bytes handed from a reader thread to the waiting thread (ordered by the dispatch group).
private final class ByteBox: @unchecked Sendable {
    var bytes: [UInt8] = []
}

/// A large or binary request body in a file that only we can read (mode 0600), removed after the request.
private struct TemporaryBodyFile {
    let path: String

    init(_ body: [UInt8]) throws {
        let directory = FileManager.default.temporaryDirectory.path
        path = "\(directory)/odag-sync-body-\(UUID().uuidString).json"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw HTTPTransportError(.invalidRequest, detail: "cannot create a temporary file for the request body")
        }
        defer { close(fd) }
        var written = 0
        while written < body.count {
            let count = body[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else {
                unlink(path)
                throw HTTPTransportError(.invalidRequest, detail: "cannot write the request body to a temporary file")
            }
            written += count
        }
    }

    func remove() {
        unlink(path)
    }
}

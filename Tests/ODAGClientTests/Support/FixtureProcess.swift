import Foundation
import ODAGClient

/// Finds programs and runs fixture processes for the loopback and TLS tests.
enum Tools {
    /// The first executable `name` on PATH, or `nil`.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The folder of this test target's fixtures.
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
    }

    /// Runs a program to completion; throws with its standard error when it fails.
    static func run(_ program: String, _ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(
                "\(program) \(arguments.joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "odag-client-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A fixture that could not be set up.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `Fixtures/test_server.py` running on a free loopback port; stopped by closing its standard input.
final class PythonTestServer: @unchecked Sendable {
    let port: Int
    let scheme: String
    private let process: Process
    private let input: Pipe

    /// Starts the server (TLS when `cert` is given) and waits for its `listening PORT` line.
    init(
        python: String, script: String = "test_server.py", cert: String? = nil, key: String? = nil,
        clientCA: String? = nil
    ) throws {
        var arguments = [Tools.fixtures.appendingPathComponent(script).path]
        if let cert, let key { arguments += ["--cert", cert, "--key", key] }
        if let clientCA { arguments += ["--client-ca", clientCA] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Reading the first line blocks until the server has bound its port: that is the synchronisation.
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening "), let port = Int(text.dropFirst("listening ".count)) else {
            process.terminate()
            throw FixtureError("the test server did not start: \"\(text)\"")
        }
        self.port = port
        self.scheme = cert == nil ? "http" : "https"
        self.process = process
        self.input = input
    }

    /// `scheme://127.0.0.1:port` + `path`.
    func url(_ path: String, host: String = "127.0.0.1") -> URL {
        // Always a valid URL for the paths the tests use; the fallback makes a mistake fail loudly as a bad request.
        URL(string: "\(scheme)://\(host):\(port)\(path)") ?? URL(fileURLWithPath: "/invalid-test-url")
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }
}

/// A CA, a server certificate for 127.0.0.1/localhost and a client certificate signed by it, plus an unrelated CA,
/// made with `openssl` in a temporary folder.
struct TLSMaterials {
    let directory: URL
    var ca: String { directory.appendingPathComponent("ca.pem").path }
    var otherCA: String { directory.appendingPathComponent("other-ca.pem").path }
    var serverCert: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }
    var clientCert: String { directory.appendingPathComponent("client.pem").path }
    var clientKey: String { directory.appendingPathComponent("client.key").path }

    init(openssl: String) throws {
        directory = try Tools.temporaryDirectory()
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for name in ["ca", "other-ca"] {
            try Tools.run(
                openssl,
                ["req", "-x509"] + ec + [
                    "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2",
                    "-subj", "/CN=odag-sync test \(name)",
                ], in: directory)
        }
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            .write(to: directory.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n"
            .write(to: directory.appendingPathComponent("client.ext"), atomically: true, encoding: .utf8)
        for name in ["server", "client"] {
            try Tools.run(
                openssl, ["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"],
                in: directory)
            try Tools.run(
                openssl,
                [
                    "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                    "-CAcreateserial", "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
                ], in: directory)
        }
    }
}

/// Runs blocking fixture work (starting processes, waiting for them) on its own thread, so it never occupies one of
/// the few threads Swift concurrency shares between the tests running in parallel.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

extension PythonTestServer {
    /// Starts the server without blocking the caller's thread.
    static func start(
        python: String, script: String = "test_server.py", cert: String? = nil, key: String? = nil,
        clientCA: String? = nil
    ) async throws -> PythonTestServer {
        try await offThePool {
            try PythonTestServer(python: python, script: script, cert: cert, key: key, clientCA: clientCA)
        }
    }
}

extension TLSMaterials {
    /// Makes the certificates without blocking the caller's thread.
    static func make(openssl: String) async throws -> TLSMaterials {
        try await offThePool { try TLSMaterials(openssl: openssl) }
    }
}

import Foundation
import ODAGCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A running local ODAG service: all 14 operations of `/api/odag/v1` over real HTTP/1.1, its state
/// in a JSON file, with optional latency, failures, dropped answers and authentication to rehearse.
///
/// ```swift
/// var configuration = EmulatorConfiguration(statePath: "state.json")
/// let emulator = try Emulator.start(configuration)
/// print("listening on \(emulator.baseURL)")
/// emulator.waitUntilStopped()
/// ```
///
/// Every change is in the state file (atomic replace, `fsync`) before its `2xx` is sent, so a
/// `kill -9` loses nothing that was acknowledged.
public final class Emulator: Sendable {
    /// The configuration the emulator runs with (with the real port).
    public let configuration: EmulatorConfiguration
    private let server: HTTPServer
    private let store: EmulatorStore

    /// The port it listens on.
    public var port: Int { server.port }

    /// The host it listens on.
    public var host: String { configuration.host }

    /// The API's base URL, `http://HOST:PORT/api/odag/v1` (IPv6 hosts in brackets).
    public var baseURL: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)\(EmulatorConfiguration.basePath)"
    }

    private init(configuration: EmulatorConfiguration, server: HTTPServer, store: EmulatorStore) {
        self.configuration = configuration
        self.server = server
        self.store = store
    }

    /// Loads (or creates) the state file, then starts listening.
    ///
    /// - Throws: ``EmulatorError`` for an invalid configuration, an unreadable or corrupt state file,
    ///   a state file that cannot be written, or an address that cannot be bound.
    public static func start(_ configuration: EmulatorConfiguration) throws(EmulatorError) -> Emulator {
        try configuration.validate()
        let clock = configuration.clock
        var contents = EmulatorStore.Contents()
        var mustWrite = false
        if let path = configuration.statePath {
            if let loaded = try StateFile.load(path: path, defaultOwner: configuration.defaultOwner, now: clock.now()) {
                contents = loaded.contents
                mustWrite = loaded.normalized
            } else {
                mustWrite = true
            }
        }
        let store = EmulatorStore(
            contents: contents, clock: clock, queuedDuration: configuration.queuedDuration,
            loadingDuration: configuration.loadingDuration)
        let persister = StatePersister(path: configuration.statePath, initialVersion: 0) { store.snapshot() }
        if mustWrite { try persister.saveNow() }

        let router = EmulatorRouter(store: store, persister: persister, defaultOwner: configuration.defaultOwner)
        let faults = FaultInjector(
            failRate: configuration.failRate, dropRate: configuration.dropRate,
            seed: configuration.seed ?? UInt64.random(in: 0...UInt64.max))
        let gate = EmulatorGate(configuration: configuration, faults: faults)
        let server: HTTPServer
        do {
            server = try HTTPServer(
                host: configuration.host, port: configuration.port,
                limits: HTTPRequestParser.Limits(maxBodyBytes: configuration.maxBodyBytes),
                idleTimeout: configuration.idleTimeout
            ) { request in
                gate.handle(request) { router.handle($0) }
            }
        } catch {
            throw .listenFailed(error.description)
        }
        var running = configuration
        running.port = server.port
        return Emulator(configuration: running, server: server, store: store)
    }

    /// Stops listening and closes every connection; returns when all connection threads have ended.
    public func stop() {
        server.stop()
    }

    /// Blocks until ``stop()`` has been called (from another thread) and has finished.
    public func waitUntilStopped() {
        server.waitUntilStopped()
    }

    /// The number of links held (for tests and diagnostics).
    public var linkCount: Int { store.linkCount }
}

/// What happens in front of the API: the login page, latency, authentication and injected faults.
struct EmulatorGate: Sendable {
    let configuration: EmulatorConfiguration
    let faults: FaultInjector

    static let loginPage = """
        <!DOCTYPE html>
        <html><head><title>Qlik Sense login</title></head>
        <body><form method="post" action="\(EmulatorConfiguration.loginPath)">
        <input name="username"><input name="pwd" type="password"><button>Log in</button>
        </form></body></html>

        """

    func handle(_ request: HTTPServerRequest, next: (HTTPServerRequest) -> HTTPServerResponse) -> HTTPServerResponse {
        // The login page is never delayed, failed, dropped or protected.
        if request.path.hasPrefix(EmulatorConfiguration.loginPath) || request.path + "/" == EmulatorConfiguration.loginPath {
            return .text(200, EmulatorGate.loginPage, contentType: "text/html; charset=utf-8")
        }
        if configuration.latencyMs > 0 {
            Thread.sleep(forTimeInterval: Double(configuration.latencyMs) / 1000)
        }
        if let token = configuration.requireToken, request.headers["Authorization"] != "Bearer \(token)" {
            var response = EmulatorRouter.error(
                EmulatorAPIError(
                    status: 401,
                    message: request.headers["Authorization"] == nil
                        ? "authentication required: send Authorization: Bearer <token>"
                        : "the bearer token was not accepted"))
            response.headers.set("WWW-Authenticate", "Bearer realm=\"odag-emulator\"")
            return response
        }
        if let header = configuration.requireHeader, (request.headers[header] ?? "").isEmpty {
            // As a Qlik virtual proxy does for an unauthenticated API call: redirect to its login form.
            var headers = HTTPHeaders()
            headers.set("Location", "\(EmulatorConfiguration.loginPath)?targetId=\(ODAGUUID.random())")
            headers.set("Content-Type", "text/html; charset=utf-8")
            return HTTPServerResponse(
                status: 302, headers: headers, body: Array("<html><body>Redirecting to login</body></html>".utf8))
        }
        let decision = faults.next()
        if decision.fail {
            var response = EmulatorRouter.error(
                EmulatorAPIError(status: 503, message: "the service is unavailable (injected failure), retry later"))
            response.headers.set("Retry-After", String(configuration.retryAfterSeconds))
            return response
        }
        let response = next(request)
        return decision.drop ? .drop : response
    }
}

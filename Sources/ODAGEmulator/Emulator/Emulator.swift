import Foundation
import ODAGCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A running local ODAG service: all 14 operations of `/api/odag/v1` over real HTTP/1.1, its state
/// in a JSON file, with optional latency, failures, dropped answers and authentication to rehearse.
/// With ``EmulatorConfiguration/api`` `.qseow` it serves the link API in the shapes Qlik documents
/// instead (see ``flavour``), behind a proxy session cookie.
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
    /// The API flavour it serves: the configuration's, else the one its state file records, else `.document`.
    public let flavour: APIFlavour
    private let server: HTTPServer
    private let backend: Backend
    private let persister: StatePersister
    private let lock: StateFileLock?

    /// The store of the flavour served.
    private enum Backend: Sendable {
        case document(EmulatorStore)
        case qseow(QseowStore)

        func snapshot() -> (version: UInt64, parts: [[UInt8]]) {
            switch self {
            case .document(let store): return store.snapshot()
            case .qseow(let store): return store.snapshot()
            }
        }
    }

    /// The port it listens on.
    public var port: Int { server.port }

    /// The host it listens on.
    public var host: String { configuration.host }

    /// The API's base URL, `http://HOST:PORT/api/odag/v1` (IPv6 hosts in brackets).
    public var baseURL: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)\(EmulatorConfiguration.basePath)"
    }

    private init(
        configuration: EmulatorConfiguration, flavour: APIFlavour, server: HTTPServer, backend: Backend,
        persister: StatePersister, lock: StateFileLock?
    ) {
        self.configuration = configuration
        self.flavour = flavour
        self.server = server
        self.backend = backend
        self.persister = persister
        self.lock = lock
    }

    /// Loads (or creates) the state file, then starts listening.
    ///
    /// - Throws: ``EmulatorError`` for an invalid configuration, a state file another emulator serves, an
    ///   unreadable or corrupt state file, a state file that cannot be written, or an address that cannot be bound.
    public static func start(_ configuration: EmulatorConfiguration) throws(EmulatorError) -> Emulator {
        try configuration.validate()
        let clock = configuration.clock
        // Taken before anything else touches the state file, and held until stop().
        let lock = try configuration.statePath.map { (path) throws(EmulatorError) in
            try StateFileLock.acquire(statePath: path)
        }
        var flavour = configuration.api ?? .document
        // The state file's contents when it is of the flavour served; one of the other flavour that holds
        // nothing is simply started afresh in this one.
        var own: (root: JSONValue, path: String)?
        if let path = configuration.statePath {
            StateFile.removeStaleTemporaryFiles(of: path)
            if let root = try StateFile.read(path: path) {
                let recorded = try StateFile.flavour(of: root, path: path)
                if configuration.api == nil {
                    flavour = recorded
                } else if recorded != flavour && StateFile.holdsData(root) {
                    throw .stateFileFlavourMismatch(path: path, recorded: recorded, requested: flavour)
                }
                if recorded == flavour { own = (root, path) }
            }
        }
        let owner = configuration.defaultOwner
        let backend: Backend
        var mustWrite = true
        switch flavour {
        case .document:
            let loaded = try own.map { (file) throws(EmulatorError) in
                try StateFile.decode(root: file.root, path: file.path, defaultOwner: owner, now: clock.now())
            }
            mustWrite = loaded?.normalized ?? true
            backend = .document(
                EmulatorStore(
                    contents: loaded?.contents ?? EmulatorStore.Contents(), clock: clock,
                    queuedDuration: configuration.queuedDuration, loadingDuration: configuration.loadingDuration))
        case .qseow:
            let loaded = try own.map { (file) throws(EmulatorError) in
                try StateFile.decodeQseow(root: file.root, path: file.path, defaultOwner: owner, now: clock.now())
            }
            mustWrite = loaded?.normalized ?? true
            backend = .qseow(QseowStore(contents: loaded?.contents ?? QseowStore.Contents(), clock: clock))
        }
        let persister = StatePersister(
            path: configuration.statePath, sync: configuration.syncStateWrites, initialVersion: 0
        ) { backend.snapshot() }
        if mustWrite { try persister.saveNow() }

        let faults = FaultInjector(
            failRate: configuration.failRate, dropRate: configuration.dropRate,
            seed: configuration.seed ?? UInt64.random(in: 0...UInt64.max))
        var gate = EmulatorGate(configuration: configuration, faults: faults)
        gate.announced = configuration.announcesFlavour ? flavour : nil
        let handler: @Sendable (HTTPServerRequest) -> HTTPServerResponse
        switch backend {
        case .document(let store):
            let router = EmulatorRouter(store: store, persister: persister, defaultOwner: configuration.defaultOwner)
            handler = { router.handle($0) }
        case .qseow(let store):
            let router = QseowRouter(store: store, persister: persister, defaultOwner: configuration.defaultOwner)
            handler = { router.handle($0) }
            gate.sessions = store
        }
        let server: HTTPServer
        do {
            server = try HTTPServer(
                host: configuration.host, port: configuration.port,
                limits: HTTPRequestParser.Limits(maxBodyBytes: configuration.maxBodyBytes),
                idleTimeout: configuration.idleTimeout, requestTimeout: configuration.requestTimeout,
                maxConnections: configuration.maxConnections
            ) { [gate] request in
                gate.handle(request, next: handler)
            }
        } catch {
            throw .listenFailed(error.description)
        }
        var running = configuration
        running.port = server.port
        return Emulator(
            configuration: running, flavour: flavour, server: server, backend: backend, persister: persister, lock: lock
        )
    }

    /// Stops listening and closes every connection; returns when all connection threads have ended, then lets
    /// another emulator serve the state file.
    public func stop() {
        server.stop()
        if case .qseow = backend {
            // The session count changes without a save of its own; a failed save here loses only that count.
            try? persister.flush()
        }
        lock?.release()
    }

    /// Blocks until ``stop()`` has been called (from another thread) and has finished.
    public func waitUntilStopped() {
        server.waitUntilStopped()
    }

    /// The number of links held (for tests and diagnostics).
    public var linkCount: Int {
        switch backend {
        case .document(let store): return store.linkCount
        case .qseow(let store): return store.linkCount
        }
    }

    /// The proxy sessions the `qseow` flavour has created (a `Set-Cookie: X-Qlik-Session` sent to a
    /// request that carried none of its cookies), over the life of the state file, or of this run when
    /// in memory; always `0` for the `document` flavour, which sets no cookie.
    public var sessionsCreated: Int {
        guard case .qseow(let store) = backend else { return 0 }
        return store.sessionsCreated
    }

    /// The API flavour the state file at `path` records: `.qseow` for `"api": "qseow"`, `.document` for
    /// any other state file, `nil` when there is no file. It does not take the file's lock.
    ///
    /// - Throws: ``EmulatorError`` when the file cannot be read, is not JSON, or names an unknown flavour.
    public static func recordedFlavour(statePath path: String) throws(EmulatorError) -> APIFlavour? {
        guard let root = try StateFile.read(path: path) else { return nil }
        return try StateFile.flavour(of: root, path: path)
    }
}

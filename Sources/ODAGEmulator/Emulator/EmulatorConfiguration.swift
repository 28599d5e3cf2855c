import ODAGCore

/// Everything that shapes an emulator run: where it listens, where it keeps its state, which
/// faults it injects and how fast generation requests progress.
public struct EmulatorConfiguration: Sendable {
    /// The address to listen on; loopback unless told otherwise.
    public var host: String = "127.0.0.1"
    /// The port; `0` picks a free one (read it back from ``Emulator/port``).
    public var port: Int = 0
    /// The state file; `nil` keeps the state in memory only. Created when missing.
    public var statePath: String?
    /// Whether each save of the state file is `fsync`ed (the default). Off, saves are still atomic
    /// and survive a killed emulator (`kill -9`), but not a power cut; a large state file then
    /// costs a copy per save instead of a disk flush, for benchmarks that measure the client.
    public var syncStateWrites: Bool = true
    /// Milliseconds to wait before answering each API request (the connection's own thread waits, others are not held up).
    public var latencyMs: Int = 0
    /// Probability (0…1) that an API request is answered `503` with `Retry-After` and not done.
    public var failRate: Double = 0
    /// Probability (0…1) that an API request is done and saved, and then the connection is closed without an answer.
    public var dropRate: Double = 0
    /// Seed of the fault generator, for repeatable faults; `nil` draws a random seed.
    public var seed: UInt64?
    /// When set, API requests without this header (any value) are answered like a Qlik virtual proxy
    /// answers an unauthenticated call: `302 Found` to ``loginPath``, whose `GET` is a `200 text/html` login page.
    public var requireHeader: String?
    /// When set, API requests must carry `Authorization: Bearer <token>`; otherwise `401` JSON with `WWW-Authenticate: Bearer`.
    public var requireToken: String?
    /// The `Retry-After` seconds sent with injected `503`s.
    public var retryAfterSeconds: Int = 1
    /// The owner given to links and requests made without an `X-Qlik-User` header.
    public var defaultOwner: String = "INTERNAL\\sa_api"
    /// Seconds a generation request stays `queued` before it starts `loading`.
    public var queuedDuration: Double = 0.05
    /// Seconds a generation request (or an app reload) stays `loading` before it completes.
    public var loadingDuration: Double = 0.1
    /// Largest accepted request body in bytes; larger bodies get `413`.
    public var maxBodyBytes: Int = 1 << 20
    /// Seconds an idle keep-alive connection stays open.
    public var idleTimeout: Double = 60
    /// Seconds from a request's first byte by which all of it, head and body, must have arrived
    /// (`408` and close otherwise), however slowly its bytes trickle in.
    public var requestTimeout: Double = 30
    /// The most connections open at once; beyond it the one waiting longest for a request head is
    /// closed to make room, or the new one gets `503` when all are busy.
    public var maxConnections: Int = 512
    /// The shapes it serves: the API document's (`.document`) or those Qlik documents for its ODAG
    /// service (`.qseow`). `nil` serves the flavour the state file records, and `.document` when
    /// there is no state file or it records none. A state file with links of the other flavour is
    /// refused (``EmulatorError/stateFileFlavourMismatch(path:recorded:requested:)``).
    public var api: APIFlavour?
    /// Whether every answer names the flavour served in an `X-ODAG-Emulator-API` header, which lets
    /// `--api auto` tell an emulator without links. Off, it is as silent as a real server (tests of
    /// what `auto` does when it cannot tell turn it off).
    public var announcesFlavour = true
    /// Where the emulator reads the time (tests pass a ``ManualClock``).
    public var clock: any EmulatorClock = SystemClock()

    /// The path of the login page used by ``requireHeader`` (served without any checks or faults).
    public static let loginPath = "/internal_forms_authentication/"
    /// The API's base path.
    public static let basePath = "/api/odag/v1"
    /// A selected value that makes a generation request end `failed` instead of `completed`, so
    /// clients can rehearse failures: `{"selectionState": {"Region": ["emulator:fail"]}}`.
    public static let failingSelectionValue = "emulator:fail"

    /// Creates a configuration; every setting has a default and can be changed afterwards.
    public init(host: String = "127.0.0.1", port: Int = 0, statePath: String? = nil) {
        self.host = host
        self.port = port
        self.statePath = statePath
    }

    /// Checks the ranges of the settings.
    public func validate() throws(EmulatorError) {
        guard (0...65535).contains(port) else {
            throw .invalidConfiguration("port \(port) is outside 0 to 65535")
        }
        guard latencyMs >= 0 else { throw .invalidConfiguration("latency \(latencyMs) ms is negative") }
        guard (0...1).contains(failRate) else {
            throw .invalidConfiguration("fail rate \(failRate) is outside 0 to 1")
        }
        guard (0...1).contains(dropRate) else {
            throw .invalidConfiguration("drop rate \(dropRate) is outside 0 to 1")
        }
        guard retryAfterSeconds >= 0 else {
            throw .invalidConfiguration("retry-after \(retryAfterSeconds) seconds is negative")
        }
        guard queuedDuration >= 0, loadingDuration >= 0 else {
            throw .invalidConfiguration("request step durations must not be negative")
        }
        guard idleTimeout > 0 else { throw .invalidConfiguration("idle timeout \(idleTimeout) s must be positive") }
        guard requestTimeout > 0 else {
            throw .invalidConfiguration("request timeout \(requestTimeout) s must be positive")
        }
        guard maxConnections > 0 else {
            throw .invalidConfiguration("maximum connection count \(maxConnections) must be positive")
        }
        guard maxBodyBytes > 0 else { throw .invalidConfiguration("maximum body size must be positive") }
        if let header = requireHeader, header.isEmpty {
            throw .invalidConfiguration("the required header name is empty")
        }
        if let token = requireToken, token.isEmpty {
            throw .invalidConfiguration("the required token is empty")
        }
    }
}

import Foundation
import ODAGClient
import ODAGCore

/// An in-memory transport: answers each request from a script and records what was sent.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    typealias Step = @Sendable (HTTPRequest) throws -> HTTPResponse

    private let lock = NSLock()
    private var steps: [Step]
    private var fallback: Step?
    private var recorded: [HTTPRequest] = []

    /// Answers the n-th request with the n-th step, then with `fallback` (or fails the test with a 599).
    init(_ steps: [Step] = [], fallback: Step? = nil) {
        self.steps = steps
        self.fallback = fallback
    }

    var requests: [HTTPRequest] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step: Step? = lock.withLock {
            recorded.append(request)
            return steps.isEmpty ? fallback : steps.removeFirst()
        }
        guard let step else { return HTTPResponse(status: 599, body: Array("script exhausted".utf8)) }
        return try step(request)
    }
}

/// Records the waits a client asks for instead of waiting.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Duration] = []

    var sleeps: [Duration] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    var seconds: [Double] {
        sleeps.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
    }

    var sleeper: ODAGClient.Sleeper {
        { duration in
            self.lock.withLock { self.recorded.append(duration) }
        }
    }
}

/// Collects request log entries.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [RequestLogEntry] = []

    var entries: [RequestLogEntry] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    var logger: ODAGClient.RequestLogger {
        { entry in
            self.lock.lock()
            self.recorded.append(entry)
            self.lock.unlock()
        }
    }
}

/// Canned answers and values.
enum Make {
    static let linkId = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"
    static let appA = "a5b6c7d8-0000-4000-8000-000000000001"
    static let appB = "a5b6c7d8-0000-4000-8000-000000000002"
    static let requestId = "b5b6c7d8-0000-4000-8000-000000000003"
    static let token = "s3cr3t-t0ken-value"

    static func json(_ status: Int, _ text: String, headers: HTTPFields = [:]) -> ScriptedTransport.Step {
        { _ in
            var all = headers
            all.add(name: "Content-Type", value: "application/json")
            return HTTPResponse(status: status, headers: all, body: Array(text.utf8))
        }
    }

    static func status(_ status: Int, headers: HTTPFields = [:], body: String = "") -> ScriptedTransport.Step {
        { _ in HTTPResponse(status: status, headers: headers, body: Array(body.utf8)) }
    }

    static func fail(_ kind: HTTPTransportError.Kind) -> ScriptedTransport.Step {
        { _ in throw HTTPTransportError(kind, detail: "scripted \(kind.rawValue)") }
    }

    static func linkJSON(id: String = linkId, name: String = "Sales") -> String {
        """
        {"id":"\(id)","name":"\(name)","selectionAppId":"\(appA)","templateAppId":"\(appB)",
         "owner":"CORP\\\\svc","createdDate":"2026-01-01T00:00:00Z","modifiedDate":"2026-01-01T00:00:00Z",
         "properties":{"rowEstExpr":"Sum(x)","genAppAccessible":true,"futureProperty":{"a":1}},
         "status":"active","serverOnlyField":[1,2,3]}
        """
    }

    static func requestJSON(id: String = requestId) -> String {
        """
        {"id":"\(id)","linkId":"\(linkId)","status":"queued","selectionState":{"Region":["North"]}}
        """
    }

    static func configuration(
        retry: RetryPolicy = .default, token: String? = token,
        headers: HTTPFields = ["X-Qlik-User": "UserDirectory=CORP; UserId=svc"]
    ) -> ODAGClientConfiguration {
        ODAGClientConfiguration(
            baseURL: URL(string: "https://qlik.example.com/api/odag/v1") ?? URL(fileURLWithPath: "/"), headers: headers,
            bearerToken: token,
            timeout: 7, retryPolicy: retry)
    }

    static func client(
        _ transport: ScriptedTransport, sleeps: SleepRecorder = SleepRecorder(), retry: RetryPolicy = .default,
        token: String? = token, log: LogRecorder? = nil, random: RandomSource = .seeded(42),
        now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }
    ) throws -> ODAGClient {
        try ODAGClient(
            configuration: configuration(retry: retry, token: token), transport: transport, sleeper: sleeps.sleeper,
            random: random, now: now, logger: log?.logger)
    }
}

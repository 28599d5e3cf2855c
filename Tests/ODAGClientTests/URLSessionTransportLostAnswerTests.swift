import Foundation
import Testing

@testable import ODAGClient

/// Regression (found by the dropped-connection fault drill): a request with a body sent on a reused keep-alive
/// connection that the server closes without answering hung until the request timeout, because libcurl re-sends
/// the request on a new connection but Foundation on Linux cannot rewind the body. Requests with a body now go on
/// a fresh connection each, so a lost answer fails at once.
@Suite("URLSessionTransport lost answers")
struct URLSessionTransportLostAnswerTests {
    @Test(
        "a lost answer to a POST after a keep-alive GET fails at once as may-have-been-sent",
        .enabled(if: URLSessionTransportTests.python != nil, "needs python3 on PATH"))
    func lostAnswerAfterKeepAlive() async throws {
        let server = try PythonTestServer(python: try #require(URLSessionTransportTests.python))
        let transport = URLSessionTransport()
        for method in ["POST", "PUT"] {
            // Leaves an idle keep-alive connection in the pool.
            let first = try await transport.send(URLSessionTransportTests.request(server.url("/echo")))
            #expect(first.status == 200)
            let clock = ContinuousClock()
            let started = clock.now
            let lost = await #expect(throws: HTTPTransportError.self) {
                try await transport.send(
                    URLSessionTransportTests.request(
                        server.url("/drop"), method: method, body: #"{"name":"x"}"#, timeout: 20))
            }
            #expect(lost?.delivery == .mayHaveBeenSent)
            #expect(lost?.kind != .timedOut)
            #expect(clock.now - started < .seconds(5), "\(method) took \(clock.now - started)")
        }
        // Requests without a body still share keep-alive connections and work as before.
        let after = try await transport.send(URLSessionTransportTests.request(server.url("/echo")))
        #expect(after.status == 200)
    }
}

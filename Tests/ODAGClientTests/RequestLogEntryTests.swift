import Testing

@testable import ODAGClient

@Suite("RequestLogEntry")
struct RequestLogEntryTests {
    @Test("the line shows method, path, status and milliseconds, and the attempt on retries")
    func line() {
        let entry = RequestLogEntry(
            method: "GET", path: "/api/odag/v1/links", status: 200, duration: .milliseconds(12), attempt: 1)
        #expect(entry.description == "GET /api/odag/v1/links 200 12 ms")
        let retry = RequestLogEntry(
            method: "POST", path: "/api/odag/v1/links", status: nil, duration: .seconds(1), attempt: 2,
            failure: "timed out")
        #expect(retry.description == "POST /api/odag/v1/links failed (timed out) 1000 ms (attempt 2)")
    }
}

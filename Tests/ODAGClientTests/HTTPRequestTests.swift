import Foundation
import Testing

@testable import ODAGClient

@Suite("HTTPRequest")
struct HTTPRequestTests {
    @Test(
        "timeouts become whole seconds, rounded up, at least one",
        arguments: [
            (0.3, 1), (1.0, 1), (1.2, 2), (29.5, 30), (0, 1), (-4, 1), (Double.nan, 1), (Double.infinity, 1),
        ])
    func wholeSeconds(timeout: Double, expected: Int) throws {
        let request = HTTPRequest(method: "GET", url: try #require(URL(string: "http://h/")), timeout: timeout)
        #expect(request.wholeSecondTimeout == expected)
    }

    @Test("the display path leaves out the query")
    func displayPath() throws {
        let url = try #require(URL(string: "http://h:1/api/odag/v1/links?Xrfkey=abcdefghijklmnop"))
        #expect(HTTPRequest(method: "GET", url: url).pathForDisplay == "/api/odag/v1/links")
    }
}

import Foundation
import Testing

@testable import ODAGClient

@Suite("HTTPRequest")
struct HTTPRequestTests {
    @Test(
        "the transport keeps fractions of a second; a timeout that is not a positive number is 30 s",
        arguments: [
            (0.3, 300), (1.0, 1000), (1.2, 1200), (29.5, 29500), (0, 30000), (-4, 30000), (Double.nan, 30000),
            (Double.infinity, 30000),
        ])
    func timeouts(timeout: Double, expectedMilliseconds: Int) throws {
        let request = HTTPRequest(method: "GET", url: try #require(URL(string: "http://h/")), timeout: timeout)
        #expect(try PreparedCurlRequest(request).timeoutMilliseconds == expectedMilliseconds)
    }

    @Test("the display path leaves out the query")
    func displayPath() throws {
        let url = try #require(URL(string: "http://h:1/api/odag/v1/links?Xrfkey=abcdefghijklmnop"))
        #expect(HTTPRequest(method: "GET", url: url).pathForDisplay == "/api/odag/v1/links")
    }
}

import Testing

@testable import ODAGClient

@Suite("ODAGClientError")
struct ODAGClientErrorTests {
    let path = "/api/odag/v1/links/4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"

    @Test("descriptions are lowercase sentences that start with method and path")
    func descriptions() {
        let errors: [ODAGClientError] = [
            .authenticationFailed(method: "GET", path: path, status: 401, message: nil),
            .htmlPage(method: "GET", path: path, status: 200),
            .redirected(method: "GET", path: path, status: 302, location: "/login"),
            .notFound(method: "GET", path: path, object: "link 4e2c", message: nil),
            .server(method: "GET", path: path, status: 500, message: "boom"),
            .decoding(method: "GET", path: path, status: 200, detail: "id: expected a UUID"),
            .transport(method: "GET", path: path, HTTPTransportError(.timedOut, detail: "no answer")),
        ]
        for error in errors {
            #expect(error.description.hasPrefix("GET \(path): "))
            let first = error.description.dropFirst("GET \(path): ".count).first
            #expect(first?.isLowercase == true)
        }
    }

    @Test("the exact wording of the main cases")
    func wording() {
        #expect(
            ODAGClientError.notFound(method: "DELETE", path: path, object: "link 4e2c", message: nil).description
                == "DELETE \(path): link 4e2c not found (404)")
        #expect(
            ODAGClientError.server(method: "PUT", path: path, status: 400, message: "bad name").description
                == "PUT \(path): the server answered 400: \"bad name\"")
        #expect(
            ODAGClientError.server(method: "PUT", path: path, status: 500, message: nil).description
                == "PUT \(path): the server answered 500 without a message")
        let unknown = ODAGClientError.outcomeUnknown(
            operation: "POST /api/odag/v1/links",
            underlying: .transport(
                method: "POST", path: "/api/odag/v1/links", HTTPTransportError(.timedOut, detail: "no answer")))
        #expect(unknown.description.hasPrefix("POST /api/odag/v1/links: the outcome is unknown"))
        #expect(unknown.description.contains("no answer"))
        #expect(unknown.description.contains("re-read the live state"))
    }

    @Test("status and mayHaveBeenApplied")
    func properties() {
        #expect(ODAGClientError.notFound(method: "GET", path: path, object: nil, message: nil).status == 404)
        #expect(
            ODAGClientError.transport(method: "GET", path: path, HTTPTransportError(.cannotConnect, detail: "")).status
                == nil)
        #expect(
            !ODAGClientError.transport(method: "GET", path: path, HTTPTransportError(.cannotConnect, detail: ""))
                .mayHaveBeenApplied)
        #expect(
            ODAGClientError.transport(method: "GET", path: path, HTTPTransportError(.connectionLost, detail: ""))
                .mayHaveBeenApplied)
        let unknown = ODAGClientError.outcomeUnknown(
            operation: "POST /x", underlying: .server(method: "POST", path: "/x", status: 503, message: nil))
        #expect(unknown.status == 503)
        #expect(unknown.mayHaveBeenApplied)
    }
}

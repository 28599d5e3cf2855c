import Foundation
import ODAGCore
import Testing

@testable import ODAGClient

@Suite("ODAGClient over a scripted transport")
struct ODAGClientTests {
    // MARK: Requests on the wire

    @Test("every request carries a fresh xrfkey in header and query, and nothing else in the query")
    func xrfkeyOnEveryRequest() async throws {
        let transport = ScriptedTransport(fallback: Make.json(200, "[]"))
        let client = try Make.client(transport)
        _ = try await client.listLinks()
        _ = try await client.listLinks()
        _ = try await client.listRequests()
        let keys = try transport.requests.map { request -> String in
            let header = try #require(request.headers["x-qlik-xrfkey"])
            let components = try #require(URLComponents(url: request.url, resolvingAgainstBaseURL: false))
            #expect(components.queryItems == [URLQueryItem(name: "Xrfkey", value: header)])
            #expect(Xrfkey.isValid(header))
            return header
        }
        #expect(Set(keys).count == 3)
    }

    @Test("standard headers: Accept, Authorization, configured headers; Content-Type only with a body")
    func standardHeaders() async throws {
        let transport = ScriptedTransport([Make.json(200, "[]"), Make.json(201, Make.linkJSON())])
        let client = try Make.client(transport)
        _ = try await client.listLinks()
        _ = try await client.createLink(
            OdagLinkCreate(name: "Sales", selectionAppId: Make.appA, templateAppId: Make.appB))
        let get = transport.requests[0]
        let post = transport.requests[1]
        #expect(get.headers["Accept"] == "application/json")
        #expect(get.headers["Authorization"] == "Bearer \(Make.token)")
        #expect(get.headers["X-Qlik-User"] == "UserDirectory=CORP; UserId=svc")
        #expect(get.headers["Content-Type"] == nil)
        #expect(get.body == nil)
        #expect(get.timeout == 7)
        #expect(post.headers["Content-Type"] == "application/json")
        let body = try JSONParser.parse(try #require(post.body))
        #expect(body == ["name": "Sales", "selectionAppId": .string(Make.appA), "templateAppId": .string(Make.appB)])
    }

    @Test("the base URL's trailing slash, query and fragment are dropped; ids are percent-encoded")
    func urlBuilding() async throws {
        let transport = ScriptedTransport(fallback: Make.json(200, Make.linkJSON()))
        let configuration = ODAGClientConfiguration(
            baseURL: try #require(URL(string: "https://qlik.example.com/proxy/api/odag/v1/?a=b#frag")))
        let client = try ODAGClient(configuration: configuration, transport: transport, sleeper: { _ in })
        _ = try await client.getLink(id: "a/b?c")
        let url = try #require(transport.requests.first?.url)
        #expect(url.path == "/proxy/api/odag/v1/links/a/b?c" || url.absoluteString.contains("/links/a%2Fb%3Fc?"))
        #expect(url.absoluteString.hasPrefix("https://qlik.example.com/proxy/api/odag/v1/links/a%2Fb%3Fc?Xrfkey="))
        #expect(url.fragment == nil)
    }

    @Test("an empty id is refused before anything is sent; dot segments are encoded")
    func unusableIDs() async throws {
        let transport = ScriptedTransport(fallback: Make.status(204))
        let client = try Make.client(transport)
        let error = await #expect(throws: ODAGClientError.self) { try await client.deleteLink(id: "") }
        #expect(error == .invalidArgument("DELETE /api/odag/v1/links/: an id is empty"))
        #expect(transport.requests.isEmpty)
        try await client.deleteLink(id: "..")
        let url = try #require(transport.requests.first?.url)
        #expect(url.absoluteString.contains("/api/odag/v1/links/%2E%2E?Xrfkey="))
    }

    @Test("a base URL that is not http(s)://host is refused")
    func invalidBaseURL() throws {
        for text in ["ftp://x/api/odag/v1", "file:///tmp/x", "/api/odag/v1"] {
            let configuration = ODAGClientConfiguration(baseURL: try #require(URL(string: text)))
            #expect(throws: ODAGClientError.self) {
                try ODAGClient(configuration: configuration, transport: ScriptedTransport([]))
            }
        }
    }

    struct Call: Sendable, CustomTestStringConvertible {
        let name: String
        let method: String
        let path: String
        let answer: String
        let run: @Sendable (ODAGClient) async throws -> Void
        var testDescription: String { name }
    }

    static let calls: [Call] = [
        Call(name: "getAbout", method: "GET", path: "/about", answer: #"{"version":"3.4.1"}"#) {
            _ = try await $0.getAbout()
        },
        Call(name: "listLinks", method: "GET", path: "/links", answer: "[\(Make.linkJSON())]") {
            _ = try await $0.listLinks()
        },
        Call(name: "createLink", method: "POST", path: "/links", answer: Make.linkJSON()) {
            _ = try await $0.createLink(OdagLinkCreate(name: "n", selectionAppId: Make.appA, templateAppId: Make.appB))
        },
        Call(name: "getLink", method: "GET", path: "/links/\(Make.linkId)", answer: Make.linkJSON()) {
            _ = try await $0.getLink(id: Make.linkId)
        },
        Call(name: "updateLink", method: "PUT", path: "/links/\(Make.linkId)", answer: Make.linkJSON()) {
            _ = try await $0.updateLink(id: Make.linkId, OdagLinkUpdate(name: "n"))
        },
        Call(name: "deleteLink", method: "DELETE", path: "/links/\(Make.linkId)", answer: "") {
            try await $0.deleteLink(id: Make.linkId)
        },
        Call(
            name: "listLinkRequests", method: "GET", path: "/links/\(Make.linkId)/requests",
            answer: "[\(Make.requestJSON())]"
        ) { _ = try await $0.listLinkRequests(linkId: Make.linkId) },
        Call(
            name: "submitRequest", method: "POST", path: "/links/\(Make.linkId)/requests", answer: Make.requestJSON()
        ) { _ = try await $0.submitRequest(linkId: Make.linkId, OdagRequestCreate(selectionState: ["Region": ["N"]])) },
        Call(name: "listRequests", method: "GET", path: "/requests", answer: "[]") {
            _ = try await $0.listRequests()
        },
        Call(name: "getRequest", method: "GET", path: "/requests/\(Make.requestId)", answer: Make.requestJSON()) {
            _ = try await $0.getRequest(id: Make.requestId)
        },
        Call(name: "updateRequest", method: "PUT", path: "/requests/\(Make.requestId)", answer: Make.requestJSON()) {
            _ = try await $0.updateRequest(id: Make.requestId, OdagRequestUpdate(status: "cancelled"))
        },
        Call(name: "deleteRequestApp", method: "DELETE", path: "/requests/\(Make.requestId)/app", answer: "") {
            try await $0.deleteRequestApp(requestId: Make.requestId)
        },
        Call(
            name: "reloadRequestApp", method: "POST", path: "/requests/\(Make.requestId)/reloadApp",
            answer: Make.requestJSON()
        ) { _ = try await $0.reloadRequestApp(requestId: Make.requestId) },
        Call(
            name: "renameRequestApp", method: "POST", path: "/requests/\(Make.requestId)/renameApp",
            answer: Make.requestJSON()
        ) { _ = try await $0.renameRequestApp(requestId: Make.requestId, name: "Renamed") },
    ]

    @Test("each of the 14 operations sends its method and path", arguments: calls)
    func operationRouting(call: Call) async throws {
        let transport = ScriptedTransport([Make.json(call.method == "DELETE" ? 204 : 200, call.answer)])
        try await call.run(try Make.client(transport))
        let request = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(request.method == call.method)
        #expect(request.url.path == "/api/odag/v1" + call.path)
    }

    @Test("PUT /links sends only name and properties, never id, owner or dates")
    func updateBody() async throws {
        let transport = ScriptedTransport([Make.json(200, Make.linkJSON())])
        let client = try Make.client(transport)
        let live = try OdagLink(json: JSONParser.parse(Make.linkJSON()))
        let update = OdagLinkUpdate(name: "Renamed", properties: live.properties)
        _ = try await client.updateLink(id: Make.linkId, update)
        let body = try JSONParser.parse(try #require(transport.requests.first?.body))
        #expect(Set(body.objectValue?.keys.map { $0 } ?? []) == ["name", "properties"])
        #expect(body["properties"]?["futureProperty"] == ["a": 1])
    }

    @Test("renameRequestApp sends {name}")
    func renameBody() async throws {
        let transport = ScriptedTransport([Make.json(200, Make.requestJSON())])
        _ = try await Make.client(transport).renameRequestApp(requestId: Make.requestId, name: "New name")
        #expect(try JSONParser.parse(try #require(transport.requests.first?.body)) == ["name": "New name"])
    }

    @Test("fields the server adds are kept")
    func unknownFieldsKept() async throws {
        let transport = ScriptedTransport([Make.json(200, "[\(Make.linkJSON())]")])
        let links = try await Make.client(transport).listLinks()
        let link = try #require(links.first)
        #expect(link.extra["serverOnlyField"] == [1, 2, 3])
        #expect(link.properties?.extra["futureProperty"] == ["a": 1])
        #expect(link.json["serverOnlyField"] == [1, 2, 3])
    }

    // MARK: Errors

    @Test("401 and 403 say authentication failed, without the token and without naming any option")
    func authenticationErrors() async throws {
        for status in [401, 403] {
            let transport = ScriptedTransport([
                Make.json(status, #"{"message":"bad token \#(Make.token)"}"#, headers: ["WWW-Authenticate": "Bearer"])
            ])
            let error = await #expect(throws: ODAGClientError.self) { try await Make.client(transport).listLinks() }
            let text = try #require(error).description
            #expect(text.hasPrefix("GET /api/odag/v1/links: authentication failed (\(status))"))
            // Advice in terms of options belongs to the command line, which reads the error's case.
            #expect(!text.contains("--"))
            #expect(!text.contains(Make.token))
            #expect(text.contains("<redacted>"))
            #expect(transport.requests.count == 1)
        }
    }

    @Test("an HTML answer is named as such, by content type or by a body starting with <")
    func htmlAnswers() async throws {
        let pages: [ScriptedTransport.Step] = [
            Make.status(200, headers: ["Content-Type": "text/html; charset=utf-8"], body: "<html>login</html>"),
            Make.status(200, body: "  <!DOCTYPE html><html></html>"),
            Make.status(500, headers: ["Content-Type": "text/html"], body: "<h1>oops</h1>"),
        ]
        for page in pages {
            let transport = ScriptedTransport([page])
            let error = await #expect(throws: ODAGClientError.self) { try await Make.client(transport).listLinks() }
            guard case .htmlPage(let method, let path, _) = try #require(error) else {
                Issue.record("expected htmlPage, got \(String(describing: error))")
                continue
            }
            #expect(method == "GET" && path == "/api/odag/v1/links")
            #expect(
                error?.description.contains(
                    "the server answered with an HTML page (likely a virtual proxy's login page)") == true)
        }
    }

    @Test("a redirect is reported with its target, not followed")
    func redirect() async throws {
        let transport = ScriptedTransport([Make.status(302, headers: ["Location": "https://qlik.example.com/login"])])
        let error = await #expect(throws: ODAGClientError.self) { try await Make.client(transport).listLinks() }
        #expect(
            error
                == .redirected(
                    method: "GET", path: "/api/odag/v1/links", status: 302, location: "https://qlik.example.com/login"))
    }

    @Test("404 names the missing object")
    func notFound() async throws {
        let transport = ScriptedTransport([Make.json(404, #"{"message":"no such link"}"#)])
        let error = await #expect(throws: ODAGClientError.self) {
            try await Make.client(transport).getLink(id: Make.linkId)
        }
        #expect(error?.description == "GET /api/odag/v1/links/\(Make.linkId): link \(Make.linkId) not found (404)")
        let pathMissing = ScriptedTransport([Make.json(404, "{}")])
        let other = await #expect(throws: ODAGClientError.self) { try await Make.client(pathMissing).getAbout() }
        #expect(other?.description.contains("check that the server URL ends in /api/odag/v1") == true)
    }

    @Test("other errors quote the server's message, or a problem document's detail or title")
    func serverMessages() async throws {
        let cases: [(ScriptedTransport.Step, String?)] = [
            (Make.json(400, #"{"message":"selectionAppId is not a UUID"}"#), "selectionAppId is not a UUID"),
            (
                Make.status(
                    422, headers: ["Content-Type": "application/problem+json"],
                    body: #"{"title":"Invalid","detail":"name is empty"}"#), "name is empty"
            ),
            (
                Make.status(409, headers: ["Content-Type": "application/problem+json"], body: #"{"title":"Conflict"}"#),
                "Conflict"
            ),
            (Make.status(400, body: "plain words"), "plain words"),
            (Make.status(400), nil),
        ]
        for (step, message) in cases {
            let transport = ScriptedTransport([step])
            let error = await #expect(throws: ODAGClientError.self) {
                try await Make.client(transport).updateLink(id: Make.linkId, OdagLinkUpdate(name: "x"))
            }
            guard case .server(let method, _, _, let quoted) = try #require(error) else {
                Issue.record("expected .server, got \(String(describing: error))")
                continue
            }
            #expect(method == "PUT")
            #expect(quoted == message)
            if let message { #expect(error?.description.contains("\"\(message)\"") == true) }
        }
    }

    @Test("an undecodable successful answer names the JSON path and value")
    func decodingErrors() async throws {
        let badID = ScriptedTransport([Make.json(200, #"[{"id":"x"},{"id":"not-a-uuid"}]"#)])
        let error = await #expect(throws: ODAGClientError.self) { try await Make.client(badID).listLinks() }
        guard case .decoding(_, _, let status, let detail) = try #require(error) else {
            Issue.record("expected .decoding, got \(String(describing: error))")
            return
        }
        #expect(status == 200)
        #expect(detail.contains("[0].id"))
        #expect(detail.contains("\"x\""))
        // Links are decoded as they are parsed; a syntax error after an undecodable link is still the one reported.
        let badThenBroken = ScriptedTransport([Make.json(200, #"[{"id":"x"}, {"id": }]"#)])
        let brokenError = await #expect(throws: ODAGClientError.self) {
            try await Make.client(badThenBroken).listLinks()
        }
        #expect(brokenError?.description.contains("not valid JSON") == true)
        let notAList = ScriptedTransport([Make.json(200, #"{"links": []}"#)])
        let notAListError = await #expect(throws: ODAGClientError.self) { try await Make.client(notAList).listLinks() }
        #expect(notAListError?.description.contains("expected an array of links, found an object") == true)
        let syntax = ScriptedTransport([Make.json(200, #"{"id": }"#)])
        let syntaxError = await #expect(throws: ODAGClientError.self) {
            try await Make.client(syntax).getLink(id: Make.linkId)
        }
        #expect(syntaxError?.description.contains("not valid JSON") == true)
        let empty = ScriptedTransport([Make.status(200)])
        let emptyError = await #expect(throws: ODAGClientError.self) { try await Make.client(empty).getAbout() }
        #expect(emptyError?.description.contains("the body is empty") == true)
    }

    // MARK: Retries

    @Test("GET retries 503, 502 and 504 and then succeeds; waits follow the backoff ceilings")
    func retriesTransientStatuses() async throws {
        let transport = ScriptedTransport([
            Make.status(503), Make.status(502), Make.status(504), Make.json(200, "[]"),
        ])
        let sleeps = SleepRecorder()
        let half = RandomSource { UInt64(1) << 63 }  // unitInterval() == 0.5
        let links = try await Make.client(transport, sleeps: sleeps, random: half).listLinks()
        #expect(links.isEmpty)
        #expect(transport.requests.count == 4)
        #expect(sleeps.seconds == [0.25, 0.5, 1.0])
    }

    @Test("full jitter keeps each wait between zero and its capped ceiling")
    func jitterBounds() async throws {
        let policy = RetryPolicy(maxAttempts: 8, baseDelay: 0.5, maxDelay: 3)
        let transport = ScriptedTransport(fallback: Make.fail(.connectionLost))
        let sleeps = SleepRecorder()
        await #expect(throws: ODAGClientError.self) {
            try await Make.client(transport, sleeps: sleeps, retry: policy, random: .seeded(7)).listLinks()
        }
        #expect(transport.requests.count == 8)
        let ceilings = [0.5, 1, 2, 3, 3, 3, 3]
        #expect(sleeps.seconds.count == 7)
        for (wait, ceiling) in zip(sleeps.seconds, ceilings) {
            #expect(wait >= 0 && wait <= ceiling)
        }
        #expect(Set(sleeps.seconds).count > 1)
    }

    @Test("Retry-After in seconds is honoured exactly, and capped")
    func retryAfterSeconds() async throws {
        let transport = ScriptedTransport([
            Make.status(503, headers: ["Retry-After": "2"]), Make.status(429, headers: ["retry-after": "3600"]),
            Make.json(200, "[]"),
        ])
        let sleeps = SleepRecorder()
        _ = try await Make.client(transport, sleeps: sleeps, retry: RetryPolicy(maxRetryAfter: 10)).listRequests()
        #expect(sleeps.seconds == [2, 10])
    }

    @Test("Retry-After as an HTTP date is measured from the injected clock")
    func retryAfterDate() async throws {
        let now = Date(timeIntervalSince1970: 1_445_412_475)  // Wed, 21 Oct 2015 07:27:55 GMT
        let transport = ScriptedTransport([
            Make.status(503, headers: ["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"]), Make.json(200, "[]"),
        ])
        let sleeps = SleepRecorder()
        _ = try await Make.client(transport, sleeps: sleeps, now: { now }).listLinks()
        #expect(sleeps.seconds == [5])
    }

    @Test("after the last attempt the last failure is thrown")
    func attemptsExhausted() async throws {
        let transport = ScriptedTransport(fallback: Make.json(503, #"{"message":"busy"}"#))
        let sleeps = SleepRecorder()
        let error = await #expect(throws: ODAGClientError.self) {
            try await Make.client(transport, sleeps: sleeps, retry: RetryPolicy(maxAttempts: 3)).listLinks()
        }
        #expect(error == .server(method: "GET", path: "/api/odag/v1/links", status: 503, message: "busy"))
        #expect(transport.requests.count == 3)
        #expect(sleeps.sleeps.count == 2)
    }

    @Test("a non-transient status is not retried")
    func noRetryOn400() async throws {
        let transport = ScriptedTransport(fallback: Make.json(400, #"{"message":"bad"}"#))
        let sleeps = SleepRecorder()
        await #expect(throws: ODAGClientError.self) {
            try await Make.client(transport, sleeps: sleeps).updateLink(id: Make.linkId, OdagLinkUpdate(name: "x"))
        }
        #expect(transport.requests.count == 1)
        #expect(sleeps.sleeps.isEmpty)
    }

    @Test("GET, PUT and DELETE retry timeouts and lost connections")
    func idempotentRetriesTransportErrors() async throws {
        let transport = ScriptedTransport([
            Make.fail(.timedOut), Make.fail(.connectionLost), Make.fail(.cannotConnect),
            Make.json(200, Make.linkJSON()),
        ])
        let link = try await Make.client(transport).updateLink(id: Make.linkId, OdagLinkUpdate(name: "x"))
        #expect(link.id == Make.linkId)
        #expect(transport.requests.count == 4)
    }

    // MARK: No blind re-creates

    @Test(
        "a create that may have been sent is not re-sent: outcomeUnknown",
        arguments: [
            HTTPTransportError.Kind.timedOut, .connectionLost, .other,
        ])
    func createNotResentAfterMaybeSent(kind: HTTPTransportError.Kind) async throws {
        let transport = ScriptedTransport(fallback: Make.fail(kind))
        let sleeps = SleepRecorder()
        let error = await #expect(throws: ODAGClientError.self) {
            try await Make.client(transport, sleeps: sleeps).createLink(
                OdagLinkCreate(name: "n", selectionAppId: Make.appA, templateAppId: Make.appB))
        }
        guard case .outcomeUnknown(let operation, let underlying) = try #require(error) else {
            Issue.record("expected outcomeUnknown, got \(String(describing: error))")
            return
        }
        #expect(operation == "POST /api/odag/v1/links")
        #expect(underlying.mayHaveBeenApplied)
        #expect(error?.mayHaveBeenApplied == true)
        #expect(error?.description.contains("re-read") == true)
        #expect(transport.requests.count == 1)
        #expect(sleeps.sleeps.isEmpty)
    }

    @Test("a create answered 5xx is not re-sent: outcomeUnknown", arguments: [500, 502, 503, 504])
    func createNotResentAfter5xx(status: Int) async throws {
        let transport = ScriptedTransport(fallback: Make.status(status, headers: ["Retry-After": "1"]))
        let error = await #expect(throws: ODAGClientError.self) {
            try await Make.client(transport).submitRequest(
                linkId: Make.linkId, OdagRequestCreate(selectionState: [:]))
        }
        #expect(
            error
                == .outcomeUnknown(
                    operation: "POST /api/odag/v1/links/\(Make.linkId)/requests",
                    underlying: .server(
                        method: "POST", path: "/api/odag/v1/links/\(Make.linkId)/requests", status: status, message: nil
                    )))
        #expect(transport.requests.count == 1)
    }

    @Test("a create that certainly was not sent, or got 429, is sent again")
    func createRetriedWhenNotSent() async throws {
        let transport = ScriptedTransport([
            Make.fail(.cannotConnect), Make.fail(.cannotResolveHost), Make.fail(.tlsFailure),
            Make.status(429, headers: ["Retry-After": "1"]), Make.json(201, Make.linkJSON()),
        ])
        let sleeps = SleepRecorder()
        let link = try await Make.client(transport, sleeps: sleeps, retry: RetryPolicy(maxAttempts: 5)).createLink(
            OdagLinkCreate(name: "Sales", selectionAppId: Make.appA, templateAppId: Make.appB))
        #expect(link.name == "Sales")
        #expect(transport.requests.count == 5)
        #expect(sleeps.seconds.last == 1)
    }

    @Test("a create that was never sent, after the last attempt, is a transport error, not outcomeUnknown")
    func createNotSentExhausted() async throws {
        let transport = ScriptedTransport(fallback: Make.fail(.cannotConnect))
        let error = await #expect(throws: ODAGClientError.self) {
            try await Make.client(transport, retry: RetryPolicy(maxAttempts: 2)).createLink(
                OdagLinkCreate(name: "n", selectionAppId: Make.appA, templateAppId: Make.appB))
        }
        guard case .transport(_, _, let underlying) = try #require(error) else {
            Issue.record("expected .transport, got \(String(describing: error))")
            return
        }
        #expect(underlying.delivery == .notSent)
        #expect(error?.mayHaveBeenApplied == false)
        #expect(transport.requests.count == 2)
    }

    @Test("reloadRequestApp is not re-sent after a timeout; renameRequestApp is")
    func reloadAndRename() async throws {
        let reload = ScriptedTransport(fallback: Make.fail(.timedOut))
        let error = await #expect(throws: ODAGClientError.self) {
            try await Make.client(reload).reloadRequestApp(requestId: Make.requestId)
        }
        #expect(error?.mayHaveBeenApplied == true)
        #expect(reload.requests.count == 1)
        let rename = ScriptedTransport([Make.fail(.timedOut), Make.json(200, Make.requestJSON())])
        _ = try await Make.client(rename).renameRequestApp(requestId: Make.requestId, name: "x")
        #expect(rename.requests.count == 2)
    }

    // MARK: DELETE and 404

    @Test("a DELETE that finds 404 after an attempt with an unknown outcome has succeeded")
    func deleteNotFoundAfterUnknownOutcome() async throws {
        for first in [Make.fail(.connectionLost), Make.fail(.timedOut), Make.status(503), Make.status(504)] {
            let transport = ScriptedTransport([first, Make.json(404, #"{"message":"not found"}"#)])
            try await Make.client(transport).deleteLink(id: Make.linkId)
            #expect(transport.requests.count == 2)
        }
        let app = ScriptedTransport([Make.fail(.connectionLost), Make.status(404)])
        try await Make.client(app).deleteRequestApp(requestId: Make.requestId)
    }

    @Test("a DELETE that finds 404 at once, or after a failure that was certainly not sent, is not found")
    func deleteNotFound() async throws {
        for script in [
            [Make.status(404)], [Make.fail(.cannotConnect), Make.status(404)], [Make.status(429), Make.status(404)],
        ] {
            let transport = ScriptedTransport(script)
            let error = await #expect(throws: ODAGClientError.self) {
                try await Make.client(transport).deleteLink(id: Make.linkId)
            }
            #expect(
                error
                    == .notFound(
                        method: "DELETE", path: "/api/odag/v1/links/\(Make.linkId)", object: "link \(Make.linkId)",
                        message: nil))
        }
    }

    // MARK: Logging, secrets, cancellation

    @Test("the request log has method, path, status and attempt, and no secret")
    func requestLog() async throws {
        let transport = ScriptedTransport([Make.fail(.connectionLost), Make.status(503), Make.json(200, "[]")])
        let log = LogRecorder()
        _ = try await Make.client(transport, log: log).listLinks()
        let entries = log.entries
        #expect(entries.map(\.status) == [nil, 503, 200])
        #expect(entries.map(\.attempt) == [1, 2, 3])
        #expect(entries.allSatisfy { $0.method == "GET" && $0.path == "/api/odag/v1/links" })
        for entry in entries {
            #expect(!entry.description.contains(Make.token))
            #expect(!entry.description.contains("Xrfkey"))
            #expect(entry.duration >= .zero)
        }
        #expect(entries[2].description.hasPrefix("GET /api/odag/v1/links 200 "))
        #expect(entries[2].description.hasSuffix("(attempt 3)"))
        #expect(entries[0].description.contains("failed (scripted connectionLost)"))
    }

    @Test("the configuration's description hides the token and credential headers")
    func configurationRedacts() {
        var configuration = Make.configuration()
        configuration.headers.add(name: "Cookie", value: "X-Qlik-Session=abcdef")
        let text = "\(configuration) \(String(reflecting: configuration))"
        #expect(!text.contains(Make.token))
        #expect(!text.contains("abcdef"))
        #expect(text.contains("UserId=svc"))
    }

    @Test("a seeded random source gives the same xrfkeys")
    func seededKeys() async throws {
        func keys() async throws -> [String] {
            let transport = ScriptedTransport(fallback: Make.json(200, "[]"))
            let client = try Make.client(transport, random: .seeded(99))
            _ = try await client.listLinks()
            _ = try await client.listLinks()
            return transport.requests.compactMap { $0.headers["X-Qlik-Xrfkey"] }
        }
        let first = try await keys()
        #expect(first.count == 2)
        #expect(try await keys() == first)
    }

    @Test("cancellation during a backoff wait stops the retries")
    func cancellationStops() async throws {
        let transport = ScriptedTransport(fallback: Make.status(503))
        let client = try ODAGClient(
            configuration: Make.configuration(), transport: transport,
            sleeper: { _ in throw CancellationError() })
        await #expect(throws: CancellationError.self) { try await client.listLinks() }
        #expect(transport.requests.count == 1)
    }
}

import Foundation
import ODAGCore
import ODAGEmulator
import ODAGTestSupport
import Testing

/// Injected faults, latency and authentication in front of the API.
@Suite struct EmulatorGateTests {
    @Test func failRateAnswers503WithRetryAfterAndDoesNoWork() throws {
        let emulator = try Fixtures.makeEmulator {
            $0.failRate = 1
            $0.retryAfterSeconds = 7
            $0.seed = 1
        }
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        for _ in 0..<3 {
            let response = try client.call("POST", "/links", json: Fixtures.makeLink())
            #expect(response.status == 503)
            #expect(response.headers["Retry-After"] == "7")
            #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
            #expect(response.message?.isEmpty == false)
        }
        #expect(emulator.linkCount == 0)
    }

    @Test func aSeedMakesFaultsRepeatable() throws {
        func pattern(seed: UInt64) throws -> [Int] {
            let emulator = try Fixtures.makeEmulator {
                $0.failRate = 0.5
                $0.seed = seed
            }
            defer { emulator.stop() }
            let client = try RawHTTPClient(port: emulator.port)
            return try (0..<40).map { _ in try client.call("GET", "/about").status }
        }
        let first = try pattern(seed: 42)
        #expect(first.contains(503) && first.contains(200))
        #expect(try pattern(seed: 42) == first)
        #expect(try pattern(seed: 43) != first)
    }

    @Test func dropRateDoesTheWorkSavesItAndClosesWithoutAnswer() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        let emulator = try Fixtures.makeEmulator(statePath: path) {
            $0.dropRate = 1
            $0.seed = 7
        }
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        try client.send(RawHTTPClient.apiRequest("POST", "/links", body: JSONWriter.string(Fixtures.makeLink())))
        #expect(throws: RawHTTPClientError.closed) { try client.readResponse() }
        #expect(emulator.linkCount == 1)
        let saved = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(saved["links"]?.arrayValue?.first?["name"]?.stringValue == "Sales detail")
    }

    @Test func requireTokenAnswers401WithBearerChallenge() throws {
        let emulator = try Fixtures.makeEmulator { $0.requireToken = "s3cret" }
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let missing = try client.call("GET", "/links")
        #expect(missing.status == 401)
        #expect(missing.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
        #expect(missing.message?.contains("Bearer") == true)
        let wrong = try client.call("GET", "/links", headers: [("Authorization", "Bearer nope")])
        #expect(wrong.status == 401)
        #expect(wrong.message?.contains("s3cret") == false)
        let basic = try client.call("GET", "/links", headers: [("Authorization", "Basic czNjcmV0")])
        #expect(basic.status == 401)
        #expect(try client.call("GET", "/links", headers: [("Authorization", "Bearer s3cret")]).status == 200)
    }

    @Test func requireHeaderRedirectsToAnHTMLLoginPage() throws {
        let emulator = try Fixtures.makeEmulator { $0.requireHeader = "X-Qlik-User" }
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let redirect = try client.call("GET", "/links")
        #expect(redirect.status == 302)
        let location = try #require(redirect.headers["Location"])
        #expect(location.hasPrefix(EmulatorConfiguration.loginPath))
        try client.send("GET \(location) HTTP/1.1\r\nHost: x\r\n\r\n")
        let page = try client.readResponse()
        #expect(page.status == 200)
        #expect(page.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("<form"))
        let allowed = try client.call("GET", "/links", headers: [("X-Qlik-User", "UserDirectory=CORP; UserId=a")])
        #expect(allowed.status == 200)
    }

    @Test func faultsNeverApplyToTheLoginPage() throws {
        let emulator = try Fixtures.makeEmulator {
            $0.failRate = 1
            $0.requireHeader = "X-Qlik-User"
            $0.requireToken = "t"
        }
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        for _ in 0..<3 {
            try client.send("GET /internal_forms_authentication/?targetId=x HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func latencyDelaysEachAnswerWithoutHoldingUpOtherConnections() throws {
        let emulator = try Fixtures.makeEmulator { $0.latencyMs = 300 }
        defer { emulator.stop() }
        let port = emulator.port
        let start = Date()
        let errors = runOnThreads(10) { _ in
            let response = try RawHTTPClient(port: port).call("GET", "/about")
            guard response.status == 200 else { throw RawHTTPClientError.malformed(response.text) }
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(errors.isEmpty)
        #expect(elapsed >= 0.3)
        // Ten answers one after another would take 3 s.
        #expect(elapsed < 2.5)
    }

    @Test func rejectsInvalidConfiguration() {
        var configuration = EmulatorConfiguration()
        configuration.failRate = 1.5
        #expect(throws: EmulatorError.invalidConfiguration("fail rate 1.5 is outside 0 to 1")) {
            try Emulator.start(configuration)
        }
        configuration = EmulatorConfiguration()
        configuration.dropRate = -0.1
        #expect(throws: EmulatorError.self) { try Emulator.start(configuration) }
        configuration = EmulatorConfiguration()
        configuration.latencyMs = -1
        #expect(throws: EmulatorError.self) { try Emulator.start(configuration) }
        configuration = EmulatorConfiguration(port: 70000)
        #expect(throws: EmulatorError.self) { try Emulator.start(configuration) }
        configuration = EmulatorConfiguration(host: "999.1.1.1")
        #expect(throws: EmulatorError.listenFailed("cannot listen on \"999.1.1.1\": not an ip address")) {
            try Emulator.start(configuration)
        }
    }

    @Test func aPortInUseIsAClearError() throws {
        let first = try Emulator.start(EmulatorConfiguration())
        defer { first.stop() }
        do {
            _ = try Emulator.start(EmulatorConfiguration(port: first.port))
            Issue.record("a second emulator started on the same port")
        } catch {
            #expect(error.description.contains("cannot listen on 127.0.0.1:\(first.port)"))
            #expect(error.description.contains("in use"))
        }
    }
}

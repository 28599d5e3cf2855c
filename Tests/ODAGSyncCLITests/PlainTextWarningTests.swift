import Foundation
import ODAGClient
import ODAGCore
import Testing

@testable import ODAGSyncCLI

/// Credentials over plain http are warned about, except to this machine.
@Suite struct PlainTextWarningTests {
    static func warning(_ server: String, token: String? = "t0k3n", headers: HTTPFields = [:]) throws -> String? {
        let url = try #require(URL(string: server))
        return ServerConnection.plainTextWarning(
            url: url, configuration: ODAGClientConfiguration(baseURL: url, headers: headers, bearerToken: token))
    }

    @Test func aTokenOrCredentialHeaderOverPlainHTTPToAnotherHostIsWarnedAbout() throws {
        let warned = try Self.warning("http://qlik.example.com/hdr/api/odag/v1")
        #expect(
            warned
                == "credentials are sent to qlik.example.com over plain http, readable by anyone on the network path; use https"
        )
        #expect(
            try Self.warning("http://10.0.0.5:4242/api/odag/v1", token: nil, headers: ["Cookie": "X-Qlik-Session=1"])
                != nil)
        #expect(!(try Self.warning("http://qlik.example.com/api/odag/v1") ?? "").contains("t0k3n"))
    }

    @Test(arguments: [
        "https://qlik.example.com/api/odag/v1", "http://127.0.0.1:8080/api/odag/v1", "http://localhost/api/odag/v1",
        "http://[::1]:8080/api/odag/v1",
    ])
    func httpsOrThisMachineIsNotWarnedAbout(_ server: String) throws {
        #expect(try Self.warning(server) == nil)
    }

    @Test func noCredentialsNoWarning() throws {
        #expect(try Self.warning("http://qlik.example.com/api/odag/v1", token: nil, headers: ["X-Trace": "1"]) == nil)
    }
}

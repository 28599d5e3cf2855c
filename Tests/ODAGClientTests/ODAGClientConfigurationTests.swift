import Foundation
import Testing

@testable import ODAGClient

@Suite("ODAGClientConfiguration")
struct ODAGClientConfigurationTests {
    @Test("secret headers are recognised; the xrfkey and the user header are not secrets")
    func secretHeaders() {
        for name in ["Authorization", "cookie", "Proxy-Authorization", "X-Api-Token", "X-Session-Id"] {
            #expect(ODAGClientConfiguration.isSecretHeader(name))
        }
        for name in ["X-Qlik-Xrfkey", "X-Qlik-User", "Accept"] {
            #expect(!ODAGClientConfiguration.isSecretHeader(name))
        }
    }

    @Test("secrets lists the token and credential header values")
    func secrets() throws {
        let configuration = ODAGClientConfiguration(
            baseURL: try #require(URL(string: "https://h/api/odag/v1")),
            headers: ["Cookie": "X-Qlik-Session=abc123", "X-Qlik-User": "UserDirectory=CORP; UserId=svc"],
            bearerToken: "tok")
        #expect(configuration.secrets == ["tok", "X-Qlik-Session=abc123"])
        #expect(!configuration.description.contains("abc123"))
        #expect(!configuration.description.contains("tok,"))
        #expect(configuration.description.contains("bearerToken: <redacted>"))
    }
}

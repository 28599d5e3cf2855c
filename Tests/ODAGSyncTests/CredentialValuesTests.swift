import ODAGCore
import Testing

@testable import ODAGSync

/// No manifest or config value may hold or expand to a credential.
@Suite struct CredentialValuesTests {
    static let token = "s3cr3t-token-value"

    @Test func shortValuesAndRepeatsAreNotLookedFor() {
        let credentials = CredentialValues([Self.token, "short", Self.token, ""])
        #expect(credentials.values == [Self.token])
        #expect(credentials.found(in: "a \(Self.token) b"))
        #expect(!credentials.found(in: "short"))
        #expect(CredentialValues().isEmpty && !CredentialValues().found(in: Self.token))
    }

    @Test func theEnvironmentsCredentialsAreTheTokenAndTheHeaderValues() {
        let credentials = CredentialValues.of(environment: [
            "ODAG_TOKEN": " \(Self.token)\n",
            "ODAG_HEADERS": "X-Qlik-User: UserDirectory=CORP; UserId=svc\n\nnot a header",
            "OTHER": "not-a-credential-at-all",
        ])
        #expect(credentials.values == [Self.token, "UserDirectory=CORP; UserId=svc"])
    }

    @Test func aStringOrKeyHoldingACredentialIsAnErrorAtItsPlaceThatNeverShowsIt() throws {
        let text = #"{"links": [{"name": "x", "properties": {"a": "pre-\#(Self.token)", "\#(Self.token)": 1}}]}"#
        let document = try JSONParser.parseDocument(Array(text.utf8))
        let diagnostics = CredentialValues([Self.token]).diagnostics(
            in: document.value, file: "m.json", positions: SourcePositions(document: document))
        #expect(
            Diagnostic.normalized(diagnostics).map(\.description) == [
                "m.json:1:40: links[0].properties: a member name " + CredentialValues.message,
                "m.json:1:46: links[0].properties.a: " + CredentialValues.message,
            ])
        #expect(diagnostics.allSatisfy { !$0.description.contains(Self.token) })
    }

    @Test func theResolverRefusesCredentialVariablesAndValuesThatExpandToACredential() {
        let resolver = VariableResolver(
            variables: ["t": Self.token], processEnvironment: ["ODAG_TOKEN": Self.token, "COPY": Self.token],
            credentials: CredentialValues([Self.token]))
        let named = resolver.resolve("${env:ODAG_TOKEN}")
        #expect(named.problems.count == 1 && named.problems[0].hasPrefix(#""${env:ODAG_TOKEN}" names ODAG_TOKEN"#))
        let headers = VariableResolver().resolve("${env:ODAG_HEADERS}")
        #expect(headers.problems.first?.contains("names ODAG_HEADERS, which holds a credential") == true)
        for text in ["${env:COPY}", "x ${t}"] {
            let resolution = resolver.resolve(text)
            #expect(
                resolution.problems.count == 1
                    && resolution.problems[0].hasPrefix("expands to a value that holds a credential"))
            #expect(!resolution.problems[0].contains(Self.token))
        }
        #expect(resolver.resolve("plain \(Self.token)").problems.isEmpty, "a literal is the file check's to report")
        #expect(resolver.resolve("${env:HOME_X}").problems.count == 1)
    }
}

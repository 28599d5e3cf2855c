import Foundation
import ODAGCore
import Testing

@testable import ODAGClient

@Suite("CurlTransport")
struct CurlTransportTests {
    static let curl = Tools.find("curl")
    static let python = Tools.find("python3")
    static let openssl = Tools.find("openssl")

    static func transport(_ tls: CurlTransport.TLSOptions = .init()) throws -> CurlTransport {
        try CurlTransport(tls: tls, curlPath: try #require(curl))
    }

    static func request(
        _ url: URL, method: String = "GET", body: String? = nil, timeout: Double = 10,
        headers: HTTPFields = [
            "Authorization": "Bearer \(Make.token)", "X-Qlik-User": "UserDirectory=CORP; UserId=svc",
        ]
    ) -> HTTPRequest {
        HTTPRequest(method: method, url: url, headers: headers, body: body.map { Array($0.utf8) }, timeout: timeout)
    }

    // MARK: What curl is given

    @Test("the argument list carries nothing of the request: URL, headers, token, paths and body go to stdin")
    func argumentsCarryNoSecrets() throws {
        let tls = CurlTransport.TLSOptions(
            caCertPath: "/secret/ca.pem", clientCertPath: "/secret/client.pem", clientKeyPath: "/secret/client.key")
        let transport = try CurlTransport(tls: tls, curlPath: "/bin/sh")
        let request = Self.request(
            URL(string: "https://qlik.example.com/api/odag/v1/links?Xrfkey=abcdefghijklmnop")!, method: "POST",
            body: #"{"name":"Sales"}"#)
        let arguments = transport.arguments(for: request)
        #expect(arguments == ["-q", "--config", "-"])
        let joined = arguments.joined(separator: " ")
        for secret in [Make.token, "Authorization", "qlik.example.com", "Xrfkey", "/secret/", "Sales", "X-Qlik-User"] {
            #expect(!joined.contains(secret))
        }
        let config = try transport.configuration(for: request)
        #expect(config.contains(#"url = "https://qlik.example.com/api/odag/v1/links?Xrfkey=abcdefghijklmnop""#))
        #expect(config.contains(#"header = "Authorization: Bearer \#(Make.token)""#))
        #expect(config.contains(#"header = "X-Qlik-User: UserDirectory=CORP; UserId=svc""#))
        #expect(config.contains(#"request = "POST""#))
        #expect(config.contains(#"data-raw = "{\"name\":\"Sales\"}""#))
        #expect(config.contains(#"cacert = "/secret/ca.pem""#))
        #expect(config.contains(#"cert = "/secret/client.pem""#))
        #expect(config.contains(#"key = "/secret/client.key""#))
        #expect(!config.contains("insecure"))
        #expect(config.contains("max-time = 10"))
    }

    @Test("the curl process actually started gets only those arguments, and the configuration on its standard input")
    func processSeesNoSecrets() async throws {
        let directory = try Tools.temporaryDirectory()
        let argumentsFile = directory.appendingPathComponent("arguments").path
        let inputFile = directory.appendingPathComponent("input").path
        let fake = directory.appendingPathComponent("curl")
        let script = """
            #!/bin/sh
            printf '%s\\n' "$@" > '\(argumentsFile)'
            cat > '\(inputFile)'
            printf 'HTTP/1.1 201 Created\\r\\nContent-Type: application/json\\r\\n\\r\\n{"ok":true}'
            """
        try script.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: fake.path)
        let transport = try CurlTransport(
            tls: .init(clientCertPath: "/secret/client.pem", clientKeyPath: "/secret/client.key"), curlPath: fake.path)
        let request = Self.request(
            URL(string: "https://qlik.example.com/api/odag/v1/links?Xrfkey=abcdefghijklmnop")!, method: "POST",
            body: #"{"name":"Sales"}"#)
        let response = try await Self.sendToFreshScript(transport, request)
        #expect(response.status == 201)
        #expect(response.body == Array(#"{"ok":true}"#.utf8))
        let arguments = try String(contentsOfFile: argumentsFile, encoding: .utf8)
        #expect(arguments == "-q\n--config\n-\n")
        let input = try String(contentsOfFile: inputFile, encoding: .utf8)
        #expect(input == (try transport.configuration(for: request)))
        #expect(input.contains("Bearer \(Make.token)"))
    }

    /// Sends through a fake curl script written a moment ago. Such a script can fail to start with
    /// ETXTBSY while a process forked by a parallel test still holds the writer's descriptor, so only
    /// that start failure is tried again (a few times).
    static func sendToFreshScript(_ transport: CurlTransport, _ request: HTTPRequest) async throws -> HTTPResponse {
        for _ in 0..<4 {
            do {
                return try await transport.send(request)
            } catch let failure as HTTPTransportError where failure.kind == .transportUnavailable {
                continue
            }
        }
        return try await transport.send(request)
    }

    @Test("a curl that fails is mapped by its exit code")
    func processExitCode() async throws {
        let directory = try Tools.temporaryDirectory()
        let fake = directory.appendingPathComponent("curl")
        let script = """
            #!/bin/sh
            cat > /dev/null
            echo 'curl: (7) Failed to connect to qlik.example.com port 443: Connection refused' >&2
            exit 7
            """
        try script.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: fake.path)
        let transport = try CurlTransport(curlPath: fake.path)
        let error = await #expect(throws: HTTPTransportError.self) {
            try await Self.sendToFreshScript(
                transport, Self.request(URL(string: "https://qlik.example.com/api/odag/v1/about")!))
        }
        #expect(error?.kind == .cannotConnect)
        #expect(error?.delivery == .notSent)
        #expect(error?.detail.contains("Connection refused") == true)
    }

    @Test("timeouts are whole seconds, rounded up; insecure is passed; a colon in the certificate path is escaped")
    func configurationDetails() throws {
        let transport = try CurlTransport(
            tls: .init(clientCertPath: "/a:b/client.pem", insecure: true), curlPath: "/bin/sh")
        let config = try transport.configuration(for: Self.request(URL(string: "https://h/x")!, timeout: 1.2))
        #expect(config.contains("max-time = 2"))
        #expect(config.split(separator: "\n").contains("insecure"))
        #expect(config.contains(#"cert = "/a\\:b/client.pem""#))
    }

    @Test("configuration strings escape backslashes, quotes and line breaks")
    func quoting() {
        #expect(CurlTransport.quoted(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(CurlTransport.quoted("x\ny\r\tz") == #""x\ny\r\tz""#)
    }

    @Test("a header with a line break cannot be smuggled into the configuration")
    func headerInjection() throws {
        let transport = try CurlTransport(curlPath: "/bin/sh")
        let request = Self.request(
            URL(string: "https://h/x")!, headers: ["X-Evil": "a\nurl = \"https://elsewhere\""])
        #expect(throws: HTTPTransportError.self) { try transport.configuration(for: request) }
    }

    @Test("a missing curl is a clear error")
    func missingCurl() throws {
        let empty = try Tools.temporaryDirectory()
        let error = #expect(throws: HTTPTransportError.self) { try CurlTransport(searchPath: empty.path) }
        #expect(error?.kind == .transportUnavailable)
        #expect(error?.description.contains("the curl program was not found on PATH") == true)
        #expect(error?.delivery == .notSent)
        #expect(throws: HTTPTransportError.self) {
            try CurlTransport(curlPath: empty.appendingPathComponent("curl").path)
        }
    }

    // MARK: Parsing

    @Test("output parsing: status, case-insensitive headers, body; interim 1xx blocks skipped")
    func parsing() throws {
        let plain = Array("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-A:  b \r\n\r\n{\"a\":1}".utf8)
        let response = try #require(CurlTransport.parseOutput(plain))
        #expect(response.status == 201)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["x-a"] == "b")
        #expect(response.body == Array("{\"a\":1}".utf8))
        let interim = Array("HTTP/1.1 100 Continue\r\n\r\nHTTP/2 204\r\nServer: x\r\n\r\n".utf8)
        let second = try #require(CurlTransport.parseOutput(interim))
        #expect(second.status == 204)
        #expect(second.body.isEmpty)
        #expect(second.headers["server"] == "x")
        let bareLF = try #require(
            CurlTransport.parseOutput(Array("HTTP/1.0 404 Not Found\nA: 1\n\nbody\r\n\r\nmore".utf8)))
        #expect(bareLF.status == 404)
        #expect(bareLF.body == Array("body\r\n\r\nmore".utf8))
        #expect(CurlTransport.parseOutput([]) == nil)
        #expect(CurlTransport.parseOutput(Array("garbage".utf8)) == nil)
    }

    // MARK: Exit codes

    @Test("exit codes map to kinds that say whether the request was sent")
    func exitCodes() {
        let request = Self.request(URL(string: "https://qlik.example.com:4242/api/odag/v1/links")!)
        func map(_ code: Int32, _ stderr: String = "") -> HTTPTransportError {
            CurlTransport.transportError(exitCode: code, stderr: stderr, request: request)
        }
        #expect(map(6).kind == .cannotResolveHost)
        #expect(map(6).delivery == .notSent)
        #expect(
            map(7, "curl: (7) Failed to connect to qlik.example.com port 4242: Connection refused").kind
                == .cannotConnect)
        #expect(map(7).delivery == .notSent)
        #expect(
            map(7, "curl: (7) Failed to connect to h port 1: Connection refused").detail.contains("Connection refused"))
        #expect(
            map(28, "curl: (28) Operation timed out after 1001 milliseconds with 0 bytes received").kind == .timedOut)
        #expect(map(28, "curl: (28) Operation timed out after 1001 milliseconds").delivery == .mayHaveBeenSent)
        #expect(map(28, "curl: (28) Connection timed out after 1001 milliseconds").delivery == .notSent)
        for code: Int32 in [52, 56] {
            #expect(map(code).kind == .connectionLost)
            #expect(map(code).delivery == .mayHaveBeenSent)
        }
        for code: Int32 in [35, 60] {
            let error = map(code, "curl: (60) SSL certificate problem: unable to get local issuer certificate")
            #expect(error.kind == .tlsFailure)
            #expect(error.delivery == .notSent)
            #expect(error.description.contains("--ca-cert"))
            #expect(error.description.contains("--insecure"))
        }
        #expect(map(58, "curl: (58) could not load PEM client certificate").description.contains("--client-cert"))
        #expect(map(99).delivery == .mayHaveBeenSent)
    }

    // MARK: Over loopback (plain HTTP)

    @Test(
        "curl sends method, URL, headers and body as given, and returns status, headers and body",
        .enabled(if: curl != nil && python != nil, "needs curl and python3 on PATH"))
    func echoOverLoopback() async throws {
        let server = try await PythonTestServer.start(python: try #require(Self.python))
        let body = #"{"name":"Sales \"Q1\" \\ @file","n":1}"#
        let response = try await Self.transport().send(
            Self.request(server.url("/echo/links?Xrfkey=abcdefghijklmnop"), method: "PUT", body: body))
        #expect(response.status == 200)
        #expect(response.headers["CONTENT-TYPE"] == "application/json")
        let echo = try JSONParser.parse(response.body)
        #expect(echo["method"] == "PUT")
        #expect(echo["path"] == "/echo/links")
        #expect(echo["query"] == "Xrfkey=abcdefghijklmnop")
        #expect(echo["body"]?.stringValue == body)
        let headers =
            echo["headers"]?.arrayValue?.compactMap { pair -> (String, String)? in
                guard let name = pair.arrayValue?.first?.stringValue, let value = pair.arrayValue?.last?.stringValue
                else {
                    return nil
                }
                return (name.lowercased(), value)
            } ?? []
        let lookup = Dictionary(headers, uniquingKeysWith: { first, _ in first })
        #expect(lookup["authorization"] == "Bearer \(Make.token)")
        #expect(lookup["x-qlik-user"] == "UserDirectory=CORP; UserId=svc")
        #expect(lookup["expect"] == nil)
    }

    @Test(
        "curl: a body and an answer larger than a pipe's buffer pass without deadlock",
        .enabled(if: curl != nil && python != nil, "needs curl and python3 on PATH"))
    func largeBodies() async throws {
        let server = try await PythonTestServer.start(python: try #require(Self.python))
        let big = "{\"name\":\"" + String(repeating: "x", count: 300_000) + "\"}"
        let response = try await Self.transport().send(Self.request(server.url("/echo/big"), method: "POST", body: big))
        #expect(response.status == 200)
        #expect(response.body.count > 300_000)
        #expect(try JSONParser.parse(response.body)["body"]?.stringValue == big)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix("odag-sync-body-") }
        #expect(leftovers.isEmpty)
    }

    @Test("a body file replaces the inline body in the configuration")
    func bodyFileConfiguration() throws {
        let transport = try CurlTransport(curlPath: "/bin/sh")
        let request = Self.request(URL(string: "https://h/x")!, method: "POST", body: "{}")
        let config = try transport.configuration(for: request, bodyFile: "/tmp/odag-sync-body-1.json")
        #expect(config.contains(#"data-binary = "@/tmp/odag-sync-body-1.json""#))
        #expect(!config.contains("data-raw"))
        let tooLong = Self.request(
            URL(string: "https://h/x")!, method: "POST", body: String(repeating: "x", count: 70_000))
        #expect(throws: HTTPTransportError.self) { try transport.configuration(for: tooLong) }
    }

    @Test("the stderr line quoted is curl's own `curl: (N)` message")
    func stderrLine() {
        let request = Self.request(URL(string: "http://h:1/x")!)
        let error = CurlTransport.transportError(
            exitCode: 2, stderr: "curl: (2) option --bogus: is unknown\ncurl: try 'curl --help' for more information\n",
            request: request)
        #expect(error.detail.contains("option --bogus: is unknown"))
        #expect(!error.detail.contains("try 'curl --help'"))
    }

    @Test(
        "curl: a 401 with WWW-Authenticate: Basic is returned, a redirect is not followed",
        .enabled(if: curl != nil && python != nil, "needs curl and python3 on PATH"))
    func statusesOverLoopback() async throws {
        let server = try await PythonTestServer.start(python: try #require(Self.python))
        let transport = try Self.transport()
        let unauthorized = try await transport.send(Self.request(server.url("/basic401")))
        #expect(unauthorized.status == 401)
        #expect(unauthorized.headers["www-authenticate"] == #"Basic realm="qlik""#)
        let redirect = try await transport.send(Self.request(server.url("/redirect")))
        #expect(redirect.status == 302)
        #expect(redirect.headers["location"] == "/echo/after-redirect")
    }

    @Test(
        "curl: refused is not sent; a dropped connection may have been sent; a silent server times out in ~1 s",
        .enabled(if: curl != nil && python != nil, "needs curl and python3 on PATH"))
    func failuresOverLoopback() async throws {
        let server = try await PythonTestServer.start(python: try #require(Self.python))
        let transport = try Self.transport()
        let refused = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(URL(string: "http://127.0.0.1:1/x")!))
        }
        #expect(refused?.kind == .cannotConnect)
        #expect(refused?.delivery == .notSent)
        let dropped = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(server.url("/drop")))
        }
        #expect(dropped?.delivery == .mayHaveBeenSent)
        let clock = ContinuousClock()
        let started = clock.now
        let silent = await #expect(throws: HTTPTransportError.self) {
            try await transport.send(Self.request(server.url("/hang"), timeout: 0.4))
        }
        let elapsed = clock.now - started
        #expect(silent?.kind == .timedOut)
        #expect(silent?.delivery == .mayHaveBeenSent)
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(30))
    }

    // MARK: TLS

    static let tlsTools = curl != nil && python != nil && openssl != nil

    @Test("TLS: --ca-cert trusts a private CA", .enabled(if: tlsTools, "needs curl, python3 and openssl on PATH"))
    func tlsWithCACert() async throws {
        let tls = try await TLSMaterials.make(openssl: try #require(Self.openssl))
        let server = try await PythonTestServer.start(
            python: try #require(Self.python), cert: tls.serverCert, key: tls.serverKey)
        let response = try await Self.transport(.init(caCertPath: tls.ca)).send(Self.request(server.url("/echo/ok")))
        #expect(response.status == 200)
        let byName = try await Self.transport(.init(caCertPath: tls.ca))
            .send(Self.request(server.url("/echo/ok", host: "localhost")))
        #expect(byName.status == 200)
    }

    @Test(
        "TLS: a server certificate from another CA fails with a TLS error naming --ca-cert and --insecure",
        .enabled(if: tlsTools, "needs curl, python3 and openssl on PATH"))
    func tlsWrongCA() async throws {
        let tls = try await TLSMaterials.make(openssl: try #require(Self.openssl))
        let server = try await PythonTestServer.start(
            python: try #require(Self.python), cert: tls.serverCert, key: tls.serverKey)
        for options in [CurlTransport.TLSOptions(caCertPath: tls.otherCA), CurlTransport.TLSOptions()] {
            let error = await #expect(throws: HTTPTransportError.self) {
                try await Self.transport(options).send(Self.request(server.url("/echo/ok")))
            }
            #expect(error?.kind == .tlsFailure)
            #expect(error?.delivery == .notSent)
            #expect(error?.description.contains("--ca-cert") == true)
            #expect(error?.description.contains("--insecure") == true)
        }
    }

    @Test("TLS: --insecure skips verification", .enabled(if: tlsTools, "needs curl, python3 and openssl on PATH"))
    func tlsInsecure() async throws {
        let tls = try await TLSMaterials.make(openssl: try #require(Self.openssl))
        let server = try await PythonTestServer.start(
            python: try #require(Self.python), cert: tls.serverCert, key: tls.serverKey)
        let response = try await Self.transport(.init(insecure: true)).send(Self.request(server.url("/echo/ok")))
        #expect(response.status == 200)
    }

    @Test(
        "TLS: --client-cert/--client-key are presented to a server that requires them; without them it fails",
        .enabled(if: tlsTools, "needs curl, python3 and openssl on PATH"))
    func tlsClientCertificate() async throws {
        let tls = try await TLSMaterials.make(openssl: try #require(Self.openssl))
        let server = try PythonTestServer(
            python: try #require(Self.python), cert: tls.serverCert, key: tls.serverKey, clientCA: tls.ca)
        let withCert = CurlTransport.TLSOptions(
            caCertPath: tls.ca, clientCertPath: tls.clientCert, clientKeyPath: tls.clientKey)
        let response = try await Self.transport(withCert).send(Self.request(server.url("/echo/ok")))
        #expect(response.status == 200)
        await #expect(throws: HTTPTransportError.self) {
            try await Self.transport(.init(caCertPath: tls.ca)).send(Self.request(server.url("/echo/ok")))
        }
    }

    @Test(
        "TLS: the whole client over curl with a private CA and a client certificate",
        .enabled(if: tlsTools, "needs curl, python3 and openssl on PATH"))
    func clientOverTLS() async throws {
        let tls = try await TLSMaterials.make(openssl: try #require(Self.openssl))
        let server = try PythonTestServer(
            python: try #require(Self.python), cert: tls.serverCert, key: tls.serverKey, clientCA: tls.ca)
        let transport = try Self.transport(
            .init(caCertPath: tls.ca, clientCertPath: tls.clientCert, clientKeyPath: tls.clientKey))
        let client = try ODAGClient(
            configuration: ODAGClientConfiguration(
                baseURL: server.url("/echo/api/odag/v1"), bearerToken: Make.token), transport: transport)
        // The echo answer is an object, which reads as an `OdagAbout` whose unknown fields describe the request.
        let about = try await client.getAbout()
        #expect(about.extra["path"] == "/echo/api/odag/v1/about")
        let query = try #require(about.extra["query"]?.stringValue)
        #expect(query.hasPrefix("Xrfkey=") && query.count == "Xrfkey=".count + 16)
    }
}

import ODAGCore
import ODAGEmulator
import ODAGTestSupport
import Testing

@Suite struct HTTPRequestParserTests {
    let parser = HTTPRequestParser()

    func parse(_ text: String, limits: HTTPRequestParser.Limits = .init()) -> HTTPRequestParser.Result {
        HTTPRequestParser(limits: limits).parse(Array(text.utf8)[...])
    }

    func request(_ text: String) throws -> (HTTPServerRequest, Int) {
        guard case .complete(let request, let consumed) = parse(text) else {
            Issue.record("expected a complete request, got \(parse(text))")
            throw HTTPRequestParseError(status: 0, message: "not complete")
        }
        return (request, consumed)
    }

    func failureStatus(_ text: String, limits: HTTPRequestParser.Limits = .init()) -> Int? {
        if case .failure(let error) = parse(text, limits: limits) { return error.status }
        return nil
    }

    @Test func parsesASimpleGet() throws {
        let text = "GET /api/odag/v1/links?Xrfkey=abc&x=a%20b+c HTTP/1.1\r\nHost: h\r\nX-Qlik-Xrfkey: abc\r\n\r\n"
        let (request, consumed) = try request(text)
        #expect(consumed == text.utf8.count)
        #expect(request.method == "GET")
        #expect(request.path == "/api/odag/v1/links")
        #expect(request.queryValue("Xrfkey") == "abc")
        #expect(request.queryValue("x") == "a b c")
        #expect(request.headers["x-qlik-xrfkey"] == "abc")
        #expect(request.version == HTTPVersion(major: 1, minor: 1))
        #expect(request.body.isEmpty)
        #expect(request.keepAlive)
    }

    @Test func readsAContentLengthBodyAndLeavesTheNextRequest() throws {
        let first = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
        let (request, consumed) = try request(first + "GET /b HTTP/1.1\r\n\r\n")
        #expect(request.body == Array("hello".utf8))
        #expect(consumed == first.utf8.count)
    }

    @Test func decodesChunkedBodiesWithExtensionsAndTrailers() throws {
        let text =
            "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: y\r\n\r\n"
        let (request, consumed) = try request(text)
        #expect(request.body == Array("hello world".utf8))
        #expect(consumed == text.utf8.count)
    }

    @Test func reportsIncompleteInputWithProgress() {
        guard case .incomplete(let progress) = parse("GET / HTTP/1.1\r\nHost: x\r\n") else {
            Issue.record("expected incomplete")
            return
        }
        #expect(!progress.headersComplete)
        let partial = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\nabc"
        guard case .incomplete(let bodyProgress) = parse(partial) else {
            Issue.record("expected incomplete")
            return
        }
        #expect(bodyProgress.headersComplete)
        #expect(bodyProgress.expectsContinue)
        #expect(bodyProgress.minimumBytes == partial.utf8.count + 7)
        #expect(parse("").isIncomplete)
        #expect(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel").isIncomplete)
    }

    @Test func skipsEmptyLinesBeforeTheRequestLine() throws {
        let (request, _) = try request("\r\n\r\nGET /x HTTP/1.1\r\n\r\n")
        #expect(request.path == "/x")
    }

    @Test func acceptsAbsoluteFormTargets() throws {
        let (request, _) = try request("GET http://example.com:80/a/b?c=d HTTP/1.1\r\n\r\n")
        #expect(request.path == "/a/b")
        #expect(request.queryValue("c") == "d")
    }

    @Test func followsConnectionSemanticsOfEachVersion() throws {
        #expect(try !request("GET / HTTP/1.0\r\n\r\n").0.keepAlive)
        #expect(try request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").0.keepAlive)
        #expect(try !request("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").0.keepAlive)
    }

    @Test(arguments: [
        "GARBAGE\r\n\r\n",
        "GET /\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1 extra\r\n\r\n",
        "G(T / HTTP/1.1\r\n\r\n",
        "GET nohost HTTP/1.1\r\n\r\n",
        "GET / HTTX/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\n: empty-name\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\u{0}b\r\n\r\n",
        "GET / HTTP/1.1\nHost: a\n\n",
        "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1 x\r\na\r\n0\r\n\r\n",
    ])
    func rejectsMalformedRequestsWith400(text: String) {
        #expect(failureStatus(text) == 400, "\(text.debugDescription)")
    }

    @Test func rejectsUnsupportedVersionsAndCodings() {
        #expect(failureStatus("GET / HTTP/2.0\r\n\r\n") == 505)
        #expect(failureStatus("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501)
    }

    @Test func rejectsOversizedBodiesWith413() {
        let limits = HTTPRequestParser.Limits(maxBodyBytes: 10)
        #expect(failureStatus("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", limits: limits) == 413)
        #expect(failureStatus("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") == 400)
        #expect(failureStatus("POST / HTTP/1.1\r\nContent-Length: 999999999999999999\r\n\r\n") == 413)
        let chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n"
        #expect(failureStatus(chunked, limits: limits) == 413)
        #expect(failureStatus("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\n") == 413)
    }

    @Test func rejectsOversizedHeaderSections() {
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 100, maxHeaderCount: 3)
        let long = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 200) + "\r\n\r\n"
        #expect(failureStatus(long, limits: limits) == 400)
        #expect(failureStatus("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", limits: limits) == 400)
        // Still incomplete but already too long: fail without waiting for the rest.
        #expect(failureStatus("GET /" + String(repeating: "a", count: 200), limits: limits) == 400)
    }

    @Test func neverTrapsOnArbitraryBytes() {
        var generator = SeededRandom.generator(seed: 1729)
        let alphabet =
            Array("GET POST/ HTTP/1.1\r\n:0123456789abcdefchunked;Content-Length Transfer-Encoding".utf8) + [0, 255]
        for _ in 0..<3000 {
            let length = Int.random(in: 0...200, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 0 }
            switch parser.parse(bytes[...]) {
            case .complete(_, let consumed): #expect(consumed > 0 && consumed <= bytes.count)
            case .incomplete, .failure: break
            }
        }
    }

    @Test func parsesFromASliceThatDoesNotStartAtZero() throws {
        let bytes = Array("xxxxGET /s HTTP/1.1\r\n\r\n".utf8)
        guard case .complete(let request, let consumed) = parser.parse(bytes[4...]) else {
            Issue.record("expected complete")
            return
        }
        #expect(request.path == "/s")
        #expect(consumed == bytes.count - 4)
    }

    static let seeds = [
        "GET /api/odag/v1/links?Xrfkey=abcdefghijklmnop HTTP/1.1\r\nHost: x\r\nX-Qlik-Xrfkey: abcdefghijklmnop\r\n\r\n",
        "POST /a HTTP/1.1\r\nContent-Length: 10\r\nContent-Type: application/json\r\n\r\n{\"name\":1}",
        "PUT /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n0\r\nT: v\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ]

    @Test func neverTrapsOnMutatedRequests() {
        var generator = SplitMix64(seed: 2026)
        for round in 0..<8_000 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: if !bytes.isEmpty { bytes[position] = UInt8.random(in: 0...255, using: &generator) }
                case 1: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                case 2: if !bytes.isEmpty { bytes.remove(at: position) }
                case 3: bytes = Array(bytes.prefix(position))
                default: bytes.insert(contentsOf: bytes[position...].prefix(8), at: position)
                }
            }
            let limits = HTTPRequestParser.Limits(maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 8)
            for parser in [parser, HTTPRequestParser(limits: limits)] {
                switch parser.parse(bytes[...]) {
                case .complete(_, let consumed): #expect(consumed > 0 && consumed <= bytes.count)
                case .incomplete(let progress): #expect(progress.minimumBytes > bytes.count)
                case .failure(let error): #expect([400, 413, 501, 505].contains(error.status))
                }
            }
        }
    }

    /// Feeding a stream byte by byte gives `incomplete` until the whole request is there, then the
    /// same request as parsing it at once.
    @Test func prefixesAreIncompleteUntilTheRequestIsWhole() {
        for seed in Self.seeds {
            let bytes = Array(seed.utf8)
            guard case .complete(let whole, let consumed) = parser.parse(bytes[...]) else {
                Issue.record("seed did not parse: \(seed.debugDescription)")
                continue
            }
            #expect(consumed == bytes.count)
            for length in 0..<bytes.count {
                guard case .incomplete(let progress) = parser.parse(bytes[..<length]) else {
                    Issue.record("prefix of \(length) bytes was not incomplete: \(seed.debugDescription)")
                    break
                }
                #expect(progress.minimumBytes > length)
            }
            if case .complete(let again, _) = parser.parse((bytes + Array("GET /next HTTP/1.1\r\n".utf8))[...]) {
                #expect(again == whole)
            } else {
                Issue.record("a request followed by a partial one did not parse")
            }
        }
    }
}

extension HTTPRequestParser.Result {
    var isIncomplete: Bool {
        if case .incomplete = self { return true }
        return false
    }
}

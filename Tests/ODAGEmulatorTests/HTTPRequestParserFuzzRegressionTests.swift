import ODAGEmulator
import Testing

/// Inputs found by the `http-request` fuzzer (Tests/Fuzz), kept as regression tests.
@Suite struct HTTPRequestParserFuzzRegressionTests {
    /// A request line plus headers of exactly `length` bytes, blank line included.
    static func request(headerBytes length: Int) -> [UInt8] {
        let head = "GET / HTTP/1.1\r\nX: "
        let padding = length - head.utf8.count - 4
        return Array((head + String(repeating: "a", count: padding) + "\r\n\r\n").utf8)
    }

    static func isIncomplete(_ result: HTTPRequestParser.Result) -> Bool {
        if case .incomplete = result { return true }
        return false
    }

    /// crash-27fd336e…: a header section one byte over `maxHeaderBytes` parsed when it arrived whole, but its
    /// prefix of `maxHeaderBytes` bytes failed with "header section too large", so whether the server accepted
    /// the request depended on how TCP split it. The limit now holds either way.
    @Test func headerSectionLimitIsTheSameWholeOrInPieces() {
        let parser = HTTPRequestParser(limits: .init(maxHeaderBytes: 256, maxHeaderCount: 6, maxBodyBytes: 512))
        let fits = Self.request(headerBytes: 256)
        guard case .complete(_, let consumed) = parser.parse(fits[...]) else {
            Issue.record("a header section of exactly maxHeaderBytes must parse")
            return
        }
        #expect(consumed == 256)
        for cut in 0..<fits.count {
            #expect(Self.isIncomplete(parser.parse(fits[0..<cut])), "prefix \(cut)")
        }

        let over = Self.request(headerBytes: 257)
        for input in [over, over + Array("GET / HTTP/1.1\r\n\r\n".utf8), Array(over.prefix(256))] {
            guard case .failure(let error) = parser.parse(input[...]) else {
                Issue.record("a header section of maxHeaderBytes + 1 must fail (\(input.count) bytes)")
                continue
            }
            #expect(error.status == 400)
        }
    }

    @Test func theFuzzerInputParsesConsistently() {
        let parser = HTTPRequestParser(limits: .init(maxHeaderBytes: 256, maxHeaderCount: 6, maxBodyBytes: 512))
        let second = Array(
            ("DELETE /api/odag/v1/requests/22222222-2222-4222-8222-222222222222/app?xrfkey=abcdefghijklmnop HTTP/1.1\r\n"
                + "X-Qlik-Xrfkey: abcdefghpi/odag/v1/requests/22222222-2222-4222-8222-222222222222/app?xrfkey=abcdefghijklmn"
                + "op HTTP/1.1\r\nX-Qlik-Xrfkey: abcdefghijklmnop\r\n\r\nPOST /").utf8)
        #expect(second.count == 263)
        guard case .failure = parser.parse(second[...]), case .failure = parser.parse(second[0..<256]) else {
            Issue.record("the 257-byte header section must fail whole and in pieces")
            return
        }
    }

    /// A chunked request whose trailer section (blank line included) is `trailerBytes` long.
    static func chunked(trailerBytes: Int) -> [UInt8] {
        let head = "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n"
        let padding = trailerBytes - "T: ".utf8.count - 4
        return Array((head + "T: " + String(repeating: "a", count: padding) + "\r\n\r\n").utf8)
    }

    /// A chunked request whose first chunk-size line (CRLF included) is `lineBytes` long.
    static func chunked(sizeLineBytes: Int) -> [UInt8] {
        let extensionText = ";" + String(repeating: "e", count: sizeLineBytes - 4)
        return Array("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\(extensionText)\r\n{}\r\n0\r\n\r\n".utf8)
    }

    /// crash-d2d731f4…: the same off-by-one in the chunked trailer section (and in the chunk-size line): one byte
    /// over the limit parsed whole but failed when the first part arrived alone.
    @Test(arguments: ["trailer section", "chunk-size line"])
    func chunkedLimitsAreTheSameWholeOrInPieces(part: String) {
        let (fits, over) =
            part == "trailer section"
            ? (Self.chunked(trailerBytes: 256), Self.chunked(trailerBytes: 257))
            : (Self.chunked(sizeLineBytes: 1024), Self.chunked(sizeLineBytes: 1025))
        let parser = HTTPRequestParser(limits: .init(maxHeaderBytes: 256, maxHeaderCount: 6, maxBodyBytes: 512))
        guard case .complete(let request, let consumed) = parser.parse(fits[...]) else {
            Issue.record("a chunked request exactly at the limit must parse")
            return
        }
        #expect(consumed == fits.count)
        #expect(request.body == Array("{}".utf8))
        for cut in 0..<fits.count {
            #expect(Self.isIncomplete(parser.parse(fits[0..<cut])), "prefix \(cut)")
        }
        for input in [over, Array(over.dropLast())] {
            guard case .failure(let error) = parser.parse(input[...]) else {
                Issue.record("one byte over the limit must fail (\(input.count) bytes)")
                continue
            }
            #expect(error.status == 400)
        }
    }
}

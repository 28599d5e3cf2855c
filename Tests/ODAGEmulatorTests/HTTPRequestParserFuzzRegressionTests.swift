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
}

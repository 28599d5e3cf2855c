import Foundation
import ODAGCore
import Testing

@testable import ODAGClient

@Suite("HTTP/1.x response parsing")
struct HTTP1ResponseTests {
    static func head(_ text: String) throws -> HTTP1ResponseHead {
        try HTTP1ResponseHead.parse(Array(text.utf8)[...])
    }

    @Test("a head is found only once its blank line has arrived, wherever the search resumes")
    func endOfHead() {
        let bytes = Array("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody".utf8)
        #expect(HTTP1ResponseHead.end(in: bytes, start: 0, searchFrom: 0) == 25)
        #expect(HTTP1ResponseHead.end(in: bytes, start: 0, searchFrom: 23) == 25)
        #expect(HTTP1ResponseHead.end(in: Array(bytes[0..<24]), start: 0, searchFrom: 0) == nil)
        // A second response in the same buffer is found from its own start.
        let two = bytes[0..<25] + Array("HTTP/1.1 204 No Content\r\n\r\n".utf8)
        #expect(HTTP1ResponseHead.end(in: Array(two), start: 25, searchFrom: 25) == two.count)
    }

    @Test("status line, version and fields are read; values are trimmed and names keep their case")
    func parsesHead() throws {
        let head = try Self.head(
            "HTTP/1.0 404 Not Found\r\nContent-Type:  application/json \r\nX-A: 1\r\nX-A: 2\r\n\r\n")
        #expect(head.minorVersion == 0)
        #expect(head.status == 404)
        #expect(head.headers["content-type"] == "application/json")
        #expect(head.headers.values(for: "x-a") == ["1", "2"])
        #expect(try Self.head("HTTP/1.1 200\r\n\r\n").status == 200)
    }

    @Test(
        "heads that are not HTTP/1.x are refused with the offending text",
        arguments: [
            "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 099 Low\r\n\r\n", "http/1.1 200 OK\r\n\r\n",
            "HTTP/1.1 200OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            "\r\n\r\n",
        ])
    func refusesBadHeads(_ text: String) {
        #expect(throws: HTTP1ResponseError.self) { try Self.head(text) }
    }

    @Test("keep-alive follows the version and the Connection tokens")
    func keepAlive() throws {
        #expect(try Self.head("HTTP/1.1 200 OK\r\n\r\n").keepsConnectionOpen)
        #expect(try !Self.head("HTTP/1.1 200 OK\r\nConnection: Close\r\n\r\n").keepsConnectionOpen)
        #expect(try !Self.head("HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\n\r\n").keepsConnectionOpen)
        #expect(try !Self.head("HTTP/1.0 200 OK\r\n\r\n").keepsConnectionOpen)
        #expect(try Self.head("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n").keepsConnectionOpen)
    }

    @Test("framing: no body for HEAD, 1xx, 204 and 304; chunked beats a length; a length; else until close")
    func framing() throws {
        let lengthy = try Self.head("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n")
        #expect(try lengthy.framing(requestMethod: "GET") == .length(12))
        #expect(try lengthy.framing(requestMethod: "HEAD") == HTTP1ResponseHead.Framing.none)
        #expect(try Self.head("HTTP/1.1 204 No Content\r\n\r\n").framing(requestMethod: "DELETE") == .none)
        #expect(
            try Self.head("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n").framing(requestMethod: "GET")
                == .none)
        let chunked = try Self.head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 3\r\n\r\n")
        #expect(try chunked.framing(requestMethod: "GET") == .chunked)
        let gzipOnly = try Self.head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")
        #expect(try gzipOnly.framing(requestMethod: "GET") == .untilClose)
        #expect(try Self.head("HTTP/1.1 200 OK\r\n\r\n").framing(requestMethod: "GET") == .untilClose)
        let repeated = try Self.head("HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\nContent-Length: 7\r\n\r\n")
        #expect(try repeated.framing(requestMethod: "GET") == .length(7))
    }

    @Test(
        "a Content-Length that is not one decimal length is refused",
        arguments: ["-1", "1.5", "0x10", "", "7, 8", "99999999999999999999"])
    func refusesBadLengths(_ value: String) throws {
        let head = try Self.head("HTTP/1.1 200 OK\r\nContent-Length: \(value)\r\n\r\n")
        let error = #expect(throws: HTTP1ResponseError.self) { try head.framing(requestMethod: "GET") }
        #expect(error?.description.contains("Content-Length") == true)
    }

    @Test("a chunked body decodes the same whether it arrives whole or a byte at a time, leaving what follows")
    func chunkedDecoding() throws {
        let wire = Array(
            "4;ext=1\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\nNEXT".utf8)
        var whole = ChunkedBodyDecoder()
        var body: [UInt8] = []
        let stop = try whole.consume(wire, from: 0, into: &body)
        #expect(whole.isComplete)
        #expect(String(decoding: body, as: UTF8.self) == "Wikipedia in \r\n\r\nchunks.")
        #expect(String(decoding: wire[stop...], as: UTF8.self) == "NEXT")

        var trickle = ChunkedBodyDecoder()
        var trickled: [UInt8] = []
        var buffer: [UInt8] = []
        for byte in wire where !trickle.isComplete {
            buffer.append(byte)
            let index = try trickle.consume(buffer, from: 0, into: &trickled)
            buffer.removeFirst(index)
        }
        #expect(trickled == body)
    }

    @Test(
        "bad chunk framing is refused",
        arguments: ["zz\r\nab\r\n0\r\n\r\n", "2\r\nabc\r\n0\r\n\r\n", "\r\n", "1234567890abcdef0\r\n"])
    func refusesBadChunks(_ text: String) {
        var decoder = ChunkedBodyDecoder()
        var body: [UInt8] = []
        #expect(throws: HTTP1ResponseError.self) { _ = try decoder.consume(Array(text.utf8), from: 0, into: &body) }
    }

    @Test("an endless chunk-size line is refused instead of buffered")
    func refusesEndlessLine() {
        var decoder = ChunkedBodyDecoder()
        var body: [UInt8] = []
        let line = [UInt8](repeating: UInt8(ascii: "1"), count: ChunkedBodyDecoder.maximumLineLength + 1)
        #expect(throws: HTTP1ResponseError.self) { _ = try decoder.consume(line, from: 0, into: &body) }
    }
}

import Testing

@testable import ODAGClient

@Suite("HTTPResponse")
struct HTTPResponseTests {
    @Test("media type without parameters, lower case")
    func mediaType() {
        #expect(
            HTTPResponse(status: 200, headers: ["content-type": "Application/JSON; charset=utf-8"]).mediaType
                == "application/json")
        #expect(HTTPResponse(status: 200).mediaType == nil)
    }

    @Test("HTML is recognised by content type or by a body starting with <")
    func html() {
        #expect(HTTPResponse(status: 200, headers: ["Content-Type": "text/html"]).looksLikeHTML)
        #expect(HTTPResponse(status: 200, body: Array(" \n<html>".utf8)).looksLikeHTML)
        #expect(HTTPResponse(status: 200, body: [0xEF, 0xBB, 0xBF] + Array("<!DOCTYPE html>".utf8)).looksLikeHTML)
        #expect(
            !HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array("[]".utf8))
                .looksLikeHTML)
        #expect(!HTTPResponse(status: 204).looksLikeHTML)
    }

    @Test("success is 2xx")
    func success() {
        #expect(HTTPResponse(status: 204).isSuccess)
        #expect(!HTTPResponse(status: 302).isSuccess)
        #expect(!HTTPResponse(status: 199).isSuccess)
    }
}

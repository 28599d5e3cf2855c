import ODAGEmulator
import Testing

@Suite struct HTTPHeadersTests {
    @Test func looksUpNamesCaseInsensitivelyAndKeepsOrder() {
        var headers: HTTPHeaders = ["Content-Type": "a"]
        headers.add("X-Multi", "1")
        headers.add("x-multi", "2")
        #expect(headers["content-type"] == "a")
        #expect(headers.values(for: "X-MULTI") == ["1", "2"])
        headers.set("X-Multi", "3")
        #expect(headers.values(for: "x-multi") == ["3"])
        headers.remove("CONTENT-TYPE")
        #expect(!headers.contains("Content-Type"))
        #expect(headers.fields.map(\.name) == ["X-Multi"])
        #expect(HTTPHeaders([("A", "1")]) == HTTPHeaders([("a", "1")]))
    }

    @Test func requestTargetsAreSplitAndDecoded() {
        let request = HTTPServerRequest(method: "GET", target: "/a%20b/c?x=1&y=%2F&flag&x=2&bad=%zz")
        #expect(request.path == "/a b/c")
        #expect(request.queryValue("x") == "1")
        #expect(request.queryItems.filter { $0.name == "x" }.map(\.value) == ["1", "2"])
        #expect(request.queryValue("y") == "/")
        #expect(request.queryValue("flag") == "")
        #expect(request.queryValue("bad") == "%zz")
    }
}

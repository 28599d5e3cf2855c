import ODAGCore
import ODAGEmulator
import Testing

@Suite struct HTTPServerRequestTests {
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

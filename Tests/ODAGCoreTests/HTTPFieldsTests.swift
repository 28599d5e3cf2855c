import ODAGCore
import Testing

@Suite("HTTPFields")
struct HTTPFieldsTests {
    @Test("lookups ignore case; order and repeats are kept")
    func caseInsensitive() {
        var headers: HTTPFields = ["Content-Type": "application/json", "Set-Cookie": "a=1"]
        headers.add(name: "set-cookie", value: "b=2")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        #expect(headers.values(for: "SET-COOKIE") == ["a=1", "b=2"])
        #expect(headers.contains("Set-cookie"))
        #expect(!headers.contains("Accept"))
    }

    @Test("replaceOrAdd replaces every field of the name; remove removes them")
    func replaceAndRemove() {
        var headers: HTTPFields = ["Accept": "text/html", "accept": "*/*", "X": "1"]
        headers.replaceOrAdd(name: "ACCEPT", value: "application/json")
        #expect(headers.values(for: "accept") == ["application/json"])
        headers.remove("x")
        #expect(headers.fields.map(\.name) == ["ACCEPT"])
    }

    @Test("equality ignores name case; the description shows names only, never values")
    func equalityAndDescription() {
        let a: HTTPFields = ["Authorization": "Bearer secret"]
        let b: HTTPFields = ["authorization": "Bearer secret"]
        #expect(a == b)
        #expect(a != ["authorization": "Bearer other"])
        #expect("\(a)" == "[Authorization]")
    }
}

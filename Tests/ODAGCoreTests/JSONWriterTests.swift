import Testing

@testable import ODAGCore

@Suite struct JSONWriterTests {
    @Test func writesSortedCompactJSON() {
        let value: JSONValue = ["b": [1, 2.5, "x/y"], "a": nil, "c": ["z": true]]
        #expect(JSONWriter.string(value) == #"{"a":null,"b":[1,2.5,"x/y"],"c":{"z":true}}"#)
    }

    @Test func writesPrettyJSONWithLeadingKeys() {
        let value: JSONValue = ["z": 1, "name": "n", "empty": [], "obj": [:]]
        let expected = """
            {
              "name": "n",
              "empty": [],
              "obj": {},
              "z": 1
            }
            """
        #expect(JSONWriter.string(value, pretty: true, leadingKeys: ["name"]) == expected)
    }

    @Test func escapesOnlyWhatJSONRequires() {
        #expect(JSONWriter.string("a\"b\\c\n\u{01}é😀") == #""a\"b\\c\n\u0001é😀""#)
    }

    @Test func roundTripsThroughTheParser() throws {
        let value: JSONValue = [
            "links": [["name": "Sales", "n": -12, "d": 0.1, "s": "\u{7F}\t", "nested": [[[]]]]],
            "big": .int(Int.max), "small": .int(Int.min), "exp": 1e-7,
        ]
        #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
        #expect(try JSONParser.parse(JSONWriter.bytes(value, pretty: true)) == value)
    }

    @Test func integersAndEqualDoublesCompareEqual() {
        #expect(JSONValue.int(1440) == JSONValue.double(1440))
        #expect(JSONValue.int(1440) != JSONValue.double(1440.5))
        #expect(Set<JSONValue>([.int(3), .double(3)]).count == 1)
    }

    @Test func stringsCompareByExactUnicodeScalars() {
        let precomposed = JSONValue.string("Caf\u{E9} sales")
        let decomposed = JSONValue.string("Cafe\u{301} sales")
        #expect(precomposed != decomposed, "canonically equivalent is not equal")
        #expect(JSONValue.array([precomposed]) != JSONValue.array([decomposed]))
        #expect(precomposed == JSONValue.string("Caf\u{E9} sales"))
        #expect(Set<JSONValue>([precomposed, decomposed]).count == 2)
    }
}

import Testing

@testable import ODAGCore

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#"{"a": [1, -2.5, 1e3, true, false, null, "x\u00e9\n"], "b": {}}"#)
        #expect(value["a"] == [1, -2.5, 1000.0, true, false, nil, "xé\n"])
        #expect(value["b"] == [:])
        #expect(value["a"]?.arrayValue?[0] == .int(1))
    }

    @Test func keepsLargeIntegersExactly() throws {
        #expect(try JSONParser.parse("9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try JSONParser.parse("-123456789012345678") == .int(-123_456_789_012_345_678))
        #expect(try JSONParser.parse("123456789012345678901234").doubleValue == 1.2345678901234568e23)
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == "😀")
    }

    @Test(arguments: [
        ("", "1:1: the input is empty; expected a JSON value"),
        ("   \n  ", "2:3: the input is empty; expected a JSON value"),
        ("{\"a\": 1,}", "1:9: trailing comma before '}'"),
        ("[1, 2,]", "1:7: trailing comma before ']'"),
        ("{\"a\": 1, \"a\": 2}", "1:10: duplicate key \"a\""),
        ("{\"x\": {\"a\": 1, \"a\": 2}}", "1:16: duplicate key \"a\""),
        ("{\"a\": 1", "1:8: unexpected end of input inside an object; expected ',' or '}'"),
        ("[1 2]", "1:4: expected ',' or ']' after an element, found '2'"),
        ("{\n  \"a\": tru\n}", "2:8: expected a value, found 't'"),
        ("01", "1:1: invalid number: leading zeros are not allowed"),
        ("1.", "1:1: invalid number: expected a digit after '.'"),
        ("\"abc", "1:1: unterminated string"),
        ("\"a\tb\"", "1:3: unescaped control character U+0009 in a string"),
        ("\"\\x\"", "1:2: invalid escape \\x"),
        ("\"\\ud800\"", "1:2: lone surrogate \\uD800 in a string"),
        ("{} {}", "1:4: unexpected '{' after the JSON value"),
        ("{a: 1}", "1:2: expected a string key, found 'a'"),
        ("[1e999]", "1:2: number 1e999 is out of range"),
    ])
    func reportsErrorsWithPositions(input: String, expected: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(input) }
        do {
            _ = try JSONParser.parse(input)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func handsOverTheElementsOfAnArrayOneByOne() throws {
        var seen: [(JSONValue, Int)] = []
        let other = try JSONParser.parseElements(Array(#" [1, {"a": [2]}, "x"] "#.utf8)) { seen.append(($0, $1)) }
        #expect(other == nil)
        #expect(seen.map(\.0) == [1, ["a": [2]], "x"])
        #expect(seen.map(\.1) == [0, 1, 2])
        #expect(try JSONParser.parseElements(Array("[]".utf8)) { _, _ in Issue.record("no elements") } == nil)
    }

    @Test func returnsAValueThatIsNotAnArrayWhole() throws {
        for text in [#"{"a": [1]}"#, "3", "null"] {
            let other = try JSONParser.parseElements(Array(text.utf8)) { _, _ in Issue.record("not an array") }
            #expect(other == (try JSONParser.parse(text)))
        }
    }

    @Test(arguments: ["[1, 2,]", "[1 2]", "[{\"a\": 1, \"a\": 2}]", "[1] [2]", "", "[[1]", "[1, tru]"])
    func readsElementsWithTheErrorsOfAWholeParse(input: String) {
        var expected: JSONSyntaxError?
        do { _ = try JSONParser.parse(input) } catch { expected = error }
        #expect(expected != nil)
        do {
            _ = try JSONParser.parseElements(Array(input.utf8)) { _, _ in }
            Issue.record("expected an error")
        } catch {
            #expect(error == expected)
        }
    }

    @Test func recordsPositionsToAChosenDepth() throws {
        let text = """
            {
              "links": [
                { "name": "A" },
                  { "name": "Bé", "x": [1] }
              ]
            }
            """
        let document = try JSONParser.parseDocument(Array(text.utf8), positionDepth: 2)
        #expect(document.location(of: "links[1]") == SourceLocation(line: 4, column: 7))
        #expect(document.location(of: "links") == SourceLocation(line: 2, column: 12))
        // Deeper positions are found by parsing again.
        #expect(document.location(of: "links[1].x[0]") == SourceLocation(line: 4, column: 29))
        #expect(document.value == (try JSONParser.parse(text)))
    }

    @Test func reportsTheErrorsOfAPlainParseAtAnyPositionDepth() {
        // A full-depth reading names the path of a duplicate key; the plain one does not.
        let input = Array(#"{"links": [{"a": 1, "a": 2}]}"#.utf8)
        do {
            _ = try JSONParser.parseDocument(input, positionDepth: 2)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "1:21: duplicate key \"a\"")
        }
    }

    @Test func rejectsInvalidUTF8WithItsPosition() {
        let bytes: [UInt8] = Array("{\n  \"a\": \"x".utf8) + [0xFF] + Array("\"}".utf8)
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "2:10: invalid UTF-8 byte 0xFF")
        }
    }

    @Test func rejectsOverlongAndSurrogateEncodings() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xC0, 0xAF, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func skipsAByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\": x}".utf8)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        do {
            _ = try JSONParser.parse(bytes)
        } catch {
            #expect(error.location == SourceLocation(line: 1, column: 7))
        }
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[]".utf8)) == [])
    }

    @Test func stopsAtTheNestingLimit() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "1:129: nesting deeper than 128 levels")
        }
        let fine = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: Never.self) { try JSONParser.parse(fine, options: .init(maxDepth: 300)) }
    }

    @Test func allowsDuplicateKeysWhenAsked() throws {
        let value = try JSONParser.parse(#"{"a": 1, "a": 2}"#, options: .init(allowDuplicateKeys: true))
        #expect(value["a"] == 2)
    }

    @Test func namesThePathOfADuplicateKeyInADocument() {
        do {
            _ = try JSONParser.parseDocument(Array(#"{"x": [{"a": 1, "a": 2}]}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "1:17: x[0]: duplicate key \"a\"")
        }
    }

    @Test func recordsPositionsByPath() throws {
        let text = """
            {
              "links": [
                { "name": "A", "odd key": 1 },
                { "name": "Bé", "templateAppId": "abc" }
              ]
            }
            """
        let document = try JSONParser.parseDocument(Array(text.utf8))
        #expect(document.location(of: "links[1].templateAppId") == SourceLocation(line: 4, column: 38))
        #expect(document.keyLocation(of: "links[1].templateAppId") == SourceLocation(line: 4, column: 21))
        #expect(document.location(of: "links[0][\"odd key\"]") == SourceLocation(line: 3, column: 31))
        #expect(document.location(of: "") == SourceLocation(line: 1, column: 1))
    }
}

@Suite("LineTable")
struct LineTableTests {
    /// The column by counting scalars from the line start, as the table must agree with.
    static func slowLocation(_ source: [UInt8], _ offset: Int) -> ODAGCore.SourceLocation {
        var line = 1
        var column = 1
        for index in 0..<min(offset, source.count) {
            if source[index] == 0x0A {
                line += 1
                column = 1
            } else if source[index] & 0xC0 != 0x80 {
                column += 1
            }
        }
        return ODAGCore.SourceLocation(line: line, column: column)
    }

    @Test("long lines with multi-byte characters: every offset agrees with counting from the line start")
    func checkpointsAgreeWithCounting() {
        var source: [UInt8] = []
        for index in 0..<3000 {
            source += Array((index % 7 == 0 ? "é€" : index % 501 == 0 ? "\n" : "ab").utf8)
        }
        let table = LineTable(source: source)
        for offset in stride(from: 0, through: source.count, by: 1) {
            #expect(table.location(ofOffset: offset) == Self.slowLocation(source, offset), "offset \(offset)")
        }
    }
}

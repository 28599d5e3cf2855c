import Foundation
import ODAGCore
import ODAGTestSupport
import Testing

@testable import ODAGSync

/// One test per class of malformed input: each must give an error diagnostic that names the file and
/// its line and column, without crashing.
@Suite struct MalformedInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var bytes: [UInt8]
        var line: Int
        var column: Int
        var messagePart: String
        var testDescription: String { label }
    }

    static let uuid = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"

    static func link(_ extra: String = "") -> String {
        #"{"name": "A", "selectionAppId": "\#(uuid)", "templateAppId": "\#(uuid)"\#(extra)}"#
    }

    static let cases: [Case] = [
        Case(
            label: "truncated", bytes: Array("{\"links\": [\(link())".utf8), line: 1, column: 140,
            messagePart: "unexpected end of input"),
        Case(
            label: "trailing comma", bytes: Array("{\"links\": [\(link()),\n]}".utf8), line: 2, column: 1,
            messagePart: "trailing comma"),
        Case(
            label: "wrong root", bytes: Array("[\(link())]".utf8), line: 1, column: 1,
            messagePart: "expected an object with a \"links\" array"),
        Case(
            label: "wrong type",
            bytes: Array("{\"links\": [\(link(", \"properties\": {\"genAppAccessible\": 1}"))]}".utf8), line: 1,
            column: 176, messagePart: "expected a boolean"),
        Case(
            label: "bad UUID",
            bytes: Array(
                "{\"links\": [{\"name\": \"A\",\n \"selectionAppId\": \"abc\", \"templateAppId\": \"\(uuid)\"}]}".utf8),
            line: 2, column: 20, messagePart: "\"abc\" is not a UUID"),
        Case(
            label: "typo'd key", bytes: Array("{\"links\": [\(link(", \"ignor\": []"))]}".utf8), line: 1, column: 141,
            messagePart: "did you mean \"ignore\"?"),
        Case(
            label: "unresolved variable",
            bytes: Array(
                "{\"links\": [{\"name\": \"${who}\", \"selectionAppId\": \"\(uuid)\", \"templateAppId\": \"\(uuid)\"}]}"
                    .utf8), line: 1, column: 21, messagePart: "unresolved variable \"who\""),
        Case(
            label: "invalid UTF-8",
            bytes: Array("{\"links\": [{\"name\": \"".utf8) + [0xC3, 0x28] + Array("\"}]}".utf8), line: 1, column: 22,
            messagePart: "invalid UTF-8"),
        Case(
            label: "deep nesting",
            bytes: Array(
                ("{\"links\": " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}").utf8),
            line: 1, column: 138, messagePart: "nesting deeper"),
        Case(label: "empty file", bytes: [], line: 1, column: 1, messagePart: "the file is empty"),
        Case(
            label: "only a byte-order mark", bytes: [0xEF, 0xBB, 0xBF], line: 1, column: 1,
            messagePart: "the file is empty"),
    ]

    static func check(_ bytes: [UInt8], file: String = "links/bad.json") -> ManifestLoadResult {
        ManifestLoader.check(
            [ManifestFile(file: file, bytes: bytes)], resolver: VariableResolver(environment: nil), scope: LinkScope())
    }

    @Test(arguments: cases) func reportsAnErrorWithItsPosition(_ input: Case) throws {
        let result = Self.check(input.bytes)
        #expect(!result.isValid)
        let error = try #require(
            result.diagnostics.first { $0.isError && $0.message.contains(input.messagePart) },
            "\(result.diagnostics)")
        #expect(error.file == "links/bad.json")
        #expect(error.location == ODAGCore.SourceLocation(line: input.line, column: input.column))
        #expect(error.description.hasPrefix("links/bad.json:\(input.line):\(input.column): "))
        #expect(result.links.isEmpty)
    }

    @Test func acceptsAByteOrderMark() {
        let result = Self.check([0xEF, 0xBB, 0xBF] + Array("{\"links\": [\(Self.link())]}".utf8))
        #expect(result.isValid)
        #expect(result.links.map(\.name) == ["A"])
        #expect(result.links.first?.source.location == ODAGCore.SourceLocation(line: 1, column: 12))
    }

    @Test func reportsDuplicateKeysAsSyntaxErrors() {
        let result = Self.check(Array("{\"links\": [], \"links\": []}".utf8))
        #expect(result.diagnostics.map(\.description) == [#"links/bad.json:1:15: duplicate key "links""#])
    }

    @Test func survivesArbitraryBytes() {
        var generator = SeededRandom.generator(seed: 42)
        let valid = Array(
            "{\"links\": [\(Self.link(", \"properties\": {\"bindings\": [], \"retention\": {\"maxAge\": 1}}"))]}".utf8)
        for _ in 0..<500 {
            var bytes = valid
            for _ in 0..<3 {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            let cut = Int.random(in: 0...bytes.count, using: &generator)
            let result = Self.check(Array(bytes[..<cut]))
            // Anything but the untouched full text may be valid or not; it must just give positioned answers.
            for diagnostic in result.diagnostics where diagnostic.isError {
                #expect(diagnostic.location != nil)
            }
        }
    }
}

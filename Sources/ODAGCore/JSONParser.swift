/// A strict RFC 8259 JSON reader over UTF-8 bytes.
///
/// Unlike Foundation's parsers it reports `line:column` for every error, rejects trailing commas and
/// (unless told otherwise) duplicate keys, validates UTF-8, and stops at a nesting limit instead of
/// overflowing the stack. With ``parseDocument(_:options:)`` it also records where every value starts,
/// so later checks can point at it.
public enum JSONParser {
    /// What the reader accepts.
    public struct Options: Sendable {
        /// Whether an object may repeat a key (the last one wins). Off for manifests; servers may be lenient.
        public var allowDuplicateKeys: Bool
        /// The deepest nesting of arrays and objects accepted.
        public var maxDepth: Int

        /// Creates options.
        public init(allowDuplicateKeys: Bool = false, maxDepth: Int = 128) {
            self.allowDuplicateKeys = allowDuplicateKeys
            self.maxDepth = maxDepth
        }
    }

    /// Parses one JSON value from `bytes` (a leading UTF-8 byte-order mark is skipped).
    public static func parse(_ bytes: [UInt8], options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        try run(bytes, options: options, recordPositions: false).value
    }

    /// Parses one JSON value from a string.
    public static func parse(_ text: String, options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8), options: options)
    }

    /// Parses one JSON value like ``parse(_:options:)``, except that when it is an array, each element is handed to
    /// `element` (with its index) as soon as it is read instead of being kept: a long list then never exists as one
    /// value beside what `element` makes of it. The whole text is read either way, and an error anywhere in it is
    /// thrown (after `element` has seen the elements before the error).
    ///
    /// - Returns: `nil` when the value is an array; otherwise the value, which `element` did not see.
    public static func parseElements(
        _ bytes: [UInt8], options: Options = Options(), _ element: (JSONValue, Int) -> Void
    ) throws(JSONSyntaxError) -> JSONValue? {
        let result: Result<JSONValue?, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(buffer: buffer, options: options, positionDepth: -1)
            do {
                return .success(try reader.parseTop(elements: element))
            } catch let failure as Reader.Failure {
                return .failure(JSONSyntaxError(source: bytes, offset: failure.offset, message: failure.message))
            } catch {
                return .failure(JSONSyntaxError(source: bytes, offset: 0, message: "\(error)"))
            }
        }
        return try result.get()
    }

    /// Parses one JSON value and records the position of every value and object key by JSON path.
    ///
    /// Positions of the first ``JSONDocument/eagerPositionDepth`` levels are recorded while parsing (a
    /// manifest's links and their members, which every link's source needs); deeper ones, wanted only for
    /// messages, are found by parsing again on the first request. Building a path string and a table entry
    /// for every value was most of the cost of reading manifests.
    public static func parseDocument(
        _ bytes: [UInt8], options: Options = Options()
    ) throws(JSONSyntaxError) -> JSONDocument {
        do {
            return try run(bytes, options: options, positionDepth: JSONDocument.eagerPositionDepth)
        } catch {
            // Messages of some errors name the path, which a shallow reading does not build.
            return try run(bytes, options: options, positionDepth: .max)
        }
    }

    /// Parses one JSON value and records the positions of the values nested in at most `depth` containers (`1`:
    /// the root's members or elements; `2`: theirs as well) and of the keys naming them. Deeper positions are found
    /// by parsing again on the first request, as with ``parseDocument(_:options:)``. For a manifest, depth 2 records
    /// where each link starts for a fraction of the cost of depth 3. Errors are those of ``parse(_:options:)``.
    public static func parseDocument(
        _ bytes: [UInt8], options: Options = Options(), positionDepth depth: Int
    ) throws(JSONSyntaxError) -> JSONDocument {
        do {
            return try run(bytes, options: options, positionDepth: max(0, depth))
        } catch {
            // Messages of some errors name the path, which only some depths build: report the plain reading's.
            _ = try parse(bytes, options: options)
            throw error
        }
    }

    /// The value and object-key offsets of every path in `bytes`, which parsed before with `options`.
    static func allPositions(_ bytes: [UInt8], options: Options) -> (values: [String: Int], keys: [String: Int]) {
        guard let document = try? run(bytes, options: options, positionDepth: .max) else { return ([:], [:]) }
        return document.recordedOffsets
    }

    private static func run(
        _ bytes: [UInt8], options: Options, recordPositions: Bool
    ) throws(JSONSyntaxError) -> JSONDocument {
        try run(bytes, options: options, positionDepth: recordPositions ? .max : -1)
    }

    private static func run(
        _ bytes: [UInt8], options: Options, positionDepth: Int
    ) throws(JSONSyntaxError) -> JSONDocument {
        let result: Result<JSONDocument, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(buffer: buffer, options: options, positionDepth: positionDepth)
            do {
                let value = try reader.parseTop()
                return .success(
                    JSONDocument(
                        value: value, source: bytes, options: options,
                        complete: positionDepth == .max || positionDepth < 0,
                        valueOffsets: reader.valueOffsets, keyOffsets: reader.keyOffsets))
            } catch let failure as Reader.Failure {
                return .failure(JSONSyntaxError(source: bytes, offset: failure.offset, message: failure.message))
            } catch {
                return .failure(JSONSyntaxError(source: bytes, offset: 0, message: "\(error)"))
            }
        }
        return try result.get()
    }
}

/// The byte-level reader behind ``JSONParser``.
private struct Reader {
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    let buffer: UnsafeBufferPointer<UInt8>
    let options: JSONParser.Options
    let recordPositions: Bool
    /// Values nested in at most this many containers have their positions recorded.
    let positionDepth: Int
    var index = 0
    var depth = 0
    var valueOffsets: [String: Int] = [:]
    var keyOffsets: [String: Int] = [:]
    var scratch: [UInt8] = []

    init(buffer: UnsafeBufferPointer<UInt8>, options: JSONParser.Options, positionDepth: Int) {
        self.buffer = buffer
        self.options = options
        self.recordPositions = positionDepth >= 0
        self.positionDepth = positionDepth
    }

    /// Whether the members or elements of the container being read have their positions recorded.
    var recordsChildren: Bool { recordPositions && depth <= positionDepth }

    mutating func parseTop() throws -> JSONValue {
        try startTop()
        let value = try parseValue(path: "")
        try endTop()
        return value
    }

    /// Reads the whole input as ``parseTop()`` does, handing the elements of a top-level array to `element`
    /// instead of keeping them; returns the value when it is not an array.
    mutating func parseTop(elements element: (JSONValue, Int) -> Void) throws -> JSONValue? {
        try startTop()
        var other: JSONValue?
        if buffer[index] == UInt8(ascii: "[") {
            try parseElements(path: "", element)
        } else {
            other = try parseValue(path: "")
        }
        try endTop()
        return other
    }

    /// Skips a byte-order mark and whitespace up to the value, which must be there.
    mutating func startTop() throws {
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = 3 }
        skipWhitespace()
        guard index < buffer.count else {
            throw Failure(offset: index, message: "the input is empty; expected a JSON value")
        }
    }

    /// Checks that nothing but whitespace follows the value.
    mutating func endTop() throws {
        skipWhitespace()
        if index < buffer.count {
            throw Failure(offset: index, message: "unexpected \(describe(index)) after the JSON value")
        }
    }

    mutating func skipWhitespace() {
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    func describe(_ offset: Int) -> String {
        guard offset < buffer.count else { return "end of input" }
        let byte = buffer[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0x20 { return "a space" }
        if byte < 0x80 { return "byte 0x\(hexDigits(UInt32(byte), width: 2))" }
        if validUTF8Length(at: offset) > 0, let scalar = decodeScalar(at: offset) {
            return "'\(Character(scalar))'"
        }
        return "byte 0x\(hexDigits(UInt32(byte), width: 2))"
    }

    mutating func parseValue(path: String) throws -> JSONValue {
        guard index < buffer.count else {
            throw Failure(offset: index, message: "unexpected end of input; expected a value")
        }
        if recordPositions && depth <= positionDepth { valueOffsets[path] = index }
        switch buffer[index] {
        case UInt8(ascii: "{"): return try parseObject(path: path)
        case UInt8(ascii: "["): return try parseArray(path: path)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw Failure(offset: index, message: "expected a value, found \(describe(index))")
        }
    }

    mutating func expectLiteral(_ word: StaticString) throws {
        let start = index
        let count = word.utf8CodeUnitCount
        let ok = word.withUTF8Buffer { literal -> Bool in
            guard start + count <= buffer.count else { return false }
            for k in 0..<count where buffer[start + k] != literal[k] { return false }
            return true
        }
        guard ok else {
            throw Failure(offset: start, message: "expected a value, found \(describe(start))")
        }
        index += count
        if index < buffer.count, isIdentifierByte(buffer[index]) {
            throw Failure(offset: start, message: "expected a value, found \(describe(start))")
        }
    }

    func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    mutating func enter() throws {
        depth += 1
        if depth > options.maxDepth {
            throw Failure(offset: index, message: "nesting deeper than \(options.maxDepth) levels")
        }
    }

    mutating func parseObject(path: String) throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < buffer.count, buffer[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < buffer.count else {
                throw Failure(offset: index, message: "unexpected end of input inside an object")
            }
            guard buffer[index] == UInt8(ascii: "\"") else {
                if buffer[index] == UInt8(ascii: "}") {
                    throw Failure(offset: index, message: "trailing comma before '}'")
                }
                throw Failure(offset: index, message: "expected a string key, found \(describe(index))")
            }
            let keyOffset = index
            let key = try parseString()
            let childPath = recordsChildren ? JSONPath.appending(key: key, to: path) : ""
            if members[key] != nil && !options.allowDuplicateKeys {
                let location = path.isEmpty ? "" : "\(path): "
                throw Failure(offset: keyOffset, message: "\(location)duplicate key \"\(key)\"")
            }
            if recordsChildren { keyOffsets[childPath] = keyOffset }
            skipWhitespace()
            guard index < buffer.count, buffer[index] == UInt8(ascii: ":") else {
                throw Failure(offset: index, message: "expected ':' after key \"\(key)\", found \(describe(index))")
            }
            index += 1
            skipWhitespace()
            members[key] = try parseValue(path: childPath)
            skipWhitespace()
            guard index < buffer.count else {
                throw Failure(offset: index, message: "unexpected end of input inside an object; expected ',' or '}'")
            }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default:
                throw Failure(offset: index, message: "expected ',' or '}' after a member, found \(describe(index))")
            }
        }
    }

    mutating func parseArray(path: String) throws -> JSONValue {
        var elements: [JSONValue] = []
        try parseElements(path: path) { element, _ in elements.append(element) }
        return .array(elements)
    }

    /// Reads the array at `index`, handing each element to `element` with its index.
    mutating func parseElements(path: String, _ element: (JSONValue, Int) -> Void) throws {
        try enter()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < buffer.count, buffer[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        var count = 0
        while true {
            skipWhitespace()
            if index < buffer.count, buffer[index] == UInt8(ascii: "]") {
                throw Failure(offset: index, message: "trailing comma before ']'")
            }
            let childPath = recordsChildren ? JSONPath.appending(index: count, to: path) : ""
            element(try parseValue(path: childPath), count)
            count += 1
            skipWhitespace()
            guard index < buffer.count else {
                throw Failure(offset: index, message: "unexpected end of input inside an array; expected ',' or ']'")
            }
            switch buffer[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return
            default:
                throw Failure(offset: index, message: "expected ',' or ']' after an element, found \(describe(index))")
            }
        }
    }

    mutating func parseString() throws -> String {
        let open = index
        index += 1
        let start = index
        var ascii = true
        while index < buffer.count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: buffer[start..<index])
                if !ascii { try validateUTF8(from: start, to: index) }
                index += 1
                return String(decoding: raw, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(open: open, start: start) }
            if byte < 0x20 { throw controlCharacter(at: index) }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        throw Failure(offset: open, message: "unterminated string")
    }

    func controlCharacter(at offset: Int) -> Failure {
        Failure(
            offset: offset,
            message: "unescaped control character U+\(hexDigits(UInt32(buffer[offset]), width: 4)) in a string")
    }

    mutating func parseEscapedString(open: Int, start: Int) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        try validateUTF8(from: start, to: index)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<index]))
        while index < buffer.count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte < 0x20 { throw controlCharacter(at: index) }
            if byte == UInt8(ascii: "\\") {
                let escapeOffset = index
                index += 1
                guard index < buffer.count else { break }
                switch buffer[index] {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape(escapeOffset: escapeOffset)
                    scratch.append(contentsOf: Array(String(Character(scalar)).utf8))
                    continue
                default:
                    throw Failure(offset: escapeOffset, message: "invalid escape \\\(describeEscape(index))")
                }
                index += 1
                continue
            }
            if byte >= 0x80 {
                let length = validUTF8Length(at: index)
                guard length > 0 else { throw invalidUTF8(at: index) }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<(index + length)]))
                index += length
                continue
            }
            scratch.append(byte)
            index += 1
        }
        throw Failure(offset: open, message: "unterminated string")
    }

    func describeEscape(_ offset: Int) -> String {
        let byte = buffer[offset]
        if byte >= 0x21 && byte < 0x7F { return String(Character(Unicode.Scalar(byte))) }
        return "(byte 0x\(hexDigits(UInt32(byte), width: 2)))"
    }

    /// Reads `\uXXXX` (and a following low surrogate) with `index` on the `u`; leaves `index` after it.
    mutating func parseUnicodeEscape(escapeOffset: Int) throws -> Unicode.Scalar {
        let high = try readHex4(escapeOffset: escapeOffset)
        if high >= 0xD800 && high <= 0xDBFF {
            guard index + 1 < buffer.count, buffer[index] == UInt8(ascii: "\\"), buffer[index + 1] == UInt8(ascii: "u")
            else {
                throw Failure(offset: escapeOffset, message: "lone surrogate \\u\(hex(high)) in a string")
            }
            let lowOffset = index
            index += 1
            let low = try readHex4(escapeOffset: lowOffset)
            guard low >= 0xDC00 && low <= 0xDFFF else {
                throw Failure(offset: escapeOffset, message: "lone surrogate \\u\(hex(high)) in a string")
            }
            let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else {
                throw Failure(offset: escapeOffset, message: "invalid \\u escape")
            }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else {
            throw Failure(offset: escapeOffset, message: "lone surrogate \\u\(hex(high)) in a string")
        }
        return scalar
    }

    func hex(_ value: UInt32) -> String {
        hexDigits(value, width: 4)
    }

    /// With `index` on the `u` of `\u`, reads four hex digits and leaves `index` after them.
    mutating func readHex4(escapeOffset: Int) throws -> UInt32 {
        index += 1
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < buffer.count else {
                throw Failure(offset: escapeOffset, message: "unterminated \\u escape")
            }
            let byte = buffer[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Failure(offset: escapeOffset, message: "invalid \\u escape: expected 4 hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    func invalidUTF8(at offset: Int) -> Failure {
        Failure(offset: offset, message: "invalid UTF-8 byte 0x\(hexDigits(UInt32(buffer[offset]), width: 2))")
    }

    func validateUTF8(from start: Int, to end: Int) throws {
        var k = start
        while k < end {
            if buffer[k] < 0x80 {
                k += 1
                continue
            }
            let length = validUTF8Length(at: k)
            guard length > 0, k + length <= end else { throw invalidUTF8(at: k) }
            k += length
        }
    }

    /// The length of the well-formed UTF-8 sequence at `offset`, or 0 when it is not well-formed.
    func validUTF8Length(at offset: Int) -> Int {
        let b0 = buffer[offset]
        func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            offset + k < buffer.count && buffer[offset + k] >= low && buffer[offset + k] <= high
        }
        switch b0 {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return continuation(1) ? 2 : 0
        case 0xE0: return continuation(1, 0xA0, 0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
        case 0xED: return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
        case 0xF0: return continuation(1, 0x90, 0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: return 0
        }
    }

    func decodeScalar(at offset: Int) -> Unicode.Scalar? {
        let length = validUTF8Length(at: offset)
        guard length > 0 else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[offset..<(offset + length)]), as: UTF8.self)
        return text.unicodeScalars.first
    }

    mutating func parseNumber() throws -> JSONValue {
        let start = index
        var negative = false
        if buffer[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < buffer.count, isDigit(buffer[index]) else {
            throw Failure(offset: start, message: "invalid number: expected a digit after '-'")
        }
        let integerStart = index
        if buffer[index] == UInt8(ascii: "0") {
            index += 1
            if index < buffer.count, isDigit(buffer[index]) {
                throw Failure(offset: start, message: "invalid number: leading zeros are not allowed")
            }
        } else {
            while index < buffer.count, isDigit(buffer[index]) { index += 1 }
        }
        let integerEnd = index
        var isInteger = true
        if index < buffer.count, buffer[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < buffer.count, isDigit(buffer[index]) else {
                throw Failure(offset: start, message: "invalid number: expected a digit after '.'")
            }
            while index < buffer.count, isDigit(buffer[index]) { index += 1 }
        }
        if index < buffer.count, buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < buffer.count, buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < buffer.count, isDigit(buffer[index]) else {
                throw Failure(offset: start, message: "invalid number: expected a digit in the exponent")
            }
            while index < buffer.count, isDigit(buffer[index]) { index += 1 }
        }
        if isInteger && integerEnd - integerStart <= 18 {
            var value = 0
            for k in integerStart..<integerEnd { value = value * 10 + Int(buffer[k] - UInt8(ascii: "0")) }
            return .int(negative ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else {
            throw Failure(offset: start, message: "number \(text) is out of range")
        }
        return .double(value)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

/// `value` in upper-case hexadecimal, zero-padded to `width` digits.
func hexDigits(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

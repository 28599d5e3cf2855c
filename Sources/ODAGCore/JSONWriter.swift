/// Writes ``JSONValue``s as JSON text, deterministically: object keys sorted (optionally with some
/// keys first), no `\/` escaping, non-ASCII written as UTF-8, and pretty output with a 2-space indent.
public enum JSONWriter {
    /// The value as UTF-8 bytes. `leadingKeys` come first, in that order, in every object.
    public static func bytes(_ value: JSONValue, pretty: Bool = false, leadingKeys: [String] = []) -> [UInt8] {
        var writer = Writer(pretty: pretty, leadingKeys: leadingKeys)
        writer.write(value, indent: 0)
        return writer.output
    }

    /// The value as a string.
    public static func string(_ value: JSONValue, pretty: Bool = false, leadingKeys: [String] = []) -> String {
        String(decoding: bytes(value, pretty: pretty, leadingKeys: leadingKeys), as: UTF8.self)
    }
}

private struct Writer {
    let pretty: Bool
    let leadingKeys: [String]
    var output: [UInt8] = []

    init(pretty: Bool, leadingKeys: [String]) {
        self.pretty = pretty
        self.leadingKeys = leadingKeys
        output.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let b): output.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): output.append(contentsOf: String(i).utf8)
        case .double(let d):
            if d.isFinite {
                output.append(contentsOf: d.description.utf8)
            } else {
                output.append(contentsOf: "null".utf8)
            }
        case .string(let s): writeString(s)
        case .array(let elements):
            if elements.isEmpty {
                output.append(contentsOf: "[]".utf8)
                return
            }
            output.append(UInt8(ascii: "["))
            for (k, element) in elements.enumerated() {
                if k > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            for (k, key) in orderedKeys(members).enumerated() {
                if k > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writeString(key)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(UInt8(ascii: " ")) }
                if let member = members[key] { write(member, indent: indent + 1) }
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    func orderedKeys(_ members: [String: JSONValue]) -> [String] {
        let sorted = members.keys.sorted()
        guard !leadingKeys.isEmpty else { return sorted }
        let leading = leadingKeys.filter { members[$0] != nil }
        return leading + sorted.filter { !leading.contains($0) }
    }

    mutating func newline(_ indent: Int) {
        guard pretty else { return }
        output.append(0x0A)
        for _ in 0..<(indent * 2) { output.append(0x20) }
    }

    mutating func writeString(_ s: String) {
        output.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(contentsOf: hexDigits(UInt32(byte), width: 2).lowercased().utf8)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

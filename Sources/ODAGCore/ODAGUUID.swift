/// UUIDs as the ODAG API writes them: `8-4-4-4-12` hexadecimal digits.
public enum ODAGUUID {
    /// Whether `text` is a UUID in the canonical `8-4-4-4-12` form (either case).
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (k, byte) in bytes.enumerated() {
            if k == 8 || k == 13 || k == 18 || k == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let isHex =
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
                guard isHex else { return false }
            }
        }
        return true
    }

    /// A new random (version 4) UUID in lower case.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A new version 4 UUID in lower case drawn from `generator` (seedable for tests).
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        var text = ""
        for (k, byte) in bytes.enumerated() {
            if k == 4 || k == 6 || k == 8 || k == 10 { text += "-" }
            text += hexDigits(UInt32(byte), width: 2).lowercased()
        }
        return text
    }
}

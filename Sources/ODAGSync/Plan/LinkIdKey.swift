/// A link id as the planner's tables key it: ids compare case-insensitively. A UUID is kept as its 128
/// bits, which hash and compare in two words where its 36-character text took a hash of every byte and
/// a `memcmp` in another allocation; anything else is kept as its lowercased text.
///
/// Two keys are equal exactly when the lowercased ids are equal strings: a UUID lowercases to ASCII,
/// and no string that is not a UUID lowercases to one, or to a string canonically equivalent to one.
enum LinkIdKey: Hashable {
    case uuid(high: UInt64, low: UInt64)
    case text(String)

    init(_ id: String) {
        var id = id
        if let (high, low) = id.withUTF8(Self.uuidBits) {
            self = .uuid(high: high, low: low)
        } else {
            self = .text(id.lowercased())
        }
    }

    /// The bits of a UUID written `8-4-4-4-12` in hexadecimal digits of either case (what
    /// `ODAGUUID.isValid` accepts), or `nil` for anything else.
    static func uuidBits(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (k, byte) in bytes.enumerated() {
            if k == 8 || k == 13 || k == 18 || k == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            // The first 16 digits (before the third dash) are the high word, the last 16 the low one.
            if k < 18 {
                high = high << 4 | UInt64(digit)
            } else {
                low = low << 4 | UInt64(digit)
            }
        }
        return (high, low)
    }
}

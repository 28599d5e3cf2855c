/// What makes text from a server or a pull request safe to show a person: every character that a
/// terminal acts on, or that changes how a line reads without being seen, is written as a visible
/// `\uXXXX` escape.
///
/// Unsafe are the C0 controls (ESC starts the sequences that move the cursor, clear the screen or
/// write the clipboard), DEL, the C1 controls (U+009B is a one-character CSI), the bidirectional
/// controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), which reorder what is shown, the
/// line and paragraph separators U+2028 and U+2029, which some viewers break lines at, and the
/// zero-width and invisible format characters (U+200B–U+200D, U+2060–U+2064, U+FEFF), which hide
/// text or make two different names look the same.
public enum SafeText {
    /// Whether `scalar` must not reach a reader as it is.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F: return true
        case 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    /// `text` with every unsafe character written `\uXXXX`; with `keepingLineFeeds`, a line feed
    /// stays a line break (for messages of several lines).
    public static func escaped(_ text: String, keepingLineFeeds: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) && !(keepingLineFeeds && scalar == "\n") {
                result += escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `\u001b` for ESC: four lowercase hexadecimal digits, as in a JSON string.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

/// `text` as a JSON string literal whose unsafe characters (``SafeText``) are escaped too: the one way
/// a name, a path or a value is quoted in a message or a report. The result is valid JSON that reads
/// back as `text`; with a `limit`, a longer literal is cut to `limit` characters and ends with `…`.
public func quoted(_ text: String, limit: Int? = nil) -> String {
    let literal = JSONWriter.string(.string(text))
    guard let limit, literal.count > limit else { return SafeText.escaped(literal) }
    return SafeText.escaped(String(literal.prefix(limit))) + "…"
}

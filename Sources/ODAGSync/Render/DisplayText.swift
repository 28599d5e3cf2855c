import ODAGCore

/// Formatting shared by the plain-text renderers: quoting, value snippets, counts and durations.
///
/// Everything that came from a manifest or a server goes through ``quoted(_:)``, ``value(_:limit:)``
/// or ``sanitized(_:)``, which escape control characters (C0, DEL and C1), so a link name cannot
/// move the cursor, change colours or forge a line of output on a terminal or in a CI log.
enum DisplayText {
    /// The longest a field value is shown in text output before it is shortened with `…`.
    static let valueLimit = 60

    /// A name as a JSON string literal: `"Sales detail"`, with quotes and controls escaped.
    static func quoted(_ text: String) -> String {
        escapingWideControls(JSONWriter.string(.string(text)))
    }

    /// A field value as compact JSON, shortened to about `limit` characters; `(absent)` when missing.
    static func value(_ value: JSONValue?, limit: Int = valueLimit) -> String {
        guard let value else { return "(absent)" }
        return escapingWideControls(value.snippet(limit: limit))
    }

    /// Free text (a message, a server URL, a source location) with control characters escaped.
    static func sanitized(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `1 link`, `2 links`.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : (plural ?? singular + "s"))
    }

    /// A duration in seconds with two decimals, rounded: `0.12 s`.
    static func seconds(milliseconds: Int) -> String {
        let centiseconds = (max(0, milliseconds) + 5) / 10
        let fraction = centiseconds % 100
        return "\(centiseconds / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var result = ""
        for (k, digit) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (n < 0 ? "-" : "") + result
    }

    /// JSON escapes C0 controls but writes DEL and C1 controls (such as U+009B, a one-character CSI)
    /// as they are; terminals act on those too.
    private static func escapingWideControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x7F && $0.value <= 0x9F }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x7F && scalar.value <= 0x9F {
                result += escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F)
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

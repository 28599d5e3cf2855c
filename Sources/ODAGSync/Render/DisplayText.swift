import ODAGCore

/// Formatting shared by the plain-text renderers: quoting, value snippets, counts and durations.
///
/// Everything that came from a manifest or a server goes through `quoted(_:limit:)` (names),
/// ``value(_:limit:)`` or ``sanitized(_:)``, which write every character ``SafeText`` calls unsafe
/// (controls, bidirectional controls, line separators, zero-width characters) as `\uXXXX`, so a
/// link name cannot move the cursor, clear the screen, write the clipboard, reorder or hide text, or
/// forge a line of output on a terminal or in a CI log.
enum DisplayText {
    /// The longest a field value is shown in text output before it is shortened with `…`.
    static let valueLimit = 60

    /// A field value as compact JSON, shortened to about `limit` characters; `(absent)` when missing.
    static func value(_ value: JSONValue?, limit: Int = valueLimit) -> String {
        guard let value else { return "(absent)" }
        return SafeText.escaped(value.snippet(limit: limit))
    }

    /// Free text (a message, a server URL, a source location) with unsafe characters escaped.
    static func sanitized(_ text: String) -> String {
        SafeText.escaped(text)
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
}

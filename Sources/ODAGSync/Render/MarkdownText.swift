import ODAGCore

/// Escaping for text placed in GitHub-flavoured Markdown, in table cells and in HTML such as
/// `<summary>`.
///
/// Names and values become HTML character references (`&#124;` for `|`, `&lt;` for `<`, `&#96;` for a
/// backtick, …), which GitHub decodes in Markdown and in HTML alike, so one escape is safe in every
/// place this module puts text: a name can neither end a table cell, open a tag or a code span, nor
/// start emphasis or a link. Line breaks become spaces, as a table row or a summary is one line; the
/// other characters ``SafeText`` calls unsafe (controls, bidirectional controls, zero-width
/// characters) are shown as `\uXXXX`.
///
/// An `@` in prose becomes `<code>@</code>`: GitHub turns `@user` and `@org/team` into mentions (which
/// notify) in text, even when the `@` was written as a character reference, but never inside code.
enum MarkdownText {
    /// `text` with every character Markdown or HTML could act on replaced by a character reference,
    /// and every `@` kept from starting a mention.
    static func escape(_ text: String) -> String {
        escape(text, inCode: false)
    }

    /// ``escape(_:)``; `inCode` leaves `@` as it is, for text inside `<code>`.
    private static func escape(_ text: String, inCode: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "@" where !inCode: result += "<code>@</code>"
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "|": result += "&#124;"
            case "`": result += "&#96;"
            case "\\": result += "&#92;"
            case "*": result += "&#42;"
            case "_": result += "&#95;"
            case "[": result += "&#91;"
            case "]": result += "&#93;"
            case "~": result += "&#126;"
            case "#": result += "&#35;"
            case "!": result += "&#33;"
            case "\n", "\r", "\t": result += " "
            default:
                if SafeText.isUnsafe(scalar) {
                    // The backslash as a reference too, so the escape reads as text and not as Markdown.
                    result += "&#92;" + SafeText.escape(scalar).dropFirst()
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// `text` escaped inside `<code>`, for ids, paths and values.
    static func code(_ text: String) -> String {
        "<code>" + escape(text, inCode: true) + "</code>"
    }

    /// A line of a fenced code block: Markdown does not act on it, so only the unsafe characters are
    /// escaped, as in text output (GitHub makes no mentions in code).
    static func codeLine(_ text: String) -> String {
        SafeText.escaped(text)
    }

    /// A fence of backticks longer than any run of backticks in `body`, so the body cannot close it.
    static func fence(for body: String) -> String {
        var longest = 0
        var run = 0
        for character in body {
            if character == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// A number for a table: `1,234`.
    static func number(_ n: Int) -> String {
        DisplayText.grouped(n)
    }
}

import ODAGCore

/// Escaping for text placed in GitHub-flavoured Markdown, in table cells and in HTML such as
/// `<summary>`.
///
/// Names and values become HTML character references (`&#124;` for `|`, `&lt;` for `<`, `&#96;` for a
/// backtick, …), which GitHub decodes in Markdown and in HTML alike, so one escape is safe in every
/// place this module puts text: a name can neither end a table cell, open a tag or a code span, nor
/// start emphasis or a link. Line breaks become spaces, as a table row or a summary is one line.
enum MarkdownText {
    /// `text` with every character Markdown or HTML could act on replaced by a character reference.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
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
                if scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F) {
                    result += "&#xFFFD;"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// `text` escaped inside `<code>`, for ids, paths and values.
    static func code(_ text: String) -> String {
        "<code>" + escape(text) + "</code>"
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

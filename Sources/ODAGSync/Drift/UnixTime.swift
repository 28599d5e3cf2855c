/// Converts the ISO 8601 UTC times this tool writes (`2026-01-01T00:00:00Z`, optionally with a
/// fraction or a `+hh:mm` offset) to Unix seconds, without Foundation, so rendering stays a pure
/// function of its input.
enum UnixTime {
    /// Seconds since 1970-01-01T00:00:00Z, or `nil` when `text` is not such a time.
    static func seconds(iso8601 text: String) -> Int? {
        let chars = Array(text.utf8)
        func number(_ start: Int, _ length: Int) -> Int? {
            guard start + length <= chars.count else { return nil }
            var value = 0
            for c in chars[start..<(start + length)] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        func char(_ index: Int) -> UInt8? { index < chars.count ? chars[index] : nil }
        guard let year = number(0, 4), char(4) == UInt8(ascii: "-"), let month = number(5, 2),
            char(7) == UInt8(ascii: "-"), let day = number(8, 2),
            char(10) == UInt8(ascii: "T") || char(10) == UInt8(ascii: "t"),
            let hour = number(11, 2), char(13) == UInt8(ascii: ":"), let minute = number(14, 2),
            char(16) == UInt8(ascii: ":"), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        if char(index) == UInt8(ascii: ".") {
            index += 1
            while let c = char(index), c >= 48 && c <= 57 { index += 1 }
        }
        var offset = 0
        switch char(index) {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let hours = number(index + 1, 2), char(index + 3) == UInt8(ascii: ":"),
                let minutes = number(index + 4, 2)
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (char(index) == UInt8(ascii: "+") ? 1 : -1)
            index += 6
        default:
            return nil
        }
        guard index == chars.count else { return nil }
        return daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
            - offset
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

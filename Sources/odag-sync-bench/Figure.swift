import ODAGCore

/// One measured figure, with the goal it is held to when there is one.
struct Figure: Sendable {
    enum Goal: Sendable {
        case atMost(Double)
        case atLeast(Double)

        func isMet(by value: Double) -> Bool {
            switch self {
            case .atMost(let limit): return value <= limit
            case .atLeast(let limit): return value >= limit
            }
        }

        var limit: Double {
            switch self {
            case .atMost(let limit), .atLeast(let limit): return limit
            }
        }

        var symbol: String {
            switch self {
            case .atMost: return "≤"
            case .atLeast: return "≥"
            }
        }
    }

    /// A stable key for JSON consumers (`plan.process.seconds`).
    var id: String
    /// What was measured, for the table.
    var label: String
    /// The size it was measured at (`10000 vs 10000`).
    var size: String
    var value: Double
    var unit: String
    var goal: Goal?
    var note: String = ""
    /// CPU seconds beside a wall time: unlike wall time, barely moved by other load on the machine.
    var cpu: Double? = nil

    func formatted(_ number: Double) -> String {
        switch unit {
        case "s":
            if number < 0.001 { return "\(Self.fixed(number * 1_000_000, 0)) µs" }
            if number < 1 { return "\(Self.fixed(number * 1000, number < 0.01 ? 2 : 1)) ms" }
            return "\(Self.fixed(number, 2)) s"
        case "MB": return "\(Self.fixed(number, 1)) MB"
        case "%": return "\(Self.fixed(number, 1)) %"
        case "x": return "\(Self.fixed(number, 1))×"
        case "/s": return "\(Self.fixed(number, number < 100 ? 1 : 0)) /s"
        case "µs": return "\(Self.fixed(number, 2)) µs"
        default: return "\(Self.fixed(number, 2)) \(unit)"
        }
    }

    var valueText: String { formatted(value) }
    var goalText: String { goal.map { "\($0.symbol) \(formatted($0.limit))" } ?? "" }

    /// `ok`, `MISSED`, or empty without a goal.
    func status(checked: Bool) -> String {
        guard let goal else { return "" }
        guard checked else { return "(smoke)" }
        return goal.isMet(by: value) ? "ok" : "MISSED"
    }

    static func fixed(_ number: Double, _ decimals: Int) -> String {
        guard number.isFinite else { return "\(number)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (number * scale).rounded() / scale
        var text = "\(rounded)"
        if text.hasSuffix(".0") && decimals == 0 { text.removeLast(2) }
        if let dot = text.firstIndex(of: ".") {
            let fraction = text[text.index(after: dot)...].count
            if fraction < decimals { text += String(repeating: "0", count: decimals - fraction) }
        } else if decimals > 0 {
            text += "." + String(repeating: "0", count: decimals)
        }
        if text.contains("e") { return "\(number)" }
        return text
    }

    func json(checked: Bool) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "label": .string(label), "size": .string(size), "value": .double(value),
            "unit": .string(unit),
        ]
        if let goal {
            members["goal"] = .object([
                "comparison": .string(goal.symbol == "≤" ? "atMost" : "atLeast"), "limit": .double(goal.limit),
            ])
            if checked { members["met"] = .bool(goal.isMet(by: value)) }
        }
        if !note.isEmpty { members["note"] = .string(note) }
        if let cpu { members["cpuSeconds"] = .double(cpu) }
        return .object(members)
    }
}

/// Prints figures as an aligned table.
enum FigureTable {
    static func render(_ figures: [Figure], checked: Bool) -> String {
        let header = ["Benchmark", "Size", "Measured", "CPU", "Goal", "", "Notes"]
        let rows = figures.map {
            [
                $0.label, $0.size, $0.valueText, $0.cpu.map($0.formatted) ?? "", $0.goalText,
                $0.status(checked: checked), $0.note,
            ]
        }
        var widths = header.map { $0.count }
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (column, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                // Numbers right-aligned, words left-aligned.
                text += (2...4).contains(column) ? pad + cell : cell + pad
                if column < cells.count - 1 { text += "  " }
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var output = line(header) + "\n"
        output += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { output += line(row) + "\n" }
        return output
    }
}

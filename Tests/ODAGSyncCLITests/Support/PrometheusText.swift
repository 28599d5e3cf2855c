import Foundation

/// A strict reader of the Prometheus text exposition format, as node-exporter's textfile collector
/// reads it: `# HELP`/`# TYPE` lines and `name{label="value",…} number` samples.
struct PrometheusText: Sendable {
    /// One sample.
    struct Sample: Sendable, Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    /// Parses `text`, throwing a message naming the first line that is not valid.
    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw Failure("the text does not end in a newline") }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = index + 1
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["gauge", "counter", "untyped", "summary", "histogram"].contains(parts[3])
                else {
                    throw Failure("line \(number): bad TYPE line \(line)")
                }
                if types[String(parts[2])] != nil { throw Failure("line \(number): second TYPE for \(parts[2])") }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            samples.append(try Self.sample(String(line), number: number))
        }
        for sample in samples where types[sample.name] == nil {
            throw Failure("sample \(sample.name) has no TYPE line")
        }
    }

    /// The value of the only sample named `name`.
    func value(_ name: String) -> Double? {
        let matching = samples.filter { $0.name == name }
        return matching.count == 1 ? matching[0].value : nil
    }

    static func sample(_ line: String, number: Int) throws -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard let first = name.first, !first.isNumber else {
            throw Failure("line \(number): no metric name in \(line)")
        }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let label = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest.dropFirst(label.count)
                guard !label.isEmpty, rest.hasPrefix("=\"") else {
                    throw Failure("line \(number): bad label in \(line)")
                }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first else { throw Failure("line \(number): bad escape") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(escaped)
                        default: throw Failure("line \(number): bad escape \\\(escaped)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw Failure("line \(number): unterminated label value") }
                rest = rest.dropFirst()
                labels[String(label)] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard (1...2).contains(fields.count), rest.first == " ", let value = Double(fields[0]) else {
            throw Failure("line \(number): bad value in \(line)")
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

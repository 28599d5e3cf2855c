import ODAGCore
import Synchronization

/// Parses a command's arguments: `--flag value`, `--flag=value`, repeatable flags, flags without a
/// value, positional arguments, and `--` after which everything is positional.
public struct ArgumentParser: Sendable {
    /// The flags the command accepts.
    public let options: [OptionSpec]

    /// Creates a parser for `options`. `--help` and `-h` are always accepted.
    public init(options: [OptionSpec]) {
        self.options = options
    }

    /// Parses `arguments` (without the program and command names).
    public func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        result.declared = Set(options.map(\.name))
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                result.positionals.append(contentsOf: arguments[index...])
                break
            }
            if argument == "-h" || argument == "--help" {
                result.helpRequested = true
                continue
            }
            guard argument.hasPrefix("-"), argument != "-" else {
                result.positionals.append(argument)
                continue
            }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let spec = options.first(where: { $0.name == name }) else {
                let known = options.map(\.name) + ["--help"]
                let hint = Suggestion.closest(to: name, among: known).map { "did you mean \"\($0)\"?" }
                throw UsageError("unknown option \"\(name)\"", hint: hint ?? "see --help for the options")
            }
            if !spec.repeatable && result.values[name] != nil {
                throw UsageError("option \(name) was given more than once")
            }
            if spec.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw UsageError("option \(name) needs a value (\(name) \(spec.valueName ?? "VALUE"))")
                }
                result.values[name, default: []].append(value)
            } else {
                if let inlineValue {
                    throw UsageError("option \(name) takes no value, but was given \"\(inlineValue)\"")
                }
                result.values[name, default: []].append("")
            }
        }
        return result
    }
}

/// What ``ArgumentParser`` found.
///
/// Reading a flag the command does not declare is a bug (it can never be given, so the read always
/// finds nothing): such reads are recorded in ``undeclaredReads``, and the command line reports them as
/// an internal error when the command ends.
public struct ParsedArguments: Sendable, Equatable {
    /// Arguments that are not flags, in order.
    public var positionals: [String] = []
    /// Each flag's values in order (an empty string for flags that take none).
    public var values: [String: [String]] = [:]
    /// Whether `--help` or `-h` was given.
    public var helpRequested = false
    /// The flags the command declares; empty for arguments made by hand, which are not checked.
    public var declared: Set<String> = []
    private let reads = ReadLog()

    /// Creates an empty result.
    public init() {}

    /// Whether the command declares the flag.
    public func declares(_ name: String) -> Bool { declared.contains(name) }

    /// Whether the command declares the flag and it was given: for shared flags some commands do not take.
    public func given(_ name: String) -> Bool { declares(name) && has(name) }

    /// Whether the flag was given.
    public func has(_ name: String) -> Bool {
        check(name)
        return values[name] != nil
    }

    /// The flag's value (the last one for a repeatable flag).
    public func value(_ name: String) -> String? {
        check(name)
        return values[name]?.last
    }

    /// All of a repeatable flag's values, in order.
    public func all(_ name: String) -> [String] {
        check(name)
        return values[name] ?? []
    }

    /// The flags read that the command does not declare, in the order first read.
    public var undeclaredReads: [String] { reads.names.withLock { $0 } }

    private func check(_ name: String) {
        guard !declared.isEmpty, !declared.contains(name) else { return }
        reads.names.withLock { names in
            if !names.contains(name) { names.append(name) }
        }
    }

    public static func == (lhs: ParsedArguments, rhs: ParsedArguments) -> Bool {
        lhs.positionals == rhs.positionals && lhs.values == rhs.values && lhs.helpRequested == rhs.helpRequested
            && lhs.declared == rhs.declared
    }

    /// Shared by copies, so that a read through any copy is recorded.
    private final class ReadLog: Sendable {
        let names = Mutex<[String]>([])
    }

    /// The flag's value as a whole number within `range`.
    public func int(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(
                "option \(name) needs a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return number
    }

    /// The flag's value as a number within `range`.
    public func double(_ name: String, in range: ClosedRange<Double>) throws(UsageError) -> Double? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw UsageError(
                "option \(name) needs a number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return number
    }

    /// The flag's value, which must be one of `choices`.
    public func choice(_ name: String, _ choices: [String]) throws(UsageError) -> String? {
        guard let text = value(name) else { return nil }
        guard choices.contains(text) else {
            let hint = Suggestion.closest(to: text, among: choices).map { "did you mean \"\($0)\"?" }
            throw UsageError(
                "option \(name) must be one of \(choices.joined(separator: ", ")), got \"\(text)\"", hint: hint)
        }
        return text
    }
}

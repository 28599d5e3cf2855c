/// The sizes and switches of one benchmark run, from the command line.
struct BenchOptions: Sendable {
    var json = false
    /// Also write the JSON results to this file.
    var jsonFile: String?
    var smoke = false
    /// Exit 1 when a measured figure misses its goal (full sizes only).
    var check = false
    var validateLinks = 10_000
    var validateFiles = 100
    var diffLinks = 100_000
    var planLinks = 10_000
    var changedPercent = 1.0
    var scaleSizes = [1_000, 10_000, 50_000]
    var applyChanges = 500
    var applyLatencyMs = 20
    var parallelism = 8
    var startupRuns = 31
    var repeats = 5
    /// The `odag-sync` binary; found beside this executable when not given.
    var binary: String?
    /// Leave the temporary folder (manifests, state files) in place, for profiling by hand.
    var keepWorkspace = false
    /// Which sections to run (empty: all).
    var only: Set<String> = []

    static let sections = ["validate", "diff", "decode", "plan", "scale", "apply", "startup"]

    static let usage = """
        usage: odag-sync-bench [--smoke] [--json] [--check] [--only SECTION,…] [sizes…]

        Makes its own synthetic manifests and live links, runs them against an in-process emulator on
        loopback, and prints a table of figures beside their goals (SPEC §9).

          --smoke                 small sizes that finish in seconds (for CI)
          --json                  print the results as JSON instead of a table
          --json-file PATH        also write the JSON results to PATH
          --check                 exit 1 when a figure misses its goal (ignored with --smoke)
          --only LIST             run only these sections: validate,diff,decode,plan,scale,apply,startup
          --keep-workspace        keep the generated manifests and state files (the path is printed)
          --binary PATH           the odag-sync executable (default: beside odag-sync-bench)
          --validate-links N      links to validate (default 10000)
          --validate-files N      files they are spread over (default 100)
          --diff-links N          declared and live links for the diff engine alone (default 100000)
          --plan-links N          declared and live links for plan end to end (default 10000)
          --changed-percent P     share of live links that differ from their declaration (default 1)
          --scale LIST            plan sizes for the linearity check (default 1000,10000,50000)
          --apply-changes N       updates to apply (default 500)
          --latency-ms N          emulator latency for apply (default 20)
          --parallelism N         apply parallelism (default 8)
          --startup-runs N        spawns of "odag-sync version" (default 31)
          --repeat N              repetitions of each timed step; the median is reported (default 5)
        """

    static func smokeDefaults() -> BenchOptions {
        var options = BenchOptions()
        options.smoke = true
        options.validateLinks = 500
        options.validateFiles = 10
        options.diffLinks = 5_000
        options.planLinks = 500
        options.scaleSizes = [100, 500]
        options.applyChanges = 40
        options.startupRuns = 5
        options.repeats = 2
        return options
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses the arguments (without the program name).
    static func parse(_ arguments: [String]) throws(ParseError) -> BenchOptions {
        var options = arguments.contains("--smoke") ? smokeDefaults() : BenchOptions()
        var index = 0
        func value(_ flag: String) throws(ParseError) -> String {
            index += 1
            guard index < arguments.count else { throw ParseError(description: "\(flag) needs a value") }
            return arguments[index]
        }
        func number(_ flag: String, minimum: Int = 1) throws(ParseError) -> Int {
            let text = try value(flag)
            guard let number = Int(text), number >= minimum else {
                throw ParseError(description: "\(flag) expects a whole number of at least \(minimum), got \"\(text)\"")
            }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--smoke": break
            case "--json": options.json = true
            case "--json-file": options.jsonFile = try value(argument)
            case "--check": options.check = true
            case "--keep-workspace": options.keepWorkspace = true
            case "--binary": options.binary = try value(argument)
            case "--validate-links": options.validateLinks = try number(argument)
            case "--validate-files": options.validateFiles = try number(argument)
            case "--diff-links": options.diffLinks = try number(argument)
            case "--plan-links": options.planLinks = try number(argument)
            case "--apply-changes": options.applyChanges = try number(argument)
            case "--latency-ms": options.applyLatencyMs = try number(argument, minimum: 0)
            case "--parallelism": options.parallelism = try number(argument)
            case "--startup-runs": options.startupRuns = try number(argument)
            case "--repeat": options.repeats = try number(argument)
            case "--changed-percent":
                let text = try value(argument)
                guard let percent = Double(text), (0...100).contains(percent) else {
                    throw ParseError(description: "--changed-percent expects 0 to 100, got \"\(text)\"")
                }
                options.changedPercent = percent
            case "--scale":
                let text = try value(argument)
                let sizes = text.split(separator: ",").compactMap { Int($0) }
                guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
                    throw ParseError(description: "--scale expects sizes like 1000,10000,50000, got \"\(text)\"")
                }
                options.scaleSizes = sizes
            case "--only":
                let names = try value(argument).split(separator: ",").map(String.init)
                for name in names where !sections.contains(name) {
                    throw ParseError(
                        description: "--only: unknown section \"\(name)\" (\(sections.joined(separator: ", ")))")
                }
                options.only = Set(names)
            case "--help", "-h":
                throw ParseError(description: usage)
            default:
                throw ParseError(description: "unknown argument \"\(argument)\"\n\n\(usage)")
            }
            index += 1
        }
        return options
    }

    func runs(_ section: String) -> Bool { only.isEmpty || only.contains(section) }
}

import ODAGSyncCLI

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
    /// The large https apply (goal: at least 85 % of P/L).
    var httpsLargeChanges = 2_000
    var httpsLargeParallelism = 32
    var startupRuns = 31
    var repeats = 5
    /// The `odag-sync` binary; found beside this executable when not given.
    var binary: String?
    /// Leave the temporary folder (manifests, state files) in place, for profiling by hand.
    var keepWorkspace = false
    /// Which sections to run (empty: all).
    var only: Set<String> = []

    static let sections = ["validate", "diff", "decode", "plan", "scale", "apply", "https", "startup"]

    static let usage = """
        usage: odag-sync-bench [--smoke] [--json] [--check] [--only SECTION,…] [sizes…]

        Makes its own synthetic manifests and live links, runs them against an in-process emulator on
        loopback, and prints a table of figures beside their goals (SPEC §9).

          --smoke                 small sizes that finish in seconds (for CI)
          --json                  print the results as JSON instead of a table
          --json-file PATH        also write the JSON results to PATH
          --check                 exit 1 when a figure misses its goal (ignored with --smoke)
          --only LIST             run only these sections: validate,diff,decode,plan,scale,apply,https,startup
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
          --https-large-changes N updates of the large https apply (default 2000)
          --https-large-parallelism N  its parallelism (default 32)
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
        options.httpsLargeChanges = 64
        options.httpsLargeParallelism = 16
        options.startupRuns = 5
        options.repeats = 2
        return options
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// The flags, read by the command line's own parser (so both spell and check options alike).
    static let specs: [OptionSpec] = [
        .flag("--smoke", "small sizes"), .flag("--json", "JSON output"), .value("--json-file", "PATH", "JSON file"),
        .flag("--check", "exit 1 on a missed goal"), .flag("--keep-workspace", "keep the workspace"),
        .value("--binary", "PATH", "the odag-sync executable"), .value("--validate-links", "N", "links to validate"),
        .value("--validate-files", "N", "files"), .value("--diff-links", "N", "diff size"),
        .value("--plan-links", "N", "plan size"), .value("--apply-changes", "N", "updates to apply"),
        .value("--latency-ms", "N", "emulator latency"), .value("--parallelism", "N", "apply parallelism"),
        .value("--https-large-changes", "N", "updates of the large https apply"),
        .value("--https-large-parallelism", "N", "its parallelism"),
        .value("--startup-runs", "N", "spawns of version"), .value("--repeat", "N", "repetitions"),
        .value("--changed-percent", "P", "share of changed links"), .value("--scale", "LIST", "plan sizes"),
        .value("--only", "LIST", "sections to run"),
    ]

    /// Parses the arguments (without the program name).
    static func parse(_ arguments: [String]) throws(ParseError) -> BenchOptions {
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser(options: specs).parse(arguments)
        } catch {
            throw ParseError(description: error.message + (error.hint.map { "; \($0)" } ?? "") + "\n\n\(usage)")
        }
        if parsed.helpRequested { throw ParseError(description: usage) }
        if let extra = parsed.positionals.first {
            throw ParseError(description: "unexpected argument \"\(extra)\"\n\n\(usage)")
        }
        var options = parsed.has("--smoke") ? smokeDefaults() : BenchOptions()
        do {
            func number(_ flag: String, minimum: Int = 1) throws(UsageError) -> Int? {
                try parsed.int(flag, in: minimum...1_000_000_000)
            }
            options.json = parsed.has("--json")
            options.jsonFile = parsed.value("--json-file")
            options.check = parsed.has("--check")
            options.keepWorkspace = parsed.has("--keep-workspace")
            options.binary = parsed.value("--binary")
            options.validateLinks = try number("--validate-links") ?? options.validateLinks
            options.validateFiles = try number("--validate-files") ?? options.validateFiles
            options.diffLinks = try number("--diff-links") ?? options.diffLinks
            options.planLinks = try number("--plan-links") ?? options.planLinks
            options.applyChanges = try number("--apply-changes") ?? options.applyChanges
            options.applyLatencyMs = try number("--latency-ms", minimum: 0) ?? options.applyLatencyMs
            options.parallelism = try number("--parallelism") ?? options.parallelism
            options.httpsLargeChanges = try number("--https-large-changes") ?? options.httpsLargeChanges
            options.httpsLargeParallelism = try number("--https-large-parallelism") ?? options.httpsLargeParallelism
            options.startupRuns = try number("--startup-runs") ?? options.startupRuns
            options.repeats = try number("--repeat") ?? options.repeats
            options.changedPercent = try parsed.double("--changed-percent", in: 0...100) ?? options.changedPercent
        } catch {
            throw ParseError(description: error.message)
        }
        if let text = parsed.value("--scale") {
            let sizes = text.split(separator: ",").compactMap { Int($0) }
            guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
                throw ParseError(description: "--scale expects sizes like 1000,10000,50000, got \"\(text)\"")
            }
            options.scaleSizes = sizes
        }
        if let text = parsed.value("--only") {
            let names = text.split(separator: ",").map(String.init)
            for name in names where !sections.contains(name) {
                throw ParseError(
                    description: "--only: unknown section \"\(name)\" (\(sections.joined(separator: ", ")))")
            }
            options.only = Set(names)
        }
        return options
    }

    func runs(_ section: String) -> Bool { only.isEmpty || only.contains(section) }
}

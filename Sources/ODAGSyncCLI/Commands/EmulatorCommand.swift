import Foundation
import ODAGCore
import ODAGEmulator

/// `odag-sync emulator`: runs the local ODAG service.
struct EmulatorCommand: Command {
    static let name = "emulator"
    static let summary = "Run a local ODAG service (all 14 operations) for trying and testing"
    static let usage = "emulator [--host H] [--port N] [--state FILE] [--api document|qseow] [options]"
    static let discussion = """
        Serves the ODAG REST API v1 under /api/odag/v1 over HTTP/1.1 and prints
        "listening on http://HOST:PORT/api/odag/v1" as its first line. With --state, links and requests
        are loaded from FILE (created when missing) and every change is on disk before it is acknowledged.
        --api picks the shapes served: "document" (the bundled API document's, the default) or "qseow"
        (Qlik's documented ODAG service API, as a Qlik Sense Enterprise on Windows server answers:
        owner and templateApp objects, {objectDef, feedback} answers, modifiedDate required on PUT,
        no link DELETE, a proxy session cookie). Without --api the flavour FILE records is served;
        a FILE holding data of the other flavour is refused.
        Faults for rehearsals: --latency-ms, --fail-rate (503 with Retry-After, nothing done),
        --drop-rate (does the work, then closes the connection without answering), --seed.
        Authentication rehearsal: --require-token T (Authorization: Bearer T, else 401),
        --require-header NAME (missing: a virtual proxy's redirect to an HTML login page).
        It binds to 127.0.0.1 unless --host says otherwise. Slow clients are bounded: at most
        --max-connections are open (a new one closes the one waiting longest for a request, or gets
        503 when all are busy), and a request must arrive whole within 30 s of its first byte (408).
        Stops cleanly on Ctrl-C or SIGTERM.
        """
    static let examples = [
        "odag-sync emulator --port 8080 --state odag-state.json",
        "# a flaky server for rehearsals",
        "odag-sync emulator --state s.json --latency-ms 50 --fail-rate 0.1 --drop-rate 0.05 --seed 7",
        "# Qlik's documented shapes, as a QSEoW server answers",
        "odag-sync emulator --api qseow --state qseow-state.json",
    ]
    static let options: [OptionSpec] = [
        .value("--host", "HOST", "Address to bind (default 127.0.0.1; 0.0.0.0 exposes it to the network)"),
        .value("--port", "N", "Port (default 0: a free port, printed on the first line)"),
        .value("--state", "FILE", "Load state from FILE and save every change to it (created when missing)"),
        .value(
            "--api", "FLAVOUR",
            "Shapes served: document (default) or qseow (Qlik's ODAG service API); default: what FILE records"),
        .value("--latency-ms", "N", "Answer N milliseconds after each request arrives (the work happens within)"),
        .value("--fail-rate", "P", "Answer this share of requests (0–1) with 503 and Retry-After, doing nothing"),
        .value("--drop-rate", "P", "Do the work for this share of requests (0–1), then drop the connection"),
        .value("--seed", "N", "Seed for repeatable faults"),
        .value("--retry-after", "SECONDS", "The Retry-After of injected 503 answers (default 1)"),
        .value(
            "--require-header", "NAME",
            "Require this header (e.g. X-Qlik-User), as a header-authenticated virtual proxy does"),
        .value(
            "--require-token", "TOKEN",
            "Require 'Authorization: Bearer TOKEN' (use ODAG_EMULATOR_TOKEN to keep it off the command line)"),
        .value(
            "--max-connections", "N",
            "Most connections open at once (default 512); beyond it the one idle longest is closed"),
        .flag("--quiet", "Print only the listening line and errors"),
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        if let extra = arguments.positionals.first {
            throw CommandError.usage(UsageError("emulator takes no arguments, got \(quoted(extra))"))
        }
        var configuration = EmulatorConfiguration(
            host: arguments.value("--host") ?? "127.0.0.1", port: try arguments.int("--port", in: 0...65535) ?? 0,
            statePath: arguments.value("--state").map { absolutePath($0, context) })
        configuration.api = try arguments.choice("--api", APIFlavour.allCases.map(\.rawValue)).flatMap(
            APIFlavour.init(rawValue:))
        configuration.latencyMs = try arguments.int("--latency-ms", in: 0...600_000) ?? 0
        configuration.failRate = try arguments.double("--fail-rate", in: 0...1) ?? 0
        configuration.dropRate = try arguments.double("--drop-rate", in: 0...1) ?? 0
        if let seed = arguments.value("--seed") {
            guard let value = UInt64(seed) else {
                throw CommandError.usage(UsageError("option --seed needs a whole number, got \(quoted(seed))"))
            }
            configuration.seed = value
        }
        configuration.retryAfterSeconds = try arguments.int("--retry-after", in: 0...3600) ?? 1
        configuration.maxConnections = try arguments.int("--max-connections", in: 1...100_000) ?? 512
        configuration.requireHeader = arguments.value("--require-header")
        configuration.requireToken = arguments.value("--require-token") ?? context.environment["ODAG_EMULATOR_TOKEN"]

        let emulator: Emulator
        do {
            emulator = try Emulator.start(configuration)
        } catch {
            throw CommandError.failed("cannot start the emulator: \(error)")
        }
        // The listening line is printed only once SIGINT/SIGTERM are caught: a supervisor that reads it and stops
        // the emulator at once must get a clean stop with the state saved, not the default action's kill.
        let stopped = await SignalWatcher.nextSignal {
            context.console.output("listening on \(emulator.baseURL)\n")
            if configuration.host != "127.0.0.1" && configuration.host != "localhost" && configuration.host != "::1" {
                context.console.warning("the emulator is bound to \(configuration.host): other machines can reach it")
            }
            let api = emulator.flavour == .document ? "" : "; api \(emulator.flavour.rawValue)"
            context.console.info(
                "state: \(configuration.statePath ?? "in memory only"); \(emulator.linkCount) links\(api). Ctrl-C stops."
            )
        }
        emulator.stop()
        emulator.waitUntilStopped()
        context.console.info("stopped (signal \(stopped)); state saved.")
        return .success
    }
}

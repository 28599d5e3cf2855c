import Foundation
import ODAGSync

/// `odag-sync drift`: reports live state that differs from git, for cron and alerting.
struct DriftCommand: Command {
    static let name = "drift"
    static let summary = "Report links on the server that differ from the manifests"
    static let usage = "drift [PATHS…] [options]"
    static let discussion = """
        Compares the live links with the manifests, changing nothing, and reports links that are missing
        (declared, not on the server), changed (differ in a declared field, or pinned and given another app
        id or moved out of the scope), unmanaged (in scope, not declared) and ambiguous (several live
        links with a declared name).
        --output prometheus writes node-exporter textfile metrics (write them to the collector's folder);
        --report FILE also writes the JSON report.
        The server's API flavour is --api, "api" in the config, or recognised from the live links (when
        they cannot tell, drift says so and reads them in the manifests' flavour).
        Exit codes: 0 no drift, 2 drift found, 1 error or a check that could not finish (with --output
        prometheus, odag_sync_last_run_success is then 0), 3 refused (credentials for a server only the
        repository's files name), 64 bad usage.
        """
    static let examples = [
        "# nightly from cron, metrics for node-exporter's textfile collector",
        "odag-sync drift --env prod --output prometheus > /var/lib/node_exporter/odag_sync.prom.$$ && mv /var/lib/node_exporter/odag_sync.prom.$$ /var/lib/node_exporter/odag_sync.prom",
        "# keep the JSON report as a CI artifact",
        "odag-sync drift --env prod --report drift.json",
    ]
    static let options: [OptionSpec] =
        SharedOptions.project + SharedOptions.connection + [
            SharedOptions.target,
            .value("--report", "FILE", "Also write the JSON drift report to FILE"),
            .value("--output", "FORMAT", "text (default), json, markdown or prometheus"),
        ] + SharedOptions.output

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let format = try arguments.choice("--output", ["text", "json", "markdown", "prometheus"]) ?? "text"
        do {
            return try await report(arguments, context: context, format: format)
        } catch {
            if format == "prometheus" {
                let config = try? ProjectLoading.config(arguments, context: context)
                context.console.output(
                    DriftMetricsRenderer().renderFailure(
                        server: serverLabel(arguments, config: config, context: context),
                        environment: config?.environment ?? arguments.value("--env"),
                        timestamp: Int(context.clock().timeIntervalSince1970)))
            }
            throw error
        }
    }

    /// The server label a successful run would have used (its plan's server), so that a failure
    /// updates the same metric series an alert watches.
    static func serverLabel(_ arguments: ParsedArguments, config: ResolvedConfig?, context: CommandContext) -> String {
        let choice = try? ServerChoice.choose(
            commandLineServer: arguments.value("--server"),
            emulatorPath: arguments.value("--emulator").map { absolutePath($0, context) },
            environment: context.environment, config: config)
        return choice?.identity ?? ""
    }

    static func report(_ arguments: ParsedArguments, context: CommandContext, format: String) async throws -> ExitCode {
        let options = try ConnectionOptions(arguments, context: context)
        let project = try ProjectLoading.load(arguments, context: context, credentials: options.credentials)
        let connection = try ServerConnection.open(options, config: project.config, context: context)
        defer { connection.close() }
        let live = try await PlanMaking.readLive(
            connection, configured: project.config.api, named: FlavourChoice.named(arguments), written: project.flavour,
            purpose: .reading, context: context)
        let plan = PlanMaking.plan(
            project: project, live: live, targets: arguments.all("--target"), now: context.clock())
        let report = DriftReport(plan: plan)
        if let file = arguments.value("--report") {
            try PlanMaking.write(report.jsonText, to: file, context: context)
        }
        switch format {
        case "json": context.console.output(report.jsonText)
        case "markdown": context.console.output(DriftMarkdownRenderer().render(report))
        case "prometheus":
            context.console.output(
                DriftMetricsRenderer().render(report, timestamp: Int(context.clock().timeIntervalSince1970)))
        default: context.console.output(DriftTextRenderer(color: context.console.colorOutput).render(report))
        }
        if !report.errors.isEmpty {
            // Errors that are not drift (an unknown --target, a live link without an id) mean the check
            // itself is incomplete.
            for error in report.errors { context.console.error(error.description) }
            return .failure
        }
        return report.drift ? .changes : .success
    }
}

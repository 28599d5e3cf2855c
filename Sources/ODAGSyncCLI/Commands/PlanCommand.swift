import ODAGSync

/// `odag-sync plan`: what apply would do.
struct PlanCommand: Command {
    static let name = "plan"
    static let summary = "Show what apply would change on the server"
    static let usage = "plan [PATHS…] [options]"
    static let discussion = """
        Reads the manifests (PATHS, or "manifests" in odag-sync.json), reads the live links with one
        GET /links, and prints the creates (+), updates (~), replaces (-/+) and deletes (-) that apply would
        make; in the qseow flavour a templateApp change is an update, and pruning plans retires (x:
        statusSetting "decommission") instead of deletes. Nothing is changed. --out saves the plan (JSON) for "odag-sync apply PLANFILE", which refuses
        it if any planned link changes on the server in the meantime.
        --api (or "api" in the config) names the API the server speaks; by default it is recognised from
        the live links, and when they cannot tell (none, or neither shape) plan says so and reads them in
        the manifests' flavour. A server flavour other than the manifests' is an error.
        Exit codes: 0 ok (with --detailed-exitcode: no changes), 2 changes present (--detailed-exitcode),
        1 error (also a server that speaks another API flavour than the manifests), 3 refused (pruning with
        manifests that declare no links, or credentials for a server only the config names), 64 bad usage.
        """
    static let examples = [
        "# plan the quick start against the bundled emulator",
        "odag-sync plan --emulator /tmp/odag-state.json examples/quickstart/links",
        "# a pull request check: Markdown for a comment, exit 2 when there are changes",
        "odag-sync plan --env prod --output markdown --detailed-exitcode > plan.md",
        "# save the plan to apply exactly it later",
        "odag-sync plan --env prod --out prod.plan.json",
    ]
    static let options: [OptionSpec] =
        SharedOptions.project + SharedOptions.connection + [
            .flag("--prune", "Plan deletes of unmanaged links in scope (retires in the qseow flavour)"),
            SharedOptions.target,
            .flag("--detailed-exitcode", "Exit 2 when there are changes, 0 when there are none"),
            .value("--out", "PLANFILE", "Also write the plan as JSON to PLANFILE (for apply PLANFILE)"),
            .value("--output", "FORMAT", "text (default), json or markdown"),
        ] + SharedOptions.output

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let format = try arguments.choice("--output", ["text", "json", "markdown"]) ?? "text"
        let options = try ConnectionOptions(arguments, context: context)
        let project = try ProjectLoading.load(arguments, context: context, credentials: options.credentials)
        let connection = try ServerConnection.open(options, config: project.config, context: context)
        defer { connection.close() }
        let live = try await PlanMaking.readLive(
            connection, configured: project.config.api, named: FlavourChoice.named(arguments), written: project.flavour,
            purpose: .reading, context: context)
        let plan = PlanMaking.plan(
            project: project, live: live, targets: arguments.all("--target"), now: context.clock())

        // Refused before anything is printed or saved: such a plan must not be kept for apply either.
        try PlanMaking.refuseEmptyPrune(plan)
        let refusals = SafetyCheck.refusals(for: plan, limits: project.config.safety, forceDeletes: false)
        if let out = arguments.value("--out") {
            try PlanMaking.write(plan.jsonText, to: out, context: context)
            context.console.info("Saved the plan to \(out); apply it with \"odag-sync apply \(out)\".")
        }
        PlanMaking.render(plan, format: format, context: context)

        for refusal in refusals {
            context.console.warning("apply will refuse this plan: \(refusal) (see --force-deletes)")
        }
        if !plan.errors.isEmpty {
            throw CommandError.failed(
                "\(plan.errors.count) link\(plan.errors.count == 1 ? "" : "s") cannot be planned (see above); apply is blocked until fixed"
            )
        }
        if arguments.has("--detailed-exitcode") && plan.hasChanges { return .changes }
        return .success
    }
}

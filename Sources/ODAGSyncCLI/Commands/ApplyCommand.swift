import Foundation
import ODAGCore
import ODAGSync
import Synchronization

/// `odag-sync apply`: makes the server match the manifests, or carries out a saved plan.
struct ApplyCommand: Command {
    static let name = "apply"
    static let summary = "Make the server match the manifests (or apply a saved plan)"
    static let usage = "apply [PATHS… | PLANFILE] [options]"
    static let discussion = """
        With manifests: plans, prints the plan, asks for "yes" on a terminal (without one, --auto-approve
        is required), then runs deletes, updates and creates, each phase up to --parallelism at a time.
        With a PLANFILE (from "plan --out"): re-reads the live links and refuses the plan, applying nothing,
        if any planned link changed or appeared since; it applies only to the server it was made for, and
        sends credentials there only when --server or ODAG_SERVER names that server (or with --trust-config-server).
        One failed change does not stop the others; every change's result is reported, and running apply
        again converges. Ctrl-C starts no new change, lets running ones finish and reports what was done.
        Safety: deleting more than safety.maxDeletes links, or more than safety.maxDeletePercent % (30 %)
        of 10 or more links in scope, is refused unless --force-deletes (a replace counts as a delete: its
        new link gets a new id); pruning with manifests that declare no links is always refused. A replace
        whose create fails after its delete prints the deleted link's definition; apply again creates it.
        In the qseow flavour nothing is deleted: pruning retires links (statusSetting "decommission"); a
        change refused for a stale modifiedDate is re-read and re-applied once from the manifests, and fails
        from a PLANFILE; a link Qlik leaves incomplete is a failed change; Qlik's warnings are shown per change.
        A created link whose owner (whoever the server took the request to come from) is outside
        scope.owners is a failed change: the next plan would not see it; run as an owner in scope.
        API flavour: --api, else "api" in the config, else recognised from the live links. Apply never
        writes through a guessed flavour: when the links cannot tell (links that fit neither shape, or no
        links, unless the bundled emulator names its flavour) it refuses until "api" or --api names it;
        a plan file is applied in the flavour it records. A server flavour other than the manifests' (or
        the plan's) is an error.
        Exit codes: 0 all changes made (or none needed), 1 an error or a failed change (also a server
        that speaks another API flavour), 3 refused (stale plan, safety limit, empty manifests with
        pruning, credentials for a server only the repository's files name, an API flavour that cannot
        be told; nothing applied), 64 bad usage.
        """
    static let examples = [
        "# the quick start: apply the examples to a local emulator",
        "odag-sync apply --emulator /tmp/odag-state.json --auto-approve examples/quickstart/links",
        "# CI on merge: apply exactly the plan that was reviewed",
        "odag-sync apply prod.plan.json",
        "# see what would be sent, change nothing",
        "odag-sync apply --env prod --dry-run",
    ]
    static let options: [OptionSpec] =
        SharedOptions.project + SharedOptions.connection + [
            .flag("--auto-approve", "Apply without asking (required without a terminal)"),
            .flag("--dry-run", "Print what would be done and change nothing"),
            .value("--parallelism", "N", "Changes run at once within a phase (default 8)"),
            .flag("--force-deletes", "Pass the maxDeletes / maxDeletePercent safety limits"),
            .flag("--prune", "Delete unmanaged links in scope (retire them in the qseow flavour)"),
            SharedOptions.target,
            .value("--output", "FORMAT", "text (default), json or markdown (the apply report)"),
        ] + SharedOptions.output

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let format = try arguments.choice("--output", ["text", "json", "markdown"]) ?? "text"
        let parallelism = try arguments.int("--parallelism", in: 1...64) ?? 8
        if let planFile = try planFile(arguments, context: context) {
            return try await applyPlanFile(
                planFile, arguments, context: context, format: format, parallelism: parallelism)
        }
        let options = try ConnectionOptions(arguments, context: context)
        let project = try ProjectLoading.load(arguments, context: context, credentials: options.credentials)
        let connection = try ServerConnection.open(
            options, config: project.config, context: context, parallelism: parallelism)
        defer { connection.close() }
        let live = try await PlanMaking.readLive(
            connection, configured: project.config.api, named: FlavourChoice.named(arguments), written: project.flavour,
            purpose: .writing, context: context)
        let plan = PlanMaking.plan(
            project: project, live: live, targets: arguments.all("--target"), now: context.clock())
        try PlanMaking.refuseEmptyPrune(plan, suffix: "; nothing was applied")
        if format == "text" { PlanMaking.render(plan, format: "text", context: context) }
        try check(plan, limits: project.config.safety, arguments: arguments)
        guard plan.hasChanges else {
            if format != "text" {
                output(ApplyReport(server: plan.server, results: []), format: format, context: context)
            }
            return .success
        }
        if arguments.has("--dry-run") {
            return dryRun(plan, format: format, context: context)
        }
        if !arguments.has("--auto-approve") {
            guard context.console.interactive else {
                throw CommandError.usage(
                    UsageError(
                        "apply needs --auto-approve when there is no terminal to confirm on",
                        hint: "review the plan first (odag-sync plan), or apply a saved plan file"))
            }
            context.console.message(
                "\nDo you want to apply these changes to \(plan.server)?\n  Only 'yes' will be accepted: ")
            guard context.console.readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                throw CommandError.failed("apply cancelled; nothing was changed")
            }
        }
        // A change refused for a stale modifiedDate is rebuilt from its declaration over the link as it is now.
        return await execute(
            plan, live: live.links, connection: live.connection, context: context, format: format,
            parallelism: parallelism, staleChanges: .reapplying(project.links), scope: project.config.scope)
    }

    /// The plan file named by the only argument, if it is one (a JSON file with `formatVersion`).
    static func planFile(_ arguments: ParsedArguments, context: CommandContext) throws -> (path: String, plan: Plan)? {
        guard arguments.positionals.count == 1, let path = arguments.positionals.first else { return nil }
        let absolute = absolutePath(path, context)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder), !isFolder.boolValue,
            let data = FileManager.default.contents(atPath: absolute),
            let json = try? JSONParser.parse(Array(data)), json["formatVersion"] != nil, json["links"] == nil
        else { return nil }
        do {
            return (path, try Plan(json: json))
        } catch {
            throw CommandError.failed("\(path): \(error)", hint: "make a new plan with \"odag-sync plan --out\"")
        }
    }

    static func applyPlanFile(
        _ planFile: (path: String, plan: Plan), _ arguments: ParsedArguments, context: CommandContext, format: String,
        parallelism: Int
    ) async throws -> ExitCode {
        let plan = planFile.plan
        for flag in ["--prune", "--target", "--env"] where arguments.has(flag) {
            throw CommandError.usage(
                UsageError("\(flag) cannot be used with a plan file; it was fixed when the plan was made"))
        }
        let options = try ConnectionOptions(arguments, context: context)
        let config = try ProjectLoading.config(
            arguments, context: context, environment: plan.environment, credentials: options.credentials)
        let connection = try ServerConnection.open(
            options, config: config, context: context, parallelism: parallelism, planServer: plan.server)
        defer { connection.close() }
        if !plan.errors.isEmpty {
            throw CommandError.failed(
                "the plan in \(planFile.path) has \(plan.errors.count) error(s); fix them and make a new plan")
        }
        // The plan is applied in the flavour it records; a server (or "api") of another is refused.
        let read = try await PlanMaking.readLive(
            connection, configured: config.api, named: FlavourChoice.named(arguments), written: plan.api,
            subject: "the plan", purpose: .writing, context: context)
        let live = read.links
        let stale = StalePlanCheck.problems(plan: plan, live: live, scope: config.scope)
        if !stale.isEmpty {
            for problem in stale { context.console.message("stale: \(problem)\n") }
            throw CommandError.refused(
                "the plan in \(planFile.path) is stale: \(stale.count) planned link(s) changed on the server since it was made; nothing was applied",
                hint: "make a new plan and review it again")
        }
        try PlanMaking.refuseEmptyPrune(plan, suffix: "; nothing was applied")
        if format == "text" { PlanMaking.render(plan, format: "text", context: context) }
        try check(plan, limits: config.safety, arguments: arguments)
        guard plan.hasChanges else {
            if format != "text" {
                output(ApplyReport(server: plan.server, results: []), format: format, context: context)
            }
            return .success
        }
        if arguments.has("--dry-run") {
            return dryRun(plan, format: format, context: context)
        }
        // Anything rebuilt after a stale modifiedDate would be unreviewed: such a change fails instead. The
        // plan does not record its scope: the config's is checked, as for the stale check and safety limits.
        return await execute(
            plan, live: live, connection: read.connection, context: context, format: format,
            parallelism: parallelism, staleChanges: .fail, scope: config.scope)
    }

    /// Prints what would be done without doing it: the plan (already printed in text), or the plan
    /// in JSON or Markdown with `--output json` or `markdown`, so a dry run never prints nothing.
    static func dryRun(_ plan: Plan, format: String, context: CommandContext) -> ExitCode {
        if format != "text" { PlanMaking.render(plan, format: format, context: context) }
        context.console.info("Dry run: nothing was applied.")
        return .success
    }

    /// Prints the apply report as JSON or Markdown (text is printed as the changes finish).
    static func output(_ report: ApplyReport, format: String, context: CommandContext) {
        let renderer = ApplyReportRenderer()
        context.console.output(format == "json" ? renderer.jsonText(report) : renderer.renderMarkdown(report))
    }

    /// Refuses plans with errors and plans past the safety limits.
    static func check(_ plan: Plan, limits: SafetyLimits, arguments: ParsedArguments) throws {
        let refusals = SafetyCheck.refusals(for: plan, limits: limits, forceDeletes: arguments.has("--force-deletes"))
        // An empty prune never gets here: refuseEmptyPrune stopped it before the plan was printed.
        if !refusals.isEmpty {
            throw CommandError.refused(
                refusals.joined(separator: "; ") + "; nothing was applied",
                hint: "pass --force-deletes if these deletes are intended")
        }
        if !plan.errors.isEmpty {
            throw CommandError.failed(
                "\(plan.errors.count) link\(plan.errors.count == 1 ? "" : "s") cannot be planned (see above); nothing was applied"
            )
        }
    }

    static func execute(
        _ plan: Plan, live: [OdagLink], connection: ServerConnection, context: CommandContext, format: String,
        parallelism: Int, staleChanges: StaleChangePolicy, scope: LinkScope
    ) async -> ExitCode {
        let interruption = InterruptionFlag()
        let console = context.console
        let interrupts = Atomic<Int>(0)
        let watcher = SignalWatcher { _ in
            let count = interrupts.add(1, ordering: .sequentiallyConsistent).newValue
            if count == 1 {
                interruption.interrupt()
                console.standardError.write(
                    "\nInterrupted: starting no new changes; waiting for the running ones to finish (Ctrl-C again to quit now).\n"
                )
            } else {
                console.standardError.write(
                    "Quitting now; changes in flight may or may not have been made. Run plan to see.\n")
                exit(130)
            }
        }
        defer { watcher.cancel() }
        let renderer = ApplyReportRenderer(color: console.colorErrors, unicode: true)
        let total = plan.changes.count
        let done = Atomic<Int>(0)
        let executor = ApplyExecutor(
            service: connection.client, parallelism: parallelism, interruption: interruption,
            knownIds: Set(live.compactMap(\.id)), staleChanges: staleChanges, scope: scope,
            progress: { result in
                let finished = done.add(1, ordering: .sequentiallyConsistent).newValue
                guard format == "text", !console.quiet else { return }
                let line =
                    renderer.renderText(ApplyReport(server: plan.server, results: [result]))
                    .split(separator: "\n").first.map(String.init) ?? ""
                console.standardError.write("[\(finished)/\(total)] \(line)\n")
            })
        let report = await executor.apply(plan)
        if format == "text" {
            console.output("\n" + ApplyReportRenderer(color: console.colorOutput, unicode: true).renderText(report))
        } else {
            output(report, format: format, context: context)
        }
        for lost in report.lostLinks {
            guard let deleted = lost.deletedLink else { continue }
            console.error(
                "link \(quoted(lost.change.name)) (id \(lost.change.id ?? "unknown")) was deleted and not created again; "
                    + "its live definition, as read before the delete:\n"
                    + JSONWriter.string(deleted, pretty: true),
                hint: "run apply again: it creates the link from its declaration (with a new id); "
                    + "fields it had beyond the declaration are in the definition above")
        }
        if report.allSucceeded { return .success }
        let strays = report.results.compactMap(\.outOfScopeLinkId)
        if !strays.isEmpty {
            console.error(
                "\(strays.count) created link\(strays.count == 1 ? " is" : "s are") owned outside the scope "
                    + "(\(strays.joined(separator: ", "))): the next plan cannot see \(strays.count == 1 ? "it" : "them")",
                hint: "do not apply again as the same user, which would create each one again; run odag-sync as an "
                    + "owner in scope, and give those links to that owner or remove them")
        } else if report.failed > 0 {
            console.error(
                "\(report.failed) change\(report.failed == 1 ? "" : "s") failed",
                hint: "fix the cause each failure names and run apply again; it converges")
        }
        if report.interrupted {
            console.error("apply was interrupted; \(report.notStarted) change(s) were not started")
        }
        return .failure
    }
}

import Foundation
import ODAGClient
import ODAGCore
import ODAGSync

/// Reading the live links and planning against them, shared by plan, apply and drift.
enum PlanMaking {
    /// Refuses, before the plan is printed, to prune with manifests that declare no links: the plan would delete
    /// every link in scope, which is not worth reading. `suffix` ends the message (apply says nothing was applied).
    static func refuseEmptyPrune(_ plan: Plan, suffix: String = "") throws {
        guard plan.prune && plan.declaredLinks == 0 else { return }
        throw CommandError.refused(
            SafetyCheck.emptyPruneRefusal(plan) + suffix, hint: "declare at least one link, or turn pruning off")
    }

    /// Why a command reads the live links: only to report on them, or to write to the server after.
    enum Purpose {
        /// plan, drift, export: when the flavour cannot be told, they say so and go on.
        case reading
        /// apply: it never writes through a flavour it had to guess.
        case writing
    }

    /// The live links, the flavour they were read in, and the connection speaking that flavour.
    struct LiveLinks {
        var links: [OdagLink]
        var api: APIFlavour
        var connection: ServerConnection
    }

    /// Reads the live links in the flavour the server speaks: `configured` (``ResolvedConfig/api``, `named` saying
    /// how), else the in-process emulator's, else the one recognised from the answer (`auto`).
    ///
    /// `written` is the flavour of the manifests or plan (`subject`); a server flavour that differs is an error
    /// naming both. When `auto` cannot tell (no live links, or links that fit neither shape), reading commands
    /// say so and go on in `written` (or the document flavour); writing refuses. The bundled emulator names its
    /// flavour in a header, so an emulator without links is told (``ODAGClient/listLinksRecognising()``).
    static func readLive(
        _ connection: ServerConnection, configured: APIFlavour?, named: String, written: APIFlavour?,
        subject: String = "the manifests", purpose: Purpose, context: CommandContext
    ) async throws -> LiveLinks {
        if let known = configured ?? connection.emulator?.flavour {
            let how = configured == nil ? "the emulator serves it" : named
            try FlavourChoice.check(server: known, how: how, against: written, subject: subject)
            let speaking = connection.speaking(known)
            return LiveLinks(
                links: try await read(speaking) { try await $0.listLinks() }, api: known, connection: speaking)
        }
        let read = try await read(connection) { try await $0.listLinksRecognising() }
        switch read.recognition {
        case .recognised(let flavour):
            try FlavourChoice.check(
                server: flavour, how: "recognised from its links", against: written, subject: subject)
            return LiveLinks(links: read.links, api: flavour, connection: connection.speaking(flavour))
        case .undecidable(let reason):
            let fallback = written ?? .document
            let what = "cannot tell which API flavour \(connection.identity) speaks: \(reason)"
            let hint = "set \"api\" in the config (top level or the environment's) or pass --api document|qseow"
            let source =
                "\(written == nil ? "the default flavour" : "the flavour of \(subject)") (\(fallback.rawValue))"
            switch purpose {
            case .writing:
                throw CommandError.refused(what + "; nothing was applied", hint: hint)
            case .reading:
                context.console.info("\(what); reading it in \(source); \(hint)")
            }
            let speaking = connection.speaking(fallback)
            // The answer was not read in one flavour; links that fit neither shape get the fallback's error.
            let links = read.linkCount == 0 ? [] : try await Self.read(speaking) { try await $0.listLinks() }
            return LiveLinks(links: links, api: fallback, connection: speaking)
        }
    }

    /// Reads the live links in the connection's flavour, naming the server in the error.
    static func readLive(_ connection: ServerConnection) async throws -> [OdagLink] {
        try await read(connection) { try await $0.listLinks() }
    }

    /// Runs a read of the live links, naming the server in the error.
    private static func read<T>(_ connection: ServerConnection, _ body: (ODAGClient) async throws -> T)
        async throws -> T
    {
        do {
            return try await body(connection.client)
        } catch let error as ODAGClientError {
            throw CommandError.failed(
                "cannot read the links from \(connection.identity): \(error)",
                hint: ClientErrorHints.hint(
                    for: error, timeout: connection.client.configuration.timeout,
                    clientCertificate: connection.presentsClientCertificate
                        || connection.client.configuration.baseURL
                            .scheme?.lowercased() != "https"
                ))
        }
    }

    /// Plans the project against the live links, stamped with the time `now`.
    static func plan(project: LoadedProject, live: LiveLinks, targets: [String], now: Date) -> Plan {
        Planner.plan(
            desired: project.links, live: live.links,
            options: PlanOptions(
                server: live.connection.identity, environment: project.config.environment, generatedAt: timestamp(now),
                scope: project.config.scope, prune: project.config.prune, targets: targets, api: live.api))
    }

    /// `date` in ISO 8601 UTC with seconds.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Writes `text` to `path` atomically (a temporary file renamed over it).
    static func write(_ text: String, to path: String, context: CommandContext) throws {
        let absolute = absolutePath(path, context)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: absolute), options: .atomic)
        } catch {
            throw CommandError.failed("cannot write \(quoted(path)): \(error.localizedDescription)")
        }
    }

    /// Prints a plan in the chosen format.
    static func render(_ plan: Plan, format: String, context: CommandContext) {
        switch format {
        case "json": context.console.output(plan.jsonText)
        case "markdown": context.console.output(PlanMarkdownRenderer().render(plan))
        default: context.console.output(PlanTextRenderer(color: context.console.colorOutput).render(plan))
        }
    }
}

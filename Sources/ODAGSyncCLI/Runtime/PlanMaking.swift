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

    /// Reads the live links, naming the server in the error.
    static func readLive(_ connection: ServerConnection) async throws -> [OdagLink] {
        do {
            return try await connection.client.listLinks()
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
    static func plan(
        project: LoadedProject, live: [OdagLink], connection: ServerConnection, targets: [String], now: Date
    ) -> Plan {
        Planner.plan(
            desired: project.links, live: live,
            options: PlanOptions(
                server: connection.identity, environment: project.config.environment, generatedAt: timestamp(now),
                scope: project.config.scope, prune: project.config.prune, targets: targets))
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

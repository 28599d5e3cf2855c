/// Decides whether a plan may be applied: refusals carry exit code 3 and apply nothing.
public enum SafetyCheck {
    /// The number of links in scope from which the percentage limit applies.
    public static let percentThreshold = 10

    /// Why `plan` must not be applied, or an empty list. Each replace, and each retire (`qseow`
    /// pruning), counts as a delete for the limits. `forceDeletes` passes the delete limits, but never the refusal to prune with manifests
    /// that declare no links.
    public static func refusals(for plan: Plan, limits: SafetyLimits, forceDeletes: Bool) -> [String] {
        var reasons: [String] = []
        if plan.prune && plan.declaredLinks == 0 {
            reasons.append(emptyPruneRefusal(plan))
        }
        guard !forceDeletes else { return reasons }
        // A replace deletes a link too (its new one gets a new id), and may leave it deleted if the
        // create fails: it counts against the limits like a delete.
        let summary = plan.summary
        let deletes = summary.delete + summary.replace + summary.retire
        let counted = summary.replace == 0 ? "" : " (\(summary.replace) of them replaced: deleted and created again)"
        // A retired link stays on the server, decommissioned, but is as gone for its users as a deleted one.
        let verb = summary.retire == 0 ? "deletes" : summary.retire == deletes ? "retires" : "deletes or retires"
        if let maxDeletes = limits.maxDeletes, deletes > maxDeletes {
            reasons.append("the plan \(verb) \(deletes) links\(counted), more than safety.maxDeletes (\(maxDeletes))")
        }
        if plan.linksInScope >= percentThreshold,
            Double(deletes) * 100 > limits.maxDeletePercent * Double(plan.linksInScope)
        {
            let percent = Double(deletes) * 100 / Double(plan.linksInScope)
            reasons.append(
                "the plan \(verb) \(deletes) of \(plan.linksInScope) links in scope\(counted) (\(formatPercent(percent)) %), more than safety.maxDeletePercent (\(formatPercent(limits.maxDeletePercent)) %)"
            )
        }
        return reasons
    }

    /// Why pruning with manifests that declare no links is refused, whatever the flags.
    public static func emptyPruneRefusal(_ plan: Plan) -> String {
        "pruning with manifests that declare no links is always refused: an empty checkout must never wipe a server (\(plan.linksInScope) links in scope)"
    }

    static func formatPercent(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

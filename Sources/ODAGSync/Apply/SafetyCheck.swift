/// Decides whether a plan may be applied: refusals carry exit code 3 and apply nothing.
public enum SafetyCheck {
    /// The number of links in scope from which the percentage limit applies.
    public static let percentThreshold = 10

    /// Why `plan` must not be applied, or an empty list. `forceDeletes` passes the delete limits,
    /// but never the refusal to prune with manifests that declare no links.
    public static func refusals(for plan: Plan, limits: SafetyLimits, forceDeletes: Bool) -> [String] {
        var reasons: [String] = []
        if plan.prune && plan.declaredLinks == 0 {
            reasons.append(
                "pruning with manifests that declare no links is always refused: an empty checkout must never wipe a server (\(plan.linksInScope) links in scope)"
            )
        }
        guard !forceDeletes else { return reasons }
        let deletes = plan.summary.delete
        if let maxDeletes = limits.maxDeletes, deletes > maxDeletes {
            reasons.append("the plan deletes \(deletes) links, more than safety.maxDeletes (\(maxDeletes))")
        }
        if plan.linksInScope >= percentThreshold,
            Double(deletes) * 100 > limits.maxDeletePercent * Double(plan.linksInScope)
        {
            let percent = Double(deletes) * 100 / Double(plan.linksInScope)
            reasons.append(
                "the plan deletes \(deletes) of \(plan.linksInScope) links in scope (\(formatPercent(percent)) %), more than safety.maxDeletePercent (\(formatPercent(limits.maxDeletePercent)) %)"
            )
        }
        return reasons
    }

    static func formatPercent(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

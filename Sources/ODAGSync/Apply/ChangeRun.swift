import ODAGCore

/// What one change came to while it ran: its outcome, and what the executor and the server said on the way.
struct ChangeRun: Sendable {
    /// What happened.
    var outcome: ChangeOutcome
    /// What the executor did beyond the plan (a stale change re-applied).
    var notes: [String] = []
    /// The `feedback` warnings of every answer, in order.
    var warnings: [QseowFeedback] = []
    /// The id of a link this change created outside the scope (a failed create, see
    /// ``ChangeResult/outOfScopeLinkId``).
    var outOfScopeLinkId: String?

    /// The same run with another outcome (a replace's half worded for the whole).
    func replacing(_ outcome: ChangeOutcome) -> ChangeRun {
        var run = self
        run.outcome = outcome
        return run
    }
}

/// What a `qseow` change refused because its `modifiedDate` is stale (someone changed the link
/// meanwhile) leads to.
public enum StaleChangePolicy: Sendable {
    /// The change fails as stale and nothing more is sent: applying a saved plan, where anything
    /// rebuilt would be unreviewed.
    case fail
    /// The link is read again, the change rebuilt over it and sent once more (applying manifests).
    /// `rebuild` makes the modify payload of an update from its declaration over the link as it is
    /// now (the other writer's undeclared changes kept), or `nil` when the change has no declaration.
    /// A retire is re-sent with the new `modifiedDate`.
    case reapply(rebuild: @Sendable (PlannedChange, OdagLink) -> JSONValue?)
}

extension StaleChangePolicy {
    /// Re-applies stale changes from `declarations` (applying manifests): an update is rebuilt from the
    /// declaration it was planned from (the same source and name) over the link as it is now, with
    /// ``QseowPayloads/modify(declaration:live:)``, so the other writer's undeclared changes are kept.
    public static func reapplying(_ declarations: [DeclaredLink]) -> StaleChangePolicy {
        let bySource = Dictionary(
            declarations.map { ($0.source.description, $0) }, uniquingKeysWith: { first, _ in first })
        return .reapply { change, live in
            guard let source = change.source, let declaration = bySource[source], declaration.name == change.name
            else { return nil }
            return QseowPayloads.modify(declaration: declaration, live: live)
        }
    }
}

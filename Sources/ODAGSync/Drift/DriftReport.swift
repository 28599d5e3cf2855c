/// Live state that differs from git (SPEC §6 `drift`), read from a ``Plan`` made against the live
/// server: declared links that are missing, links that changed, unmanaged links and ambiguous names.
///
/// A pinned link whose app id was changed, or that was moved out of the scope, is an error for the
/// plan (no update can undo it) but drift for this report: someone changed a managed link. Only the
/// problems that keep the check from finishing (``errors``) make it incomplete.
///
/// Deletes in the plan (when pruning was on) are not counted again: the links they delete are
/// already in ``unmanaged``.
public struct DriftReport: Sendable, Equatable {
    /// The plan the report is read from; its JSON is the report's JSON.
    public var plan: Plan
    /// Declared links with no live link: the plan's creates.
    public var missing: [PlannedChange]
    /// Declarations pinned to an id that no longer exists live, or to a retired link, and `qseow`
    /// declarations with no live link and no `selectionApp` to create one: also missing.
    public var missingPinnedIds: [PlanError]
    /// Live links that differ from their declaration: the plan's updates and replaces.
    public var changed: [PlannedChange]
    /// Pinned links changed beyond what an update can undo (an app id), or moved out of the scope.
    public var changedPinned: [PlanError]
    /// Live links in scope that no declaration matches.
    public var unmanaged: [UnmanagedLink]
    /// Declarations whose name matches more than one live link.
    public var ambiguous: [PlanError]
    /// Problems that kept the check from finishing (a conflict between declarations, an unknown
    /// `--target`, a live link without an id): the run failed.
    public var errors: [PlanError]

    /// Reads the drift out of `plan`.
    public init(plan: Plan) {
        self.plan = plan
        missing = plan.changes.filter { $0.action == .create }
        changed = plan.changes.filter { $0.action == .update || $0.action == .replace }
        unmanaged = plan.unmanaged
        missingPinnedIds = plan.errors.filter { DriftReport.missingKinds.contains($0.kind) }
        ambiguous = plan.errors.filter { $0.kind == .ambiguous }
        changedPinned = plan.errors.filter { DriftReport.changedKinds.contains($0.kind) }
        errors = plan.errors.filter {
            !DriftReport.missingKinds.contains($0.kind) && $0.kind != .ambiguous
                && !DriftReport.changedKinds.contains($0.kind)
        }
    }

    /// The plan errors that say a declared link is not on the server.
    static let missingKinds: Set<PlanError.Kind> = [.missingPinnedId, .pinnedRetired, .missingSelectionApp]

    /// The plan errors that say a managed link was changed on the server.
    static let changedKinds: Set<PlanError.Kind> = [.pinnedReplace, .outOfScope]

    /// How many declared links are missing, pinned ids included.
    public var missingCount: Int { missing.count + missingPinnedIds.count }

    /// How many managed links changed, pinned links changed beyond an update included.
    public var changedCount: Int { changed.count + changedPinned.count }

    /// Whether anything is missing, changed, unmanaged or ambiguous.
    public var drift: Bool {
        missingCount > 0 || changedCount > 0 || !unmanaged.isEmpty || !ambiguous.isEmpty
    }

    /// Whether the check finished: no ``errors``.
    public var complete: Bool { errors.isEmpty }
}

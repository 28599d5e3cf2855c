/// Live state that differs from git (SPEC §6 `drift`), read from a ``Plan`` made against the live
/// server: declared links that are missing, links that changed, unmanaged links and ambiguous names.
///
/// Deletes in the plan (when pruning was on) are not counted again: the links they delete are
/// already in ``unmanaged``.
public struct DriftReport: Sendable, Equatable {
    /// The plan the report is read from; its JSON is the report's JSON.
    public var plan: Plan
    /// Declared links with no live link: the plan's creates.
    public var missing: [PlannedChange]
    /// Declarations pinned to an id that no longer exists live (also missing).
    public var missingPinnedIds: [PlanError]
    /// Live links that differ from their declaration: the plan's updates and replaces.
    public var changed: [PlannedChange]
    /// Live links in scope that no declaration matches.
    public var unmanaged: [UnmanagedLink]
    /// Declarations whose name matches more than one live link.
    public var ambiguous: [PlanError]
    /// Other problems that kept a declaration from being checked.
    public var errors: [PlanError]

    /// Reads the drift out of `plan`.
    public init(plan: Plan) {
        self.plan = plan
        missing = plan.changes.filter { $0.action == .create }
        changed = plan.changes.filter { $0.action == .update || $0.action == .replace }
        unmanaged = plan.unmanaged
        missingPinnedIds = plan.errors.filter { $0.kind == .missingPinnedId }
        ambiguous = plan.errors.filter { $0.kind == .ambiguous }
        errors = plan.errors.filter { $0.kind != .missingPinnedId && $0.kind != .ambiguous }
    }

    /// How many declared links are missing, pinned ids included.
    public var missingCount: Int { missing.count + missingPinnedIds.count }

    /// Whether anything is missing, changed, unmanaged or ambiguous.
    public var drift: Bool {
        missingCount > 0 || !changed.isEmpty || !unmanaged.isEmpty || !ambiguous.isEmpty
    }
}

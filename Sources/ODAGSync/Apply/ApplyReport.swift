import ODAGCore

/// What `apply` did: one result per planned change, in plan order.
public struct ApplyReport: Sendable, Equatable {
    /// The server the changes were applied to.
    public var server: String
    /// Each change's result.
    public var results: [ChangeResult]
    /// Whether the run was interrupted (Ctrl-C) before every change started.
    public var interrupted: Bool

    /// Creates a report.
    public init(server: String, results: [ChangeResult], interrupted: Bool = false) {
        self.server = server
        self.results = results
        self.interrupted = interrupted
    }

    /// How many changes succeeded.
    public var succeeded: Int { results.filter { $0.outcome.isSuccess }.count }
    /// How many changes failed.
    public var failed: Int {
        results.filter { if case .failed = $0.outcome { return true } else { return false } }.count
    }
    /// How many changes were never started (interrupted).
    public var notStarted: Int { results.filter { $0.outcome == .notStarted }.count }
    /// Whether every change succeeded.
    public var allSucceeded: Bool { results.allSatisfy { $0.outcome.isSuccess } }
    /// The results of replaces whose old link was deleted and whose new one was not created.
    public var lostLinks: [ChangeResult] { results.filter { $0.deletedLink != nil } }
}

/// The result of one change.
public struct ChangeResult: Sendable, Equatable {
    /// The change.
    public var change: PlannedChange
    /// What happened.
    public var outcome: ChangeOutcome
    /// How long it took, in milliseconds.
    public var milliseconds: Int
    /// For a replace whose old link was deleted and whose new one was not created: the deleted link's
    /// live definition as it was read, undeclared fields included (the only copy left of them).
    public var deletedLink: JSONValue?
    /// What the executor did beyond the plan, to tell the user (`qseow`: a stale change re-applied).
    public var notes: [String]
    /// The warnings (`feedback` entries other than `INFO`) of every answer the server gave for the
    /// change (`qseow`), in order, as sent.
    public var warnings: [QseowFeedback]
    /// For a failed create whose new link the server gave an owner outside the scope: that link's id.
    /// Applying again as the same user would create another such link.
    public var outOfScopeLinkId: String?

    /// Creates a result.
    public init(
        change: PlannedChange, outcome: ChangeOutcome, milliseconds: Int = 0, deletedLink: JSONValue? = nil,
        notes: [String] = [], warnings: [QseowFeedback] = [], outOfScopeLinkId: String? = nil
    ) {
        self.change = change
        self.outcome = outcome
        self.milliseconds = milliseconds
        self.deletedLink = deletedLink
        self.notes = notes
        self.warnings = warnings
        self.outOfScopeLinkId = outOfScopeLinkId
    }
}

/// What happened to one change.
public enum ChangeOutcome: Sendable, Equatable {
    /// Done; for creates and replaces, the new link's id.
    case succeeded(newId: String?)
    /// Done already: a create whose answer was lost was found on the server, or a delete found nothing.
    case alreadyDone(note: String, newId: String?)
    /// Failed with this message (the change was not made, or not completely: a replace whose create failed).
    case failed(String)
    /// Not started because the run was interrupted or a dependency failed.
    case notStarted

    /// Whether the change is in effect.
    public var isSuccess: Bool {
        switch self {
        case .succeeded, .alreadyDone: return true
        case .failed, .notStarted: return false
        }
    }

    /// `succeeded`, `already-done`, `failed` or `not-started`.
    public var label: String {
        switch self {
        case .succeeded: return "succeeded"
        case .alreadyDone: return "already-done"
        case .failed: return "failed"
        case .notStarted: return "not-started"
        }
    }
}

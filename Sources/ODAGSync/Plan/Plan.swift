import ODAGCore

/// What `apply` would do (SPEC §5, §6): the changes, the unmanaged links and the per-link errors,
/// with the live state each change was planned from so a saved plan can be checked for staleness.
public struct Plan: Sendable, Equatable {
    /// The plan file format this code writes and reads.
    public static let formatVersion = 1

    /// The server the plan was made against (`emulator:PATH` for an emulator state file).
    public var server: String
    /// The selected environment, if any.
    public var environment: String?
    /// When the plan was made (ISO 8601, UTC).
    public var generatedAt: String
    /// Whether pruning was on.
    public var prune: Bool
    /// The changes, ordered delete and retire, replace, update, create, then by name.
    public var changes: [PlannedChange]
    /// Live links in scope that no declaration matches.
    public var unmanaged: [UnmanagedLink]
    /// Declarations that cannot be planned (ambiguous name, missing pinned id, …): they block apply.
    public var errors: [PlanError]
    /// How many declared links need no change.
    public var unchanged: Int
    /// How many live links are in scope (for the delete-percentage safety limit).
    public var linksInScope: Int
    /// How many links the manifests declare (all of them, before `--target`).
    public var declaredLinks: Int
    /// The API flavour the plan was made in, and its bodies are written for (`"api"` in a `qseow` plan
    /// file; a plan file without it is a `document` plan).
    public var api: APIFlavour

    /// Creates a plan.
    public init(
        server: String, environment: String? = nil, generatedAt: String, prune: Bool = false,
        changes: [PlannedChange] = [], unmanaged: [UnmanagedLink] = [], errors: [PlanError] = [], unchanged: Int = 0,
        linksInScope: Int = 0, declaredLinks: Int = 0, api: APIFlavour = .document
    ) {
        self.api = api
        self.server = server
        self.environment = environment
        self.generatedAt = generatedAt
        self.prune = prune
        self.changes = changes
        self.unmanaged = unmanaged
        self.errors = errors
        self.unchanged = unchanged
        self.linksInScope = linksInScope
        self.declaredLinks = declaredLinks
    }

    /// Counts by action.
    public var summary: PlanSummary {
        var summary = PlanSummary(unchanged: unchanged, unmanaged: unmanaged.count)
        for change in changes {
            switch change.action {
            case .create: summary.create += 1
            case .update: summary.update += 1
            case .replace: summary.replace += 1
            case .delete: summary.delete += 1
            case .retire: summary.retire += 1
            }
        }
        return summary
    }

    /// Whether applying would change anything.
    public var hasChanges: Bool { !changes.isEmpty }
}

/// Counts of a plan's changes.
public struct PlanSummary: Sendable, Equatable {
    /// Links to create.
    public var create = 0
    /// Links to update in place.
    public var update = 0
    /// Links to delete and create again (an app id changed).
    public var replace = 0
    /// Unmanaged links to delete (pruning).
    public var delete = 0
    /// Unmanaged links to retire (pruning in `qseow`: decommissioned, since Qlik documents no delete).
    public var retire = 0
    /// Declared links that need no change.
    public var unchanged = 0
    /// Live links in scope that no declaration matches.
    public var unmanaged = 0

    /// Creates a summary.
    public init(
        create: Int = 0, update: Int = 0, replace: Int = 0, delete: Int = 0, unchanged: Int = 0, unmanaged: Int = 0,
        retire: Int = 0
    ) {
        self.retire = retire
        self.create = create
        self.update = update
        self.replace = replace
        self.delete = delete
        self.unchanged = unchanged
        self.unmanaged = unmanaged
    }
}

/// What happens to one link.
public enum ChangeAction: String, Sendable, Equatable, CaseIterable {
    /// `POST /links`.
    case create
    /// `PUT /links/{id}`.
    case update
    /// `DELETE /links/{id}` then `POST /links`: an app id changed, which `OdagLinkUpdate` cannot do.
    case replace
    /// `DELETE /links/{id}` of an unmanaged link (pruning).
    case delete
    /// `PUT /links/{id}` with `statusSetting` `decommission` of an unmanaged link (pruning in `qseow`,
    /// where Qlik documents no link DELETE).
    case retire

    /// Where the action sorts in a plan: delete and retire, replace, update, create.
    public var order: Int {
        switch self {
        case .delete, .retire: return 0
        case .replace: return 1
        case .update: return 2
        case .create: return 3
        }
    }

    /// The plan symbol: `+`, `~`, `-/+`, `-`, `x`.
    public var symbol: String {
        switch self {
        case .retire: return "x"
        case .create: return "+"
        case .update: return "~"
        case .replace: return "-/+"
        case .delete: return "-"
        }
    }
}

/// One planned change.
public struct PlannedChange: Sendable, Equatable {
    /// What happens.
    public var action: ChangeAction
    /// The link's name (the declared name; the live name for deletes).
    public var name: String
    /// The live link's id (none for creates).
    public var id: String?
    /// Why, for replaces: `templateAppId changed`.
    public var reason: String?
    /// The field differences, as `path: before → after`.
    public var diffs: [FieldDiff]
    /// The live link as read (none for creates).
    public var before: JSONValue?
    /// What will be sent: the `OdagLinkUpdate` for updates, the `OdagLinkCreate` for creates and replaces;
    /// in `qseow`, Qlik's `LinkModifyPayload` for updates and retires, its `LinkAddPayload` for creates.
    public var after: JSONValue?
    /// Where the declaration is, if any.
    public var source: String?

    /// Creates a change.
    public init(
        action: ChangeAction, name: String, id: String? = nil, reason: String? = nil, diffs: [FieldDiff] = [],
        before: JSONValue? = nil, after: JSONValue? = nil, source: String? = nil
    ) {
        self.action = action
        self.name = name
        self.id = id
        self.reason = reason
        self.diffs = diffs
        self.before = before
        self.after = after
        self.source = source
    }
}

/// One field that differs: `properties.retention.maxAge: 1440 → 720`. A missing side is `nil`.
public struct FieldDiff: Sendable, Equatable {
    /// The field's path.
    public var path: String
    /// The live value (`nil`: absent).
    public var before: JSONValue?
    /// The declared value (`nil`: absent).
    public var after: JSONValue?

    /// Creates a field difference.
    public init(path: String, before: JSONValue?, after: JSONValue?) {
        self.path = path
        self.before = before
        self.after = after
    }
}

/// A live link in scope that no declaration matches.
public struct UnmanagedLink: Sendable, Equatable {
    /// Its id.
    public var id: String
    /// Its name.
    public var name: String
    /// Its owner, if the server said.
    public var owner: String?

    /// Creates an unmanaged link.
    public init(id: String, name: String, owner: String? = nil) {
        self.id = id
        self.name = name
        self.owner = owner
    }
}

/// A declaration that cannot be planned; it blocks `apply`.
public struct PlanError: Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Two or more live links have the declared name.
        case ambiguous
        /// The pinned id does not exist on the server.
        case missingPinnedId
        /// The matched live link is outside the scope.
        case outOfScope
        /// Two declarations claim the same live link.
        case conflict
        /// A `--target` names no declared or live link.
        case unknownTarget
        /// The live link cannot be read (no id, no name).
        case invalidLiveLink
        /// A pinned link's app id changed: a replace would give it a new id its pin no longer matches.
        case pinnedReplace
        /// A `qseow` declaration would be created, but names no `selectionApp` (Qlik needs it to create).
        case missingSelectionApp
        /// The pinned id names a retired (`decommissioned`) link.
        case pinnedRetired
    }

    /// What kind of problem.
    public var kind: Kind
    /// The declared link's name, if the problem is about one.
    public var name: String?
    /// The live link id involved, if any.
    public var id: String?
    /// What is wrong and what to do, as a lowercase sentence.
    public var message: String
    /// Where the declaration is, if any.
    public var source: String?

    /// Creates an error.
    public init(kind: Kind, name: String? = nil, id: String? = nil, message: String, source: String? = nil) {
        self.kind = kind
        self.name = name
        self.id = id
        self.message = message
        self.source = source
    }

    public var description: String {
        let prefix = source.map { "\($0): " } ?? ""
        return prefix + message
    }
}

import ODAGCore

extension Plan {
    /// The plan as JSON (SPEC §6): the `--output json` document and the PLANFILE.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "formatVersion": .int(Plan.formatVersion),
            "server": .string(server),
            "environment": environment.map(JSONValue.string) ?? .null,
            "generatedAt": .string(generatedAt),
            "prune": .bool(prune),
            "summary": summary.json(withRetire: api == .qseow),
            "changes": .array(changes.map(\.json)),
            "unmanaged": .array(unmanaged.map(\.json)),
            "errors": .array(errors.map(\.json)),
            "linksInScope": .int(linksInScope),
            "declaredLinks": .int(declaredLinks),
        ]
        // Only `qseow` plans carry the flavour, so `document` plans read exactly as before it existed.
        if api != .document { members["api"] = .string(api.rawValue) }
        return .object(members)
    }

    /// The plan as pretty, deterministic JSON text with a final newline.
    public var jsonText: String {
        JSONWriter.string(json, pretty: true, leadingKeys: Plan.leadingKeys) + "\n"
    }

    /// Keys written first in every object, so plans read top-down.
    static let leadingKeys = [
        "formatVersion", "drift", "server", "environment", "generatedAt", "prune", "summary", "action", "name", "id",
        "reason", "path", "kind", "message", "source", "diffs", "before", "after",
    ]

    /// Reads a plan written by ``json``; errors name the JSON path.
    public init(json: JSONValue) throws(ModelError) {
        let reader = try JSONObjectReader(json)
        if reader.members["drift"] != nil {
            throw ModelError(
                path: "drift", message: "this is a drift report, not a plan; make a plan with \"odag-sync plan --out\"")
        }
        guard let version = try reader.int("formatVersion") else {
            throw ModelError(path: "formatVersion", message: "is required")
        }
        guard version == Plan.formatVersion else {
            throw ModelError(
                path: "formatVersion",
                message:
                    "plan format \(version) is not supported by this version (it reads format \(Plan.formatVersion))")
        }
        let apiName = try reader.string("api") ?? APIFlavour.document.rawValue
        guard let api = APIFlavour(rawValue: apiName) else {
            throw ModelError(
                path: "api",
                message:
                    "\(quoted(apiName)) is not one of \(APIFlavour.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.init(
            server: try reader.requiredString("server"),
            environment: try reader.string("environment"),
            generatedAt: try reader.requiredString("generatedAt"),
            prune: try reader.bool("prune") ?? false,
            changes: try reader.array("changes") { (v, p) throws(ModelError) in try PlannedChange(json: v, path: p) }
                ?? [],
            unmanaged: try reader.array("unmanaged") { (v, p) throws(ModelError) in try UnmanagedLink(json: v, path: p)
            }
                ?? [],
            errors: try reader.array("errors") { (v, p) throws(ModelError) in try PlanError(json: v, path: p) } ?? [],
            unchanged: try reader.model("summary") { (v, p) throws(ModelError) in
                try JSONObjectReader(v, path: p).int("unchanged") ?? 0
            } ?? 0,
            linksInScope: try reader.int("linksInScope") ?? 0,
            declaredLinks: try reader.int("declaredLinks") ?? 0, api: api)
    }
}

extension PlanSummary {
    /// The summary as JSON; `retire` only when there are any.
    public var json: JSONValue { json(withRetire: retire > 0) }

    /// The summary as JSON, with `retire` when `withRetire` (every `qseow` plan) or when there are any.
    func json(withRetire: Bool) -> JSONValue {
        var members: [String: JSONValue] = [
            "create": .int(create), "update": .int(update), "replace": .int(replace), "delete": .int(delete),
            "unchanged": .int(unchanged), "unmanaged": .int(unmanaged),
        ]
        if withRetire || retire > 0 { members["retire"] = .int(retire) }
        return .object(members)
    }
}

extension PlannedChange {
    /// The change as JSON.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "action": .string(action.rawValue),
            "name": .string(name),
            "diffs": .array(diffs.map(\.json)),
        ]
        if let id { members["id"] = .string(id) }
        if let reason { members["reason"] = .string(reason) }
        if let before { members["before"] = before }
        if let after { members["after"] = after }
        if let source { members["source"] = .string(source) }
        return .object(members)
    }

    /// Reads a change.
    public init(json: JSONValue, path: String) throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        let actionName = try reader.requiredString("action")
        guard let action = ChangeAction(rawValue: actionName) else {
            throw ModelError(
                path: JSONPath.appending(key: "action", to: path),
                message:
                    "\(quoted(actionName)) is not one of \(ChangeAction.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self.init(
            action: action, name: try reader.requiredString("name"), id: try reader.string("id"),
            reason: try reader.string("reason"),
            diffs: try reader.array("diffs") { (v, p) throws(ModelError) in try FieldDiff(json: v, path: p) } ?? [],
            before: reader.members["before"], after: reader.members["after"], source: try reader.string("source"))
        if action != .create && id == nil {
            throw ModelError(
                path: JSONPath.appending(key: "id", to: path), message: "is required for a \(action.rawValue)")
        }
        if action != .delete && after == nil {
            throw ModelError(
                path: JSONPath.appending(key: "after", to: path), message: "is required for a \(action.rawValue)")
        }
    }
}

extension FieldDiff {
    /// The difference as JSON; an absent side is left out.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["path": .string(path)]
        if let before { members["before"] = before }
        if let after { members["after"] = after }
        return .object(members)
    }

    /// Reads a difference.
    public init(json: JSONValue, path: String) throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        self.init(
            path: try reader.requiredString("path"), before: reader.members["before"], after: reader.members["after"])
    }
}

extension UnmanagedLink {
    /// The unmanaged link as JSON.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["id": .string(id), "name": .string(name)]
        if let owner { members["owner"] = .string(owner) }
        return .object(members)
    }

    /// Reads an unmanaged link.
    public init(json: JSONValue, path: String) throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        self.init(
            id: try reader.requiredString("id"), name: try reader.requiredString("name"),
            owner: try reader.string("owner"))
    }
}

extension PlanError {
    /// The error as JSON.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["kind": .string(kind.rawValue), "message": .string(message)]
        if let name { members["name"] = .string(name) }
        if let id { members["id"] = .string(id) }
        if let source { members["source"] = .string(source) }
        return .object(members)
    }

    /// Reads an error.
    public init(json: JSONValue, path: String) throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        let kindName = try reader.requiredString("kind")
        guard let kind = Kind(rawValue: kindName) else {
            throw ModelError(
                path: JSONPath.appending(key: "kind", to: path), message: "unknown error kind \(quoted(kindName))")
        }
        self.init(
            kind: kind, name: try reader.string("name"), id: try reader.string("id"),
            message: try reader.requiredString("message"), source: try reader.string("source"))
    }
}

import ODAGCore

extension DriftReport {
    /// The report as JSON (SPEC §6): the plan's JSON (`summary`, `changes`, `unmanaged`, `errors`, …)
    /// with `"drift": true|false`.
    public var json: JSONValue {
        var members = plan.json.objectValue ?? [:]
        members["drift"] = .bool(drift)
        return .object(members)
    }

    /// The report as pretty, deterministic JSON text with a final newline (the `--report FILE`).
    public var jsonText: String {
        JSONWriter.string(json, pretty: true, leadingKeys: Plan.leadingKeys) + "\n"
    }
}

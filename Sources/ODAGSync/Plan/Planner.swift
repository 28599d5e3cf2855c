import ODAGCore

/// What a plan is made for: where, which links, and whether to prune.
public struct PlanOptions: Sendable {
    /// The server (or `emulator:PATH`) recorded in the plan.
    public var server: String
    /// The selected environment, if any.
    public var environment: String?
    /// The plan's timestamp (ISO 8601, UTC).
    public var generatedAt: String
    /// Which live links may be touched.
    public var scope: LinkScope
    /// Whether unmanaged links in scope are deleted.
    public var prune: Bool
    /// When not empty, only these link names are planned, and nothing else is pruned.
    public var targets: [String]
    /// The API flavour to plan in; `nil`: the flavour of the first declaration, else of the first live
    /// link, else `document`.
    public var api: APIFlavour?

    /// Creates options.
    public init(
        server: String, environment: String? = nil, generatedAt: String, scope: LinkScope = LinkScope(),
        prune: Bool = false, targets: [String] = [], api: APIFlavour? = nil
    ) {
        self.api = api
        self.server = server
        self.environment = environment
        self.generatedAt = generatedAt
        self.scope = scope
        self.prune = prune
        self.targets = targets
    }
}

/// Matches declarations to live links (SPEC §4) and computes the changes (SPEC §5). Pure: values in,
/// a ``Plan`` out, deterministic for the same inputs.
///
/// A plan is made in five steps, each a method of ``PlanningRun``: index the live links, match the
/// pinned ids, match the names, diff each match, collect the unmanaged links. Names match by their
/// exact Unicode scalars (``ExactText``), never by canonical equivalence.
///
/// In the `qseow` flavour the matching steps are the same, but a live `decommissioned` link is
/// retired: invisible to matching, the unmanaged links and pruning (a pin to one is an error). Each
/// match is compared by ``QseowDiff``, and pruning retires instead of deleting.
public enum Planner {
    /// Plans `desired` against `live`.
    public static func plan(desired: [DeclaredLink], live: [OdagLink], options: PlanOptions) -> Plan {
        // Links are read in place, field by field, through buffer pointers. Handing a link struct from an
        // array to a function copies all of it (a retain and a release of each of its ten or so fields, each
        // a cache miss at 100,000 links) whenever the function might write memory, and planning reads only
        // a few fields of every link.
        desired.withUnsafeBufferPointer { desired in
            live.withUnsafeBufferPointer { live in
                let api =
                    options.api ?? desired.first?.flavour ?? live.first?.flavour ?? APIFlavour.document
                var run = PlanningRun(desired: desired, live: live, options: options, api: api)
                run.indexLiveLinks()
                run.checkTargets()
                run.matchPinnedIds()
                run.matchNames()
                run.diffMatches()
                run.collectUnmanaged()
                return run.plan()
            }
        }
    }

    /// The create of a declaration that matches no live link.
    static func createChange(for declaration: DeclaredLink) -> PlannedChange {
        let body = OdagLinkCreateBody.json(
            name: declaration.name, selectionAppId: declaration.selectionAppId ?? "",
            templateAppId: declaration.templateAppId, properties: declaration.properties)
        var diffs = [
            FieldDiff(path: "name", before: nil, after: .string(declaration.name)),
            FieldDiff(path: "selectionAppId", before: nil, after: .string(declaration.selectionAppId ?? "")),
            FieldDiff(path: "templateAppId", before: nil, after: .string(declaration.templateAppId)),
        ]
        if let properties = declaration.properties {
            diffs += PropertyComparison.leaves(of: properties, path: "properties")
        }
        return PlannedChange(
            action: .create, name: declaration.name, diffs: diffs, after: body, source: declaration.source.description)
    }

    /// Whether the declaration at `declarationIndex` certainly needs no change against the live link at
    /// `linkIndex`; `false` means "not sure" as well as "changed". Reads both links in place.
    static func isCertainlyUnchanged(
        _ desired: UnsafeBufferPointer<DeclaredLink>, _ declarationIndex: Int, _ live: UnsafeBufferPointer<OdagLink>,
        _ linkIndex: Int
    ) -> Bool {
        guard let liveName = live[linkIndex].name, ExactText.equal(liveName, desired[declarationIndex].name),
            sameApp(desired[declarationIndex].selectionAppId ?? "", live[linkIndex].selectionAppId),
            sameApp(desired[declarationIndex].templateAppId, live[linkIndex].templateAppId)
        else { return false }
        guard let declared = desired[declarationIndex].properties else { return true }
        return PropertyComparison.certainlyUnchanged(
            declared: declared, live: live[linkIndex].properties, ignore: desired[declarationIndex].ignore)
    }

    /// The change one declaration needs against its live match, or `nil` when none.
    static func change(for declaration: DeclaredLink, live: OdagLink) -> PlannedChange? {
        let ignore = Set(declaration.ignore)
        var diffs: [FieldDiff] = []
        if live.name.map({ !ExactText.equal($0, declaration.name) }) ?? true {
            diffs.append(
                FieldDiff(path: "name", before: live.name.map(JSONValue.string), after: .string(declaration.name)))
        }
        var reasons: [String] = []
        for (field, declared, current) in [
            ("selectionAppId", declaration.selectionAppId ?? "", live.selectionAppId),
            ("templateAppId", declaration.templateAppId, live.templateAppId),
        ] where !sameApp(declared, current) {
            diffs.append(FieldDiff(path: field, before: current.map(JSONValue.string), after: .string(declared)))
            reasons.append("\(field) changed")
        }
        // Built once, for both the diffs and the overlay.
        let liveProperties = live.properties?.json
        if let declared = declaration.properties,
            !PropertyComparison.certainlyUnchanged(
                declared: declared, live: live.properties, ignore: declaration.ignore)
        {
            diffs += PropertyComparison.diffs(
                declared: declared, live: liveProperties, path: "properties", ignore: ignore)
        }
        guard !diffs.isEmpty else { return nil }

        let properties = PropertyComparison.overlay(
            live: liveProperties, declared: declaration.properties, path: "properties", ignore: ignore)
        if !reasons.isEmpty {
            let body = OdagLinkCreateBody.json(
                name: declaration.name, selectionAppId: declaration.selectionAppId ?? "",
                templateAppId: declaration.templateAppId, properties: properties)
            return PlannedChange(
                action: .replace, name: declaration.name, id: live.id,
                reason: reasons.joined(separator: ", ")
                    + "; an update cannot change it, so the link is deleted and created again with a new id "
                    + "(selection-app buttons that point at the old id stop working until re-pointed)",
                diffs: diffs, before: live.json, after: body, source: declaration.source.description)
        }
        var update: [String: JSONValue] = ["name": .string(declaration.name)]
        if let properties { update["properties"] = properties }
        return PlannedChange(
            action: .update, name: declaration.name, id: live.id, diffs: diffs, before: live.json,
            after: .object(update), source: declaration.source.description)
    }

    /// Whether a declared app id names the live one (ids compare case-insensitively).
    static func sameApp(_ declared: String, _ live: String?) -> Bool {
        declared == live || declared.lowercased() == (live ?? "").lowercased()
    }
}

/// The JSON body of `POST /links` built from declared values.
enum OdagLinkCreateBody {
    static func json(name: String, selectionAppId: String, templateAppId: String, properties: JSONValue?) -> JSONValue {
        var body: [String: JSONValue] = [
            "name": .string(name), "selectionAppId": .string(selectionAppId), "templateAppId": .string(templateAppId),
        ]
        if let properties { body["properties"] = properties }
        return .object(body)
    }
}

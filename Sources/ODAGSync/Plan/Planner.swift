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

    /// Creates options.
    public init(
        server: String, environment: String? = nil, generatedAt: String, scope: LinkScope = LinkScope(),
        prune: Bool = false, targets: [String] = []
    ) {
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
public enum Planner {
    /// Plans `desired` against `live`.
    public static func plan(desired: [DeclaredLink], live: [OdagLink], options: PlanOptions) -> Plan {
        // Links are read in place, field by field, through buffer pointers. Handing a link struct from an
        // array to a function copies all of it (a retain and a release of each of its ten or so fields, each
        // a cache miss at 100,000 links) whenever the function might write memory, and planning reads only
        // a few fields of every link.
        desired.withUnsafeBufferPointer { desired in
            live.withUnsafeBufferPointer { live in plan(desired: desired, live: live, options: options) }
        }
    }

    private static func plan(
        desired: UnsafeBufferPointer<DeclaredLink>, live: UnsafeBufferPointer<OdagLink>, options: PlanOptions
    ) -> Plan {
        var errors: [PlanError] = []
        let scope = options.scope
        func isInScope(_ index: Int) -> Bool {
            scope.contains(name: live[index].name ?? "") && scope.contains(owner: live[index].owner)
        }
        // Live links are referred to by index: copying an OdagLink into each table costs a retain per field.
        // Each table costs one hash per link: `updateValue` answers what a key held before, which chains
        // together the links that share an id or a name.
        var byId: [LinkIdKey: Int] = [:]
        var byName: [NameKey: Int] = [:]
        var inScope: [Int] = []
        var nextWithSameId = [Int?](repeating: nil, count: live.count)
        var nextWithSameName = [Int?](repeating: nil, count: live.count)
        byId.reserveCapacity(live.count)
        byName.reserveCapacity(live.count)
        for index in live.indices {
            guard let id = live[index].id else {
                if isInScope(index) {
                    let name = live[index].name
                    errors.append(
                        PlanError(
                            kind: .invalidLiveLink, name: name,
                            message: "the server returned a link without an id (name \(quote(name ?? "")))"))
                }
                continue
            }
            if let previous = byId.updateValue(index, forKey: LinkIdKey(id)) { nextWithSameId[previous] = index }
            if isInScope(index) {
                inScope.append(index)
                nextWithSameName[index] = byName.updateValue(index, forKey: NameKey(live[index].name ?? ""))
            }
        }

        let targets = Set(options.targets)
        if !targets.isEmpty {
            let known = Set(desired.map(\.name)).union(live.compactMap(\.name))
            for target in options.targets.sorted() where !known.contains(target) {
                let hint = Suggestion.closest(to: target, among: known).map { "; did you mean \(quote($0))?" } ?? ""
                errors.append(
                    PlanError(
                        kind: .unknownTarget, name: target,
                        message: "--target \(quote(target)) names no declared or live link\(hint)"))
            }
        }

        // Pinned ids first, so a rename's old name is not also matched by name.
        // Which declaration has claimed each live id, kept at the index byId gives for that id (so links that
        // share an id share a claim): an array instead of a table keyed by id strings, which cost a hash of
        // the id on every look-up. It holds declaration indices, not names: a retained name per link was
        // released again, a cache miss each, when the array was freed.
        var claimedBy = [Int?](repeating: nil, count: live.count)
        // The index byId gives for each link's id is the last link with that id: the end of its chain.
        // An empty id has no claim of its own.
        var idIndex = [Int?](repeating: nil, count: live.count)
        for index in live.indices.reversed() where !(live[index].id?.isEmpty ?? true) {
            idIndex[index] = nextWithSameId[index].map { idIndex[$0] ?? $0 } ?? index
        }
        func isClaimed(_ index: Int) -> Bool { idIndex[index].map { claimedBy[$0] != nil } ?? false }
        func claim(_ index: Int, by declarationIndex: Int) {
            if let key = idIndex[index] { claimedBy[key] = declarationIndex }
        }
        var matches: [(declaration: Int, live: Int?)] = []
        matches.reserveCapacity(desired.count)
        for declarationIndex in desired.indices {
            guard let pin = desired[declarationIndex].id else { continue }
            let declaration = desired[declarationIndex]
            let id = pin.lowercased()
            guard let linkIndex = byId[LinkIdKey(pin)] else {
                errors.append(
                    PlanError(
                        kind: .missingPinnedId, name: declaration.name, id: declaration.id,
                        message:
                            "link \(quote(declaration.name)) is pinned to id \(declaration.id ?? "") which does not exist on the server; remove the id to create it, or fix it",
                        source: declaration.source.description))
                continue
            }
            let link = live[linkIndex]
            if let other = claimedBy[linkIndex].map({ desired[$0].name }) {
                errors.append(
                    PlanError(
                        kind: .conflict, name: declaration.name, id: id,
                        message: "links \(quote(other)) and \(quote(declaration.name)) are both pinned to id \(id)",
                        source: declaration.source.description))
                continue
            }
            guard options.scope.contains(link) else {
                errors.append(
                    PlanError(
                        kind: .outOfScope, name: declaration.name, id: id,
                        message:
                            "link \(quote(declaration.name)) is pinned to id \(id) (\(quote(link.name ?? "")), owner \(link.owner ?? "unknown")), which is outside the scope",
                        source: declaration.source.description))
                continue
            }
            claimedBy[linkIndex] = declarationIndex
            let changedApps = [
                ("selectionAppId", declaration.selectionAppId, link.selectionAppId),
                ("templateAppId", declaration.templateAppId, link.templateAppId),
            ].filter { $0.1.lowercased() != ($0.2 ?? "").lowercased() }.map(\.0)
            guard changedApps.isEmpty else {
                // A replace deletes the pinned link and creates one with a new id, which the pin would then
                // not find: the next plan could never converge. The live link stays claimed, so it is not pruned.
                errors.append(
                    PlanError(
                        kind: .pinnedReplace, name: declaration.name, id: id,
                        message:
                            "link \(quote(declaration.name)) is pinned to id \(id), but its \(changedApps.joined(separator: " and ")) changed; an update cannot change that, and deleting and creating it again would give it a new id the pin no longer matches; remove \"id\" from the manifest to replace it",
                        source: declaration.source.description))
                continue
            }
            matches.append((declarationIndex, linkIndex))
        }
        var candidates: [Int] = []
        for declarationIndex in desired.indices where desired[declarationIndex].id == nil {
            let name = desired[declarationIndex].name
            // The live links with this name, latest first (their order decides nothing below).
            candidates.removeAll(keepingCapacity: true)
            var next = byName[NameKey(name)]
            while let index = next {
                if !isClaimed(index) { candidates.append(index) }
                next = nextWithSameName[index]
            }
            switch candidates.count {
            case 0:
                matches.append((declarationIndex, nil))
            case 1:
                claim(candidates[0], by: declarationIndex)
                matches.append((declarationIndex, candidates[0]))
            default:
                let ids = candidates.compactMap { live[$0].id }.sorted()
                for candidate in candidates { claim(candidate, by: declarationIndex) }
                errors.append(
                    PlanError(
                        kind: .ambiguous, name: name,
                        message:
                            "link \(quote(name)) is ambiguous: \(ids.count) live links have this name (\(ids.joined(separator: ", "))); pin one with \"id\" in the manifest",
                        source: desired[declarationIndex].source.description))
            }
        }

        var changes: [PlannedChange] = []
        var unchanged = 0
        for (declarationIndex, linkIndex) in matches {
            guard targets.isEmpty || targets.contains(desired[declarationIndex].name) else { continue }
            let change: PlannedChange?
            if let linkIndex {
                // Almost every declared link matches its live one: answer that in place, before anything
                // copies the links or builds diffs.
                if isCertainlyUnchanged(desired, declarationIndex, live, linkIndex) {
                    unchanged += 1
                    continue
                }
                change = self.change(for: desired[declarationIndex], live: live[linkIndex])
            } else {
                change = createChange(for: desired[declarationIndex])
            }
            if let change {
                changes.append(change)
            } else {
                unchanged += 1
            }
        }

        var unmanaged: [UnmanagedLink] = []
        for index in inScope where !isClaimed(index) {
            guard let id = live[index].id else { continue }
            let name = live[index].name ?? ""
            unmanaged.append(UnmanagedLink(id: id, name: name, owner: live[index].owner))
            if options.prune && (targets.isEmpty || targets.contains(name)) {
                changes.append(PlannedChange(action: .delete, name: name, id: id, before: live[index].json))
            }
        }

        changes.sort { lhs, rhs in
            if lhs.action.order != rhs.action.order { return lhs.action.order < rhs.action.order }
            if lhs.name != rhs.name { return lhs.name < rhs.name }
            return (lhs.id ?? "") < (rhs.id ?? "")
        }
        unmanaged.sort { ($0.name, $0.id) < ($1.name, $1.id) }
        errors.sort { (($0.name ?? ""), $0.message) < (($1.name ?? ""), $1.message) }
        return Plan(
            server: options.server, environment: options.environment, generatedAt: options.generatedAt,
            prune: options.prune, changes: changes, unmanaged: unmanaged, errors: errors, unchanged: unchanged,
            linksInScope: inScope.count, declaredLinks: desired.count)
    }

    /// The create of a declaration that matches no live link.
    static func createChange(for declaration: DeclaredLink) -> PlannedChange {
        let body = OdagLinkCreateBody.json(
            name: declaration.name, selectionAppId: declaration.selectionAppId,
            templateAppId: declaration.templateAppId, properties: declaration.properties)
        var diffs = [
            FieldDiff(path: "name", before: nil, after: .string(declaration.name)),
            FieldDiff(path: "selectionAppId", before: nil, after: .string(declaration.selectionAppId)),
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
    private static func isCertainlyUnchanged(
        _ desired: UnsafeBufferPointer<DeclaredLink>, _ declarationIndex: Int, _ live: UnsafeBufferPointer<OdagLink>,
        _ linkIndex: Int
    ) -> Bool {
        guard live[linkIndex].name == desired[declarationIndex].name,
            sameApp(desired[declarationIndex].selectionAppId, live[linkIndex].selectionAppId),
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
        if live.name != declaration.name {
            diffs.append(
                FieldDiff(path: "name", before: live.name.map(JSONValue.string), after: .string(declaration.name)))
        }
        var reasons: [String] = []
        for (field, declared, current) in [
            ("selectionAppId", declaration.selectionAppId, live.selectionAppId),
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
                name: declaration.name, selectionAppId: declaration.selectionAppId,
                templateAppId: declaration.templateAppId, properties: properties)
            return PlannedChange(
                action: .replace, name: declaration.name, id: live.id,
                reason: reasons.joined(separator: ", ")
                    + "; an update cannot change it, so the link is deleted and created again",
                diffs: diffs, before: live.json, after: body, source: declaration.source.description)
        }
        var update: [String: JSONValue] = ["name": .string(declaration.name)]
        if let properties { update["properties"] = properties }
        return PlannedChange(
            action: .update, name: declaration.name, id: live.id, diffs: diffs, before: live.json,
            after: .object(update), source: declaration.source.description)
    }

    /// Whether a declared app id names the live one (ids compare case-insensitively).
    private static func sameApp(_ declared: String, _ live: String?) -> Bool {
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

/// `text` as a JSON string literal, for quoting names in messages.
func quote(_ text: String) -> String {
    JSONWriter.string(.string(text))
}

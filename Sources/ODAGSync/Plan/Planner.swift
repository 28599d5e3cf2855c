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
        var errors: [PlanError] = []
        // Live links are referred to by index: copying an OdagLink into each table costs a retain per field.
        var byId: [String: Int] = [:]
        var byName: [String: [Int]] = [:]
        var inScope: [Int] = []
        var lowercasedIds = [String](repeating: "", count: live.count)
        byId.reserveCapacity(live.count)
        byName.reserveCapacity(live.count)
        for (index, link) in live.enumerated() {
            guard let id = link.id else {
                if options.scope.contains(link) {
                    errors.append(
                        PlanError(
                            kind: .invalidLiveLink, name: link.name,
                            message: "the server returned a link without an id (name \(quote(link.name ?? "")))"))
                }
                continue
            }
            let key = lowercasedId(id)
            lowercasedIds[index] = key
            byId[key] = index
            if options.scope.contains(link) {
                inScope.append(index)
                byName[link.name ?? "", default: []].append(index)
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
        // the id on every look-up.
        var claimedBy = [String?](repeating: nil, count: live.count)
        let idIndex = lowercasedIds.map { $0.isEmpty ? nil : byId[$0] }
        func isClaimed(_ index: Int) -> Bool { idIndex[index].map { claimedBy[$0] != nil } ?? false }
        func claim(_ index: Int, by name: String) {
            if let key = idIndex[index] { claimedBy[key] = name }
        }
        var matches: [(declaration: Int, live: Int?)] = []
        matches.reserveCapacity(desired.count)
        var blocked = Set<String>()
        for (declarationIndex, declaration) in desired.enumerated() where declaration.id != nil {
            let id = declaration.id?.lowercased() ?? ""
            guard let linkIndex = byId[id] else {
                errors.append(
                    PlanError(
                        kind: .missingPinnedId, name: declaration.name, id: declaration.id,
                        message:
                            "link \(quote(declaration.name)) is pinned to id \(declaration.id ?? "") which does not exist on the server; remove the id to create it, or fix it",
                        source: declaration.source.description))
                blocked.insert(declaration.name)
                continue
            }
            let link = live[linkIndex]
            if let other = claimedBy[linkIndex] {
                errors.append(
                    PlanError(
                        kind: .conflict, name: declaration.name, id: id,
                        message: "links \(quote(other)) and \(quote(declaration.name)) are both pinned to id \(id)",
                        source: declaration.source.description))
                blocked.insert(declaration.name)
                continue
            }
            guard options.scope.contains(link) else {
                errors.append(
                    PlanError(
                        kind: .outOfScope, name: declaration.name, id: id,
                        message:
                            "link \(quote(declaration.name)) is pinned to id \(id) (\(quote(link.name ?? "")), owner \(link.owner ?? "unknown")), which is outside the scope",
                        source: declaration.source.description))
                blocked.insert(declaration.name)
                continue
            }
            claimedBy[linkIndex] = declaration.name
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
                blocked.insert(declaration.name)
                continue
            }
            matches.append((declarationIndex, linkIndex))
        }
        for (declarationIndex, declaration) in desired.enumerated() where declaration.id == nil {
            let candidates = (byName[declaration.name] ?? []).filter { !isClaimed($0) }
            switch candidates.count {
            case 0:
                matches.append((declarationIndex, nil))
            case 1:
                claim(candidates[0], by: declaration.name)
                matches.append((declarationIndex, candidates[0]))
            default:
                let ids = candidates.compactMap { live[$0].id }.sorted()
                for candidate in candidates { claim(candidate, by: declaration.name) }
                errors.append(
                    PlanError(
                        kind: .ambiguous, name: declaration.name,
                        message:
                            "link \(quote(declaration.name)) is ambiguous: \(ids.count) live links have this name (\(ids.joined(separator: ", "))); pin one with \"id\" in the manifest",
                        source: declaration.source.description))
                blocked.insert(declaration.name)
            }
        }

        var changes: [PlannedChange] = []
        var unchanged = 0
        for (declarationIndex, linkIndex) in matches {
            let declaration = desired[declarationIndex]
            guard targets.isEmpty || targets.contains(declaration.name) else { continue }
            if let change = self.change(for: declaration, live: linkIndex.map { live[$0] }) {
                changes.append(change)
            } else {
                unchanged += 1
            }
        }

        var unmanaged: [UnmanagedLink] = []
        for index in inScope {
            let link = live[index]
            guard let id = link.id, !isClaimed(index) else { continue }
            let name = link.name ?? ""
            unmanaged.append(UnmanagedLink(id: id, name: name, owner: link.owner))
            if options.prune && (targets.isEmpty || targets.contains(name)) {
                changes.append(PlannedChange(action: .delete, name: name, id: id, before: link.json))
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

    /// The change one declaration needs against its live match, or `nil` when none.
    static func change(for declaration: DeclaredLink, live: OdagLink?) -> PlannedChange? {
        let ignore = Set(declaration.ignore)
        guard let live else {
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
                action: .create, name: declaration.name, diffs: diffs, after: body,
                source: declaration.source.description)
        }

        var diffs: [FieldDiff] = []
        if live.name != declaration.name {
            diffs.append(
                FieldDiff(path: "name", before: live.name.map(JSONValue.string), after: .string(declaration.name)))
        }
        var reasons: [String] = []
        for (field, declared, current) in [
            ("selectionAppId", declaration.selectionAppId, live.selectionAppId),
            ("templateAppId", declaration.templateAppId, live.templateAppId),
        ] where declared != current && declared.lowercased() != (current ?? "").lowercased() {
            diffs.append(FieldDiff(path: field, before: current.map(JSONValue.string), after: .string(declared)))
            reasons.append("\(field) changed")
        }
        if let declared = declaration.properties,
            !PropertyComparison.certainlyUnchanged(declared: declared, live: live.properties, ignore: ignore)
        {
            diffs += PropertyComparison.diffs(
                declared: declared, live: live.properties?.json, path: "properties", ignore: ignore)
        }
        guard !diffs.isEmpty else { return nil }

        let liveProperties = live.properties?.json

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

/// `id` in lower case, without allocating when it already is (as servers write UUIDs).
func lowercasedId(_ id: String) -> String {
    id.utf8.allSatisfy { $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) } ? id : id.lowercased()
}

/// `text` as a JSON string literal, for quoting names in messages.
func quote(_ text: String) -> String {
    JSONWriter.string(.string(text))
}

import ODAGCore

/// One run of ``Planner/plan(desired:live:options:)``: the declarations and live links, read in place,
/// and what each step finds, in the order the steps run.
///
/// Live links are referred to by index: copying an `OdagLink` into each table costs a retain per field.
struct PlanningRun {
    let desired: UnsafeBufferPointer<DeclaredLink>
    let live: UnsafeBufferPointer<OdagLink>
    let options: PlanOptions
    /// The flavour planned in: it decides once per run how links compare and how pruning goes.
    let api: APIFlavour
    /// The `--target` names (empty: every link).
    let targets: Set<NameKey>

    /// Problems found so far; each blocks apply.
    private(set) var errors: [PlanError] = []

    // Step 1, the index. Each table costs one hash per link: `updateValue` answers what a key held
    // before, which chains together the links that share an id or a name.
    private var byId: [LinkIdKey: Int] = [:]
    private var byName: [NameKey: Int] = [:]
    private var inScope: [Int] = []
    private var nextWithSameId: [Int?]
    private var nextWithSameName: [Int?]

    // Steps 2 and 3, the claims. Which declaration has claimed each live id, kept at the index byId gives
    // for that id (so links that share an id share a claim): an array instead of a table keyed by id
    // strings, which cost a hash of the id on every look-up. It holds declaration indices, not names: a
    // retained name per link was released again, a cache miss each, when the array was freed.
    private var claimedBy: [Int?]
    /// The index byId gives for each link's id: the last link with that id, the end of its chain. An
    /// empty id has no claim of its own.
    private var idIndex: [Int?]
    /// Each declaration that can be planned, with its live match (`nil`: none, so it is created).
    private var matches: [(declaration: Int, live: Int?)] = []

    // Steps 4 and 5, the outcome.
    private var changes: [PlannedChange] = []
    private var unchanged = 0
    private var unmanaged: [UnmanagedLink] = []

    init(
        desired: UnsafeBufferPointer<DeclaredLink>, live: UnsafeBufferPointer<OdagLink>, options: PlanOptions,
        api: APIFlavour = .document
    ) {
        self.desired = desired
        self.live = live
        self.options = options
        self.api = api
        targets = Set(options.targets.map(NameKey.init))
        nextWithSameId = [Int?](repeating: nil, count: live.count)
        nextWithSameName = [Int?](repeating: nil, count: live.count)
        claimedBy = [Int?](repeating: nil, count: live.count)
        idIndex = [Int?](repeating: nil, count: live.count)
    }

    /// Step 1: indexes the live links by id (all of them) and by name (those in scope).
    mutating func indexLiveLinks() {
        byId.reserveCapacity(live.count)
        byName.reserveCapacity(live.count)
        for index in live.indices {
            guard let id = live[index].id else {
                if isInScope(index) {
                    let name = live[index].name
                    errors.append(
                        PlanError(
                            kind: .invalidLiveLink, name: name,
                            message: "the server returned a link without an id (name \(quoted(name ?? "")))"))
                }
                continue
            }
            if let previous = byId.updateValue(index, forKey: LinkIdKey(id)) { nextWithSameId[previous] = index }
            // A retired link keeps its id entry, so that a pin to it is reported, and nothing else.
            if api == .qseow && isRetired(index) { continue }
            if isInScope(index) {
                inScope.append(index)
                nextWithSameName[index] = byName.updateValue(index, forKey: NameKey(live[index].name ?? ""))
            }
        }
        for index in live.indices.reversed() where !(live[index].id?.isEmpty ?? true) {
            idIndex[index] = nextWithSameId[index].map { idIndex[$0] ?? $0 } ?? index
        }
    }

    /// Reports each `--target` that names no declared or live link.
    mutating func checkTargets() {
        guard !targets.isEmpty else { return }
        let known = Set(desired.map(\.name)).union(live.compactMap(\.name))
        let exactlyKnown = Set(known.map(NameKey.init))
        for target in options.targets.sorted() where !exactlyKnown.contains(NameKey(target)) {
            let hint = Suggestion.closest(to: target, among: known).map { "; did you mean \(quoted($0))?" } ?? ""
            errors.append(
                PlanError(
                    kind: .unknownTarget, name: target,
                    message: "--target \(quoted(target)) names no declared or live link\(hint)"))
        }
    }

    /// Step 2: matches each declaration pinned to an id. Pinned ids come first, so a rename's old name
    /// is not also matched by name.
    mutating func matchPinnedIds() {
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
                            "link \(quoted(declaration.name)) is pinned to id \(pin) which does not exist on the server; remove the id to create it, or fix it",
                        source: declaration.source.description))
                continue
            }
            let link = live[linkIndex]
            if api == .qseow && isRetired(linkIndex) {
                errors.append(
                    PlanError(
                        kind: .pinnedRetired, name: declaration.name, id: id,
                        message:
                            "link \(quoted(declaration.name)) is pinned to id \(id), which is retired (decommissioned) on the server; remove the id to create the link again",
                        source: declaration.source.description))
                continue
            }
            if let other = claimedBy[linkIndex].map({ desired[$0].name }) {
                errors.append(
                    PlanError(
                        kind: .conflict, name: declaration.name, id: id,
                        message: "links \(quoted(other)) and \(quoted(declaration.name)) are both pinned to id \(id)",
                        source: declaration.source.description))
                continue
            }
            guard options.scope.contains(link) else {
                errors.append(
                    PlanError(
                        kind: .outOfScope, name: declaration.name, id: id,
                        message:
                            "link \(quoted(declaration.name)) is pinned to id \(id) (\(quoted(link.name ?? "")), owner \(link.owner.map { quoted($0) } ?? "unknown")), which is outside the scope",
                        source: declaration.source.description))
                continue
            }
            claimedBy[linkIndex] = declarationIndex
            // Qlik's PUT changes the template app in place and never returns the selection app.
            if api == .qseow {
                matches.append((declarationIndex, linkIndex))
                continue
            }
            let changedApps = [
                ("selectionAppId", declaration.selectionAppId ?? "", link.selectionAppId),
                ("templateAppId", declaration.templateAppId, link.templateAppId),
            ].filter { $0.1.lowercased() != ($0.2 ?? "").lowercased() }.map(\.0)
            guard changedApps.isEmpty else {
                // A replace deletes the pinned link and creates one with a new id, which the pin would then
                // not find: the next plan could never converge. The live link stays claimed, so it is not pruned.
                errors.append(
                    PlanError(
                        kind: .pinnedReplace, name: declaration.name, id: id,
                        message:
                            "link \(quoted(declaration.name)) is pinned to id \(id), but its \(changedApps.joined(separator: " and ")) changed; an update cannot change that, and deleting and creating it again would give it a new id the pin no longer matches; remove \"id\" from the manifest to replace it",
                        source: declaration.source.description))
                continue
            }
            matches.append((declarationIndex, linkIndex))
        }
    }

    /// Step 3: matches each declaration without an id to the one unclaimed live link in scope of exactly
    /// its name; several such links make the name ambiguous, and all of them stay claimed (not pruned).
    mutating func matchNames() {
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
                            "link \(quoted(name)) is ambiguous: \(ids.count) live links have this name (\(ids.joined(separator: ", "))); pin one with \"id\" in the manifest",
                        source: desired[declarationIndex].source.description))
            }
        }
    }

    /// Step 4: the change each match needs (a create when it has no live link), counting those that
    /// need none.
    mutating func diffMatches() {
        for (declarationIndex, linkIndex) in matches {
            guard targets.isEmpty || targets.contains(NameKey(desired[declarationIndex].name)) else { continue }
            if api == .qseow {
                diffQseow(declarationIndex, linkIndex)
                continue
            }
            let change: PlannedChange?
            if let linkIndex {
                // Almost every declared link matches its live one: answer that in place, before anything
                // copies the links or builds diffs.
                if Planner.isCertainlyUnchanged(desired, declarationIndex, live, linkIndex) {
                    unchanged += 1
                    continue
                }
                change = Planner.change(for: desired[declarationIndex], live: live[linkIndex])
            } else {
                change = Planner.createChange(for: desired[declarationIndex])
            }
            if let change {
                changes.append(change)
            } else {
                unchanged += 1
            }
        }
    }

    /// Step 4 in `qseow`: the update or create, or the error of a create without a selection app.
    private mutating func diffQseow(_ declarationIndex: Int, _ linkIndex: Int?) {
        guard let linkIndex else {
            if let change = QseowDiff.create(for: desired[declarationIndex]) {
                changes.append(change)
            } else {
                errors.append(QseowDiff.missingSelectionApp(desired[declarationIndex]))
            }
            return
        }
        if let change = QseowDiff.change(for: desired[declarationIndex], live: live[linkIndex]) {
            changes.append(change)
        } else {
            unchanged += 1
        }
    }

    /// Step 5: the live links in scope that nothing claimed, and their deletes (retires in `qseow`)
    /// when pruning.
    mutating func collectUnmanaged() {
        for index in inScope where !isClaimed(index) {
            guard let id = live[index].id else { continue }
            let name = live[index].name ?? ""
            unmanaged.append(UnmanagedLink(id: id, name: name, owner: live[index].owner))
            if options.prune && (targets.isEmpty || targets.contains(NameKey(name))) {
                if api == .qseow {
                    changes.append(
                        PlannedChange(
                            action: .retire, name: name, id: id, before: live[index].json,
                            after: QseowPayloads.retire(live: live[index])))
                } else {
                    changes.append(PlannedChange(action: .delete, name: name, id: id, before: live[index].json))
                }
            }
        }
    }

    /// The plan, everything in its deterministic order.
    mutating func plan() -> Plan {
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
            linksInScope: inScope.count, declaredLinks: desired.count, api: api)
    }

    private func isInScope(_ index: Int) -> Bool {
        options.scope.contains(name: live[index].name ?? "") && options.scope.contains(owner: live[index].owner)
    }

    private func isRetired(_ index: Int) -> Bool { live[index].status == "decommissioned" }

    private func isClaimed(_ index: Int) -> Bool { idIndex[index].map { claimedBy[$0] != nil } ?? false }

    private mutating func claim(_ index: Int, by declarationIndex: Int) {
        if let key = idIndex[index] { claimedBy[key] = declarationIndex }
    }
}

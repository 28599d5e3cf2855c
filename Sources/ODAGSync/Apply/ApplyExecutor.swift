import ODAGCore

/// Carries out a plan (SPEC §7): deletes (and `qseow` retires), then updates, then creates, each phase
/// in parallel up to `parallelism`. One failed change does not stop the others; every change gets a
/// result.
///
/// A replace is a delete in the first phase and a create in the last. Its create body is checked
/// before the delete is sent (a body that cannot be created keeps the old link); when the create
/// fails anyway after the delete, or is never started, the result carries the deleted link's live
/// definition as it was read (``ChangeResult/deletedLink``): there is no state file, so this is the
/// only copy of whatever the server kept beyond the declaration. The next plan creates the link
/// again from its declaration. A create whose outcome is unknown (the answer was lost) is settled by
/// re-reading the live links before anything is re-sent, so a link is never created twice.
///
/// A `qseow` plan is sent in Qlik's shapes (see `ApplyExecutor+Qseow.swift`): no link is ever
/// deleted (a prune retires it), an update's status change goes in its own request after the
/// fields, and a change refused for a stale `modifiedDate` is handled as ``staleChanges`` says.
public struct ApplyExecutor: Sendable {
    /// The server.
    public let service: any LinkService
    /// How many changes run at once.
    public let parallelism: Int
    /// Stops new changes from starting once set.
    public let interruption: InterruptionFlag
    /// The ids of every live link read before applying: a link found after a lost create answer must
    /// be new, not one of these.
    public let knownIds: Set<String>
    /// How many times a create whose outcome was unknown (and was not found on re-reading) is re-sent.
    public let createAttempts: Int
    /// What a `qseow` change refused for a stale `modifiedDate` leads to.
    public let staleChanges: StaleChangePolicy
    /// The project's scope, or `nil` to check nothing: a created link the server gave an owner outside it
    /// is a failed change, because the next plan would not see that link and would create it again.
    public let scope: LinkScope?
    /// Called as each change finishes (for progress on a terminal).
    public let progress: @Sendable (ChangeResult) -> Void

    /// Creates an executor.
    public init(
        service: any LinkService, parallelism: Int = 8,
        interruption: InterruptionFlag = InterruptionFlag(), knownIds: Set<String>, createAttempts: Int = 3,
        staleChanges: StaleChangePolicy = .fail, scope: LinkScope? = nil,
        progress: @escaping @Sendable (ChangeResult) -> Void = { _ in }
    ) {
        self.service = service
        self.parallelism = max(1, parallelism)
        self.interruption = interruption
        self.knownIds = Set(knownIds.map { $0.lowercased() })
        self.createAttempts = max(1, createAttempts)
        self.staleChanges = staleChanges
        self.scope = scope
        self.progress = progress
    }

    /// Applies every change of `plan` and reports each result, in plan order.
    public func apply(_ plan: Plan) async -> ApplyReport {
        let changes = plan.changes
        var runs = [ChangeRun?](repeating: nil, count: changes.count)
        var elapsed = [Int](repeating: 0, count: changes.count)
        // The replaces whose old link is gone: until their create succeeds, the link is lost.
        var deletedHalves = Set<Int>()
        func finish(_ index: Int, _ run: ChangeRun) {
            runs[index] = run
            report(changes[index], run, elapsed[index])
        }

        // Phase 1: deletes and retires, and the delete half of replaces (a replace is reported once, after its
        // create).
        let removals: Set<ChangeAction> = [.delete, .replace, .retire]
        for index in changes.indices where removals.contains(changes[index].action) {
            if let problem = unsendable(changes[index], api: plan.api) {
                finish(index, ChangeRun(outcome: .failed(problem)))
            }
        }
        let deletions = changes.indices.filter { removals.contains(changes[$0].action) && runs[$0] == nil }
        await runPhase(
            deletions, of: changes,
            { change in
                change.action == .retire ? await self.retire(change) : ChangeRun(outcome: await self.delete(change))
            }
        ) { index, run, ms in
            elapsed[index] += ms
            if changes[index].action != .replace || !run.outcome.isSuccess {
                finish(index, run.replacing(replaceHalf(run.outcome, of: changes[index], deleted: false)))
            } else {
                deletedHalves.insert(index)
            }
        }
        // Phase 2: updates.
        let updates = changes.indices.filter { changes[$0].action == .update }
        let qseow = plan.api == .qseow
        await runPhase(
            updates, of: changes, { change in qseow ? await self.updateQseow(change) : await self.update(change) }
        ) { index, run, ms in
            elapsed[index] = ms
            finish(index, run)
        }
        // Phase 3: creates, and the create half of replaces whose delete succeeded.
        let creations = changes.indices.filter {
            changes[$0].action == .create || (changes[$0].action == .replace && runs[$0] == nil)
        }
        await runPhase(
            creations, of: changes, { change in qseow ? await self.createQseow(change) : await self.create(change) }
        ) { index, run, ms in
            elapsed[index] += ms
            var outcome = replaceHalf(run.outcome, of: changes[index], deleted: true)
            if outcome == .notStarted && deletedHalves.contains(index) {
                outcome = .failed(
                    "the old link was deleted, and the run was interrupted before the new one was created; run apply again to create it"
                )
            }
            finish(index, run.replacing(outcome))
        }

        let results = changes.indices.map { index in
            let run = runs[index] ?? ChangeRun(outcome: .notStarted)
            var result = ChangeResult(
                change: changes[index], outcome: run.outcome, milliseconds: elapsed[index], notes: run.notes,
                warnings: run.warnings, outOfScopeLinkId: run.outOfScopeLinkId)
            if changes[index].action == .replace && deletedHalves.contains(index) && !run.outcome.isSuccess {
                result.deletedLink = changes[index].before
            }
            return result
        }
        return ApplyReport(server: plan.server, results: results, interrupted: interruption.isInterrupted)
    }

    /// Why a delete, replace or retire cannot be sent in the plan's flavour (checked before any is
    /// sent, so a replace whose create could not follow keeps its old link), or `nil` when it can.
    func unsendable(_ change: PlannedChange, api: APIFlavour) -> String? {
        switch (api, change.action) {
        case (.qseow, .delete), (.qseow, .replace):
            return
                "the qseow flavour deletes no link (Qlik documents no link DELETE): a prune retires the link and an app change is an update; make a new plan"
        case (.document, .retire):
            return "only the qseow flavour retires links; make a new plan"
        case (.document, .replace):
            return invalidCreateBody(change)
        default:
            return nil
        }
    }

    private func report(_ change: PlannedChange, _ run: ChangeRun, _ ms: Int) {
        guard run.outcome != .notStarted else { return }
        progress(
            ChangeResult(
                change: change, outcome: run.outcome, milliseconds: ms, notes: run.notes, warnings: run.warnings,
                outOfScopeLinkId: run.outOfScopeLinkId))
    }

    /// Words a replace's failure so the user knows which half happened.
    private func replaceHalf(_ outcome: ChangeOutcome, of change: PlannedChange, deleted: Bool) -> ChangeOutcome {
        guard change.action == .replace, case .failed(let message) = outcome else { return outcome }
        if deleted {
            return .failed(
                "the old link was deleted but creating the new one failed: \(message); run apply again to create it")
        }
        return .failed("deleting the old link failed, nothing was changed: \(message)")
    }

    /// Runs `operation` on the changes at `indices`, at most `parallelism` at a time, and calls
    /// `finished(index, outcome, milliseconds)` as each one ends (or is skipped after an interruption).
    private func runPhase(
        _ indices: [Int], of changes: [PlannedChange],
        _ operation: @escaping @Sendable (PlannedChange) async -> ChangeRun,
        finished: (Int, ChangeRun, Int) -> Void
    ) async {
        guard !indices.isEmpty else { return }
        await withTaskGroup(of: (Int, ChangeRun, Int).self) { group in
            var next = 0
            var running = 0
            func fill() {
                while next < indices.count && running < parallelism {
                    let index = indices[next]
                    next += 1
                    guard !interruption.isInterrupted else {
                        finished(index, ChangeRun(outcome: .notStarted), 0)
                        continue
                    }
                    let change = changes[index]
                    running += 1
                    group.addTask {
                        let start = ContinuousClock.now
                        let outcome = await operation(change)
                        return (index, outcome, milliseconds(since: start))
                    }
                }
            }
            fill()
            while let (index, outcome, ms) = await group.next() {
                running -= 1
                finished(index, outcome, ms)
                fill()
            }
        }
    }

    /// Why a replace's create body cannot be sent, checked before its delete; `nil` when it can.
    func invalidCreateBody(_ change: PlannedChange) -> String? {
        do {
            _ = try OdagLinkCreate(json: change.after ?? .null)
            return nil
        } catch {
            return
                "the planned body is not a valid link (\(error)), so the old link was not deleted; nothing was changed"
        }
    }

    func delete(_ change: PlannedChange) async -> ChangeOutcome {
        guard let id = change.id else { return .failed("the plan has no id for this link") }
        do {
            try await service.deleteLink(id: id)
            return .succeeded(newId: nil)
        } catch  where service.isNotFound(error) {
            return .alreadyDone(note: "the link was already gone", newId: nil)
        } catch {
            return .failed("\(error)")
        }
    }

    func update(_ change: PlannedChange) async -> ChangeRun {
        guard let id = change.id, let after = change.after else {
            return ChangeRun(outcome: .failed("the plan has no id or body for this link"))
        }
        do {
            let body = try OdagLinkUpdate(json: after)
            _ = try await service.updateLink(id: id, body)
            return ChangeRun(outcome: .succeeded(newId: nil))
        } catch  where service.isNotFound(error) {
            return ChangeRun(outcome: .failed(Self.gone(change, id: id)))
        } catch {
            return ChangeRun(outcome: .failed("\(error)"))
        }
    }

    /// The failure of a change whose link is no longer on the server.
    static func gone(_ change: PlannedChange, id: String) -> String {
        "link \(quoted(change.name)) (id \(id)) no longer exists on the server; run plan again"
    }

    func create(_ change: PlannedChange) async -> ChangeRun {
        guard let after = change.after else { return ChangeRun(outcome: .failed("the plan has no body for this link")) }
        let body: OdagLinkCreate
        do {
            body = try OdagLinkCreate(json: after)
        } catch {
            return ChangeRun(outcome: .failed("the planned body is not a valid link: \(error)"))
        }
        return await sendCreate(
            {
                let link = try await service.createLink(body)
                if let problem = outsideScope(link) {
                    return ChangeRun(outcome: .failed(problem), outOfScopeLinkId: link.id)
                }
                return ChangeRun(outcome: .succeeded(newId: link.id))
            },
            isTheNewLink: { isCreated($0, by: body) })
    }

    /// Sends a create with `send`, at most ``createAttempts`` times. When its outcome is unknown (the
    /// answer was lost), the live links are read first and a link `isTheNewLink` accepts settles it:
    /// the create is re-sent only when no such link exists, so a link is never created twice.
    func sendCreate(
        _ send: () async throws -> ChangeRun, isTheNewLink: (OdagLink) -> Bool
    ) async -> ChangeRun {
        var lastError = ""
        for _ in 0..<createAttempts {
            do {
                return try await send()
            } catch  where service.isOutcomeUnknown(error) {
                lastError = "\(error)"
                // The server may have created it: look before sending again.
                do {
                    let live = try await service.listLinks()
                    if let found = live.first(where: isTheNewLink) {
                        var run = ChangeRun(outcome: lostCreateFound(found))
                        if outsideScope(found) != nil { run.outOfScopeLinkId = found.id }
                        return run
                    }
                } catch {
                    return ChangeRun(
                        outcome: .failed(
                            "the outcome of the create is unknown (\(lastError)) and re-reading the links failed (\(error)); run plan to see whether it exists before applying again"
                        ))
                }
            } catch {
                return ChangeRun(outcome: .failed("\(error)"))
            }
        }
        return ChangeRun(
            outcome: .failed("the create did not get an answer after \(createAttempts) attempts: \(lastError)"))
    }

    /// The outcome of a create whose answer was lost and whose link was found on re-reading.
    func lostCreateFound(_ link: OdagLink) -> ChangeOutcome {
        if let problem = outsideScope(link) { return .failed(problem) }
        if link.flavour == .qseow && link.status == "incomplete" {
            return .failed(
                "the answer to the create was lost; the server created the link (id \(link.id ?? "unknown")) but left it incomplete; the next plan updates it"
            )
        }
        return .alreadyDone(
            note: "the answer to the create was lost, but the server had created the link", newId: link.id)
    }

    /// Whether `link` is the one a create of `body` made: same name and apps, and not known before.
    func isCreated(_ link: OdagLink, by body: OdagLinkCreate) -> Bool {
        isNew(link) && link.name == body.name
            && link.selectionAppId?.lowercased() == body.selectionAppId.lowercased()
            && link.templateAppId?.lowercased() == body.templateAppId.lowercased()
    }

    /// Why a link the server just created is a failed change: its owner (whoever the server took the
    /// request to come from) is outside ``scope``, so the next plan would not see it and would create it
    /// again (as Terraform calls an inconsistent result after apply). `nil` when it is in scope.
    func outsideScope(_ link: OdagLink) -> String? {
        guard let scope, !scope.contains(owner: link.owner) else { return nil }
        let id = link.id ?? "unknown"
        let owners = scope.owners.map { quoted($0) }.joined(separator: ", ")
        return "the server created link \(quoted(link.name ?? "")) (id \(id)) owned by "
            + "\(link.owner.map { quoted($0) } ?? "no owner"), outside scope.owners [\(owners)]: "
            + "the next plan would not see it and would create it again; run odag-sync as an owner in scope "
            + "(with the X-Qlik-User header or a certificate user in scope), and give link \(id) to an owner "
            + "in scope or remove it"
    }

    /// Whether `link` was not live before this apply started.
    func isNew(_ link: OdagLink) -> Bool {
        guard let id = link.id?.lowercased() else { return false }
        return !knownIds.contains(id)
    }
}

/// Whole milliseconds since `start`.
func milliseconds(since start: ContinuousClock.Instant) -> Int {
    let duration = ContinuousClock.now - start
    return Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
}

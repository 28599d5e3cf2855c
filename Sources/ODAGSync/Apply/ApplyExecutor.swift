import ODAGCore

/// Carries out a plan (SPEC §7): deletes, then updates, then creates, each phase in parallel up to
/// `parallelism`. One failed change does not stop the others; every change gets a result.
///
/// A replace is a delete in the first phase and a create in the last. Its create body is checked
/// before the delete is sent (a body that cannot be created keeps the old link); when the create
/// fails anyway after the delete, or is never started, the result carries the deleted link's live
/// definition as it was read (``ChangeResult/deletedLink``): there is no state file, so this is the
/// only copy of whatever the server kept beyond the declaration. The next plan creates the link
/// again from its declaration. A create whose outcome is unknown (the answer was lost) is settled by
/// re-reading the live links before anything is re-sent, so a link is never created twice.
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
    /// Called as each change finishes (for progress on a terminal).
    public let progress: @Sendable (ChangeResult) -> Void

    /// Creates an executor.
    public init(
        service: any LinkService, parallelism: Int = 8, interruption: InterruptionFlag = InterruptionFlag(),
        knownIds: Set<String>, createAttempts: Int = 3, progress: @escaping @Sendable (ChangeResult) -> Void = { _ in }
    ) {
        self.service = service
        self.parallelism = max(1, parallelism)
        self.interruption = interruption
        self.knownIds = Set(knownIds.map { $0.lowercased() })
        self.createAttempts = max(1, createAttempts)
        self.progress = progress
    }

    /// Applies every change of `plan` and reports each result, in plan order.
    public func apply(_ plan: Plan) async -> ApplyReport {
        let changes = plan.changes
        var outcomes = [ChangeOutcome?](repeating: nil, count: changes.count)
        var elapsed = [Int](repeating: 0, count: changes.count)
        // The replaces whose old link is gone: until their create succeeds, the link is lost.
        var deletedHalves = Set<Int>()

        // Phase 1: deletes, and the delete half of replaces (a replace is reported once, after its create).
        for index in changes.indices where changes[index].action == .replace {
            if let problem = invalidCreateBody(changes[index]) {
                outcomes[index] = .failed(problem)
                report(changes[index], outcomes[index], 0)
            }
        }
        let deletions = changes.indices.filter {
            (changes[$0].action == .delete || changes[$0].action == .replace) && outcomes[$0] == nil
        }
        await runPhase(deletions, of: changes, { change in await self.delete(change) }) { index, outcome, ms in
            elapsed[index] += ms
            if changes[index].action == .delete || !outcome.isSuccess {
                outcomes[index] = replaceHalf(outcome, of: changes[index], deleted: false)
                report(changes[index], outcomes[index], elapsed[index])
            } else {
                deletedHalves.insert(index)
            }
        }
        // Phase 2: updates.
        let updates = changes.indices.filter { changes[$0].action == .update }
        await runPhase(updates, of: changes, { change in await self.update(change) }) { index, outcome, ms in
            outcomes[index] = outcome
            elapsed[index] = ms
            report(changes[index], outcome, ms)
        }
        // Phase 3: creates, and the create half of replaces whose delete succeeded.
        let creations = changes.indices.filter {
            changes[$0].action == .create || (changes[$0].action == .replace && outcomes[$0] == nil)
        }
        await runPhase(creations, of: changes, { change in await self.create(change) }) { index, outcome, ms in
            elapsed[index] += ms
            outcomes[index] = replaceHalf(outcome, of: changes[index], deleted: true)
            if outcomes[index] == .notStarted && deletedHalves.contains(index) {
                outcomes[index] = .failed(
                    "the old link was deleted, and the run was interrupted before the new one was created; run apply again to create it"
                )
            }
            report(changes[index], outcomes[index], elapsed[index])
        }

        let results = changes.indices.map { index in
            let outcome = outcomes[index] ?? .notStarted
            var result = ChangeResult(change: changes[index], outcome: outcome, milliseconds: elapsed[index])
            if changes[index].action == .replace && deletedHalves.contains(index) && !outcome.isSuccess {
                result.deletedLink = changes[index].before
            }
            return result
        }
        return ApplyReport(server: plan.server, results: results, interrupted: interruption.isInterrupted)
    }

    private func report(_ change: PlannedChange, _ outcome: ChangeOutcome?, _ ms: Int) {
        guard let outcome, outcome != .notStarted else { return }
        progress(ChangeResult(change: change, outcome: outcome, milliseconds: ms))
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
        _ operation: @escaping @Sendable (PlannedChange) async -> ChangeOutcome,
        finished: (Int, ChangeOutcome, Int) -> Void
    ) async {
        guard !indices.isEmpty else { return }
        await withTaskGroup(of: (Int, ChangeOutcome, Int).self) { group in
            var next = 0
            var running = 0
            func fill() {
                while next < indices.count && running < parallelism {
                    let index = indices[next]
                    next += 1
                    guard !interruption.isInterrupted else {
                        finished(index, .notStarted, 0)
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

    func update(_ change: PlannedChange) async -> ChangeOutcome {
        guard let id = change.id, let after = change.after else {
            return .failed("the plan has no id or body for this link")
        }
        do {
            let body = try OdagLinkUpdate(json: after)
            _ = try await service.updateLink(id: id, body)
            return .succeeded(newId: nil)
        } catch  where service.isNotFound(error) {
            return .failed("link \(quoted(change.name)) (id \(id)) no longer exists on the server; run plan again")
        } catch {
            return .failed("\(error)")
        }
    }

    func create(_ change: PlannedChange) async -> ChangeOutcome {
        guard let after = change.after else { return .failed("the plan has no body for this link") }
        let body: OdagLinkCreate
        do {
            body = try OdagLinkCreate(json: after)
        } catch {
            return .failed("the planned body is not a valid link: \(error)")
        }
        var lastError = ""
        for _ in 0..<createAttempts {
            do {
                let link = try await service.createLink(body)
                return .succeeded(newId: link.id)
            } catch  where service.isOutcomeUnknown(error) {
                lastError = "\(error)"
                // The server may have created it: look before sending again.
                do {
                    let live = try await service.listLinks()
                    if let found = live.first(where: { isCreated($0, by: body) }) {
                        return .alreadyDone(
                            note: "the answer to the create was lost, but the server had created the link",
                            newId: found.id)
                    }
                } catch {
                    return .failed(
                        "the outcome of the create is unknown (\(lastError)) and re-reading the links failed (\(error)); run plan to see whether it exists before applying again"
                    )
                }
            } catch {
                return .failed("\(error)")
            }
        }
        return .failed("the create did not get an answer after \(createAttempts) attempts: \(lastError)")
    }

    /// Whether `link` is the one a create of `body` made: same name and apps, and not known before.
    func isCreated(_ link: OdagLink, by body: OdagLinkCreate) -> Bool {
        guard let id = link.id?.lowercased(), !knownIds.contains(id) else { return false }
        return link.name == body.name && link.selectionAppId?.lowercased() == body.selectionAppId.lowercased()
            && link.templateAppId?.lowercased() == body.templateAppId.lowercased()
    }
}

/// Whole milliseconds since `start`.
func milliseconds(since start: ContinuousClock.Instant) -> Int {
    let duration = ContinuousClock.now - start
    return Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
}

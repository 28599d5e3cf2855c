import ODAGCore
import ODAGTestSupport
import Synchronization
import Testing

@testable import ODAGSync

/// An in-memory server for the executor's logic (ordering, lost answers, failures). The wire is
/// tested against the emulator elsewhere.
final class InMemoryLinkService: LinkService {
    struct Lost: Error, CustomStringConvertible {
        var description: String { "connection dropped after the request was sent" }
    }
    struct NotFound: Error, CustomStringConvertible {
        var description: String { "404 not found" }
    }
    struct Refused: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    struct State {
        var links: [OdagLink] = []
        var log: [String] = []
        var loseCreateAnswers = 0
        var failNames: Set<String> = []
        var failCreateNames: Set<String> = []
        var running = 0
        var maxRunning = 0
        var nextId = 100
        /// Whom the server takes the requests to come from: the owner of the links it creates.
        var owner: String?
    }

    let state: Mutex<State>
    /// When set, every create waits here first, so a test can prove creates overlap.
    let barrier: Barrier?

    init(
        links: [OdagLink], loseCreateAnswers: Int = 0, failNames: Set<String> = [], failCreateNames: Set<String> = [],
        barrier: Barrier? = nil
    ) {
        state = Mutex(
            State(
                links: links, loseCreateAnswers: loseCreateAnswers, failNames: failNames,
                failCreateNames: failCreateNames))
        self.barrier = barrier
    }

    var links: [OdagLink] { state.withLock { $0.links } }
    var log: [String] { state.withLock { $0.log } }
    var maxRunning: Int { state.withLock { $0.maxRunning } }

    private func enter(_ entry: String) {
        state.withLock {
            $0.log.append(entry)
            $0.running += 1
            $0.maxRunning = max($0.maxRunning, $0.running)
        }
    }

    private func leave() { state.withLock { $0.running -= 1 } }

    func listLinks() async throws -> [OdagLink] { links }

    func createLink(_ body: OdagLinkCreate) async throws -> OdagLink {
        enter("create \(body.name)")
        defer { leave() }
        await barrier?.arrive()
        await Task.yield()
        return try state.withLock { state throws -> OdagLink in
            if state.failNames.contains(body.name) || state.failCreateNames.contains(body.name) {
                throw Refused(reason: "refused \(body.name)")
            }
            state.nextId += 1
            var link = OdagLink(
                id: PlanFixtures.id(state.nextId), name: body.name, selectionAppId: body.selectionAppId,
                templateAppId: body.templateAppId, properties: body.properties)
            link.owner = state.owner
            state.links.append(link)
            if state.loseCreateAnswers > 0 {
                state.loseCreateAnswers -= 1
                throw Lost()
            }
            return link
        }
    }

    func updateLink(id: String, _ body: OdagLinkUpdate) async throws -> OdagLink {
        enter("update \(body.name ?? "")")
        defer { leave() }
        await Task.yield()
        return try state.withLock { state throws -> OdagLink in
            if state.failNames.contains(body.name ?? "") { throw Refused(reason: "refused \(body.name ?? "")") }
            guard let index = state.links.firstIndex(where: { $0.id == id }) else { throw NotFound() }
            state.links[index].name = body.name ?? state.links[index].name
            state.links[index].properties = body.properties ?? state.links[index].properties
            return state.links[index]
        }
    }

    func deleteLink(id: String) async throws {
        enter("delete \(id)")
        defer { leave() }
        await Task.yield()
        try state.withLock { state throws in
            guard let index = state.links.firstIndex(where: { $0.id == id }) else { throw NotFound() }
            if state.failNames.contains(state.links[index].name ?? "") { throw Refused(reason: "refused delete") }
            state.links.remove(at: index)
        }
    }

    func isOutcomeUnknown(_ error: any Error) -> Bool { error is Lost }
    func isNotFound(_ error: any Error) -> Bool { error is NotFound }
}

@Suite struct ApplyExecutorTests {
    typealias F = PlanFixtures

    func plan(_ desired: [DeclaredLink], _ live: [OdagLink], prune: Bool = true) -> Plan {
        Planner.plan(desired: desired, live: live, options: F.options(prune: prune))
    }

    func executor(
        _ service: InMemoryLinkService, _ live: [OdagLink], parallelism: Int = 4,
        interruption: InterruptionFlag = InterruptionFlag()
    ) -> ApplyExecutor {
        ApplyExecutor(
            service: service, parallelism: parallelism, interruption: interruption,
            knownIds: Set(live.compactMap(\.id)))
    }

    @Test func aCreatedLinkWhoseOwnerIsOutsideTheScopeIsAFailedChangeNamingItsId() async throws {
        let scope = LinkScope(owners: ["CORP\\svc_odag"])
        let outside = InMemoryLinkService(links: [])
        outside.state.withLock { $0.owner = "INTERNAL\\sa_api" }
        let report = await ApplyExecutor(service: outside, knownIds: [], scope: scope).apply(
            plan([F.desired("New")], []))
        guard case .failed(let message)? = report.results.first?.outcome else {
            Issue.record("expected a failure, got \(report.results)")
            return
        }
        let id = try #require(outside.links.first?.id)
        #expect(message.contains("(id \(id))"), "\(message)")
        #expect(message.contains(#""INTERNAL\\sa_api""#), "\(message)")
        #expect(message.contains(#"scope.owners ["CORP\\svc_odag"]"#), "\(message)")
        #expect(message.contains("X-Qlik-User"), "\(message)")
        #expect(outside.links.count == 1, "the link exists and was not sent twice")

        // In scope (owners compare case-insensitively), or with no owners in the scope: done as before.
        for (owner, scope) in [("corp\\SVC_ODAG", scope), ("INTERNAL\\sa_api", LinkScope(namePrefix: "N"))] {
            let service = InMemoryLinkService(links: [])
            service.state.withLock { $0.owner = owner }
            let done = await ApplyExecutor(service: service, knownIds: [], scope: scope).apply(
                plan([F.desired("New")], []))
            #expect(done.results.first?.outcome == .succeeded(newId: service.links.first?.id), "\(done.results)")
        }
    }

    @Test func runsDeletesThenUpdatesThenCreatesAndConverges() async throws {
        let live = [
            try F.live(1, "Gone"), try F.live(2, "Changed", properties: ["rowEstExpr": "a"]),
            try F.live(3, "Moved", template: F.appB),
        ]
        let desired = [
            F.desired("Changed", properties: ["rowEstExpr": "b"]), F.desired("New"),
            F.desired("Moved", template: F.appC),
        ]
        let service = InMemoryLinkService(links: live)
        let report = await executor(service, live, parallelism: 1).apply(plan(desired, live))
        #expect(report.allSucceeded)
        #expect(
            service.log == ["delete \(F.id(1))", "delete \(F.id(3))", "update Changed", "create Moved", "create New"])
        #expect(report.results.map(\.change.action) == [.delete, .replace, .update, .create])
        let again = plan(desired, service.links)
        #expect(again.changes.isEmpty)
    }

    @Test func runsExactlyTheParallelismAtOnce() async throws {
        let desired = (0..<40).map { F.desired("L\($0)") }
        // The first three creates wait for each other: only three at once get past the barrier.
        let barrier = Barrier(count: 3)
        let service = InMemoryLinkService(links: [], barrier: barrier)
        let hangGuard = Task {
            try await Task.sleep(for: .seconds(120))
            barrier.giveUp()
        }
        defer { hangGuard.cancel() }
        let report = await executor(service, [], parallelism: 3).apply(plan(desired, []))
        #expect(barrier.filled, "three creates never ran at the same time")
        #expect(report.succeeded == 40)
        #expect(service.maxRunning == 3)
        #expect(service.links.count == 40)
    }

    @Test func aLostCreateAnswerIsResolvedByReadingNotByResending() async throws {
        let service = InMemoryLinkService(links: [], loseCreateAnswers: 5)
        let report = await executor(service, []).apply(plan([F.desired("A"), F.desired("B")], []))
        #expect(report.allSucceeded)
        #expect(report.results.allSatisfy { if case .alreadyDone = $0.outcome { true } else { false } })
        #expect(service.links.compactMap(\.name).sorted() == ["A", "B"], "no duplicates")
    }

    @Test func aFailedChangeDoesNotStopTheOthers() async throws {
        let live = [try F.live(1, "Bad", properties: ["rowEstExpr": "a"])]
        let desired = [F.desired("Bad", properties: ["rowEstExpr": "b"]), F.desired("Good"), F.desired("Worse")]
        let service = InMemoryLinkService(links: live, failNames: ["Bad", "Worse"])
        let report = await executor(service, live).apply(plan(desired, live))
        #expect(report.failed == 2)
        #expect(report.succeeded == 1)
        #expect(service.links.compactMap(\.name).sorted() == ["Bad", "Good"])
    }

    @Test func aReplaceWhoseDeleteFailsCreatesNothing() async throws {
        let live = [try F.live(1, "Stuck", template: F.appB)]
        let service = InMemoryLinkService(links: live, failNames: ["Stuck"])
        let report = await executor(service, live).apply(plan([F.desired("Stuck", template: F.appC)], live))
        guard case .failed(let message) = report.results[0].outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.hasPrefix("deleting the old link failed, nothing was changed"))
        #expect(service.links.count == 1)
    }

    @Test func aReplaceWhoseCreateFailsReportsTheDeletedLinkAndTheNextPlanCreatesIt() async throws {
        let live = [
            try F.live(1, "Lost", template: F.appB, properties: ["rowEstExpr": "1", "menuLabel": "server only"])
        ]
        let desired = [F.desired("Lost", template: F.appC, properties: ["rowEstExpr": "1"])]
        let service = InMemoryLinkService(links: live, failCreateNames: ["Lost"])
        let report = await executor(service, live).apply(plan(desired, live))
        #expect(service.links.isEmpty, "the delete went through")
        let result = report.results[0]
        guard case .failed(let message) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(message.hasPrefix("the old link was deleted but creating the new one failed"))
        #expect(result.deletedLink == live[0].json, "the whole live definition, undeclared fields included")
        #expect(result.deletedLink?["properties"]?["menuLabel"] == "server only")
        #expect(report.lostLinks.map(\.change.name) == ["Lost"])
        let text = ApplyReportRenderer(unicode: false).renderText(report)
        #expect(text.contains("    the deleted link, as it was: {"), "\(text)")
        #expect(text.contains(#""menuLabel":"server only""#), "\(text)")
        #expect(ApplyReportRenderer().json(report)["results"]?.arrayValue?.first?["deletedLink"] == live[0].json)

        let next = plan(desired, service.links)
        #expect(next.changes.map(\.action) == [.create], "the next apply creates it from its declaration")
        let healthy = InMemoryLinkService(links: service.links)
        #expect(await executor(healthy, service.links).apply(next).allSucceeded)
        #expect(healthy.links.map(\.name) == ["Lost"])
    }

    @Test func aReplaceWhoseCreateBodyIsInvalidDeletesNothing() async throws {
        let live = [try F.live(1, "Kept", template: F.appB)]
        var replace = plan([F.desired("Kept", template: F.appC)], live)
        replace.changes[0].after = ["name": "Kept", "selectionAppId": "not a uuid", "templateAppId": .string(F.appC)]
        let service = InMemoryLinkService(links: live)
        let report = await executor(service, live).apply(replace)
        #expect(service.log.isEmpty, "nothing was sent: \(service.log)")
        #expect(service.links.count == 1)
        guard case .failed(let message) = report.results[0].outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("the planned body is not a valid link"))
        #expect(message.contains("the old link was not deleted"))
        #expect(report.results[0].deletedLink == nil)
    }

    @Test func aReplaceInterruptedBetweenItsHalvesIsAFailureWithTheDeletedLink() async throws {
        let live = [try F.live(1, "Half", template: F.appB), try F.live(2, "Upd", properties: ["rowEstExpr": "1"])]
        let desired = [F.desired("Half", template: F.appC), F.desired("Upd", properties: ["rowEstExpr": "2"])]
        let service = InMemoryLinkService(links: live)
        let flag = InterruptionFlag()
        // A replace reports nothing after its delete: the update, which runs between its halves, interrupts.
        let executor = ApplyExecutor(
            service: service, parallelism: 1, interruption: flag, knownIds: Set(live.compactMap(\.id)),
            progress: { _ in flag.interrupt() })
        let report = await executor.apply(plan(desired, live))
        let half = try #require(report.results.first { $0.change.action == .replace })
        guard case .failed(let message) = half.outcome else {
            Issue.record("expected a failure, got \(half.outcome)")
            return
        }
        #expect(message.contains("interrupted before the new one was created"))
        #expect(half.deletedLink == live[0].json)
        #expect(!service.links.contains { $0.name == "Half" })
    }

    @Test func anInterruptionStopsNewChangesAndReportsThem() async throws {
        let desired = (0..<10).map { F.desired("L\($0)") }
        let service = InMemoryLinkService(links: [])
        let flag = InterruptionFlag()
        let executor = ApplyExecutor(
            service: service, parallelism: 1, interruption: flag, knownIds: [],
            progress: { _ in flag.interrupt() })
        let report = await executor.apply(plan(desired, []))
        #expect(report.interrupted)
        #expect(report.succeeded == 1)
        #expect(report.notStarted == 9)
        #expect(service.links.count == 1)
    }

    @Test func deletingALinkThatIsAlreadyGoneSucceeds() async throws {
        let live = [try F.live(1, "Gone")]
        let service = InMemoryLinkService(links: [])
        let report = await executor(service, live).apply(plan([F.desired("Other")], live))
        #expect(report.allSucceeded)
        #expect(report.results[0].outcome == .alreadyDone(note: "the link was already gone", newId: nil))
    }
}

@Suite struct SafetyAndStalenessTests {
    typealias F = PlanFixtures

    @Test func refusesTooManyDeletesUnlessForced() throws {
        let live = try (1...20).map { try F.live($0, "L\($0)") }
        let desired = (1...12).map { F.desired("L\($0)") }
        let plan = Planner.plan(desired: desired, live: live, options: F.options(prune: true))
        #expect(plan.summary.delete == 8)
        let refusals = SafetyCheck.refusals(for: plan, limits: SafetyLimits(maxDeletes: 5), forceDeletes: false)
        #expect(
            refusals == [
                "the plan deletes 8 links, more than safety.maxDeletes (5)",
                "the plan deletes 8 of 20 links in scope (40 %), more than safety.maxDeletePercent (30 %)",
            ])
        #expect(SafetyCheck.refusals(for: plan, limits: SafetyLimits(maxDeletes: 5), forceDeletes: true).isEmpty)
        #expect(
            SafetyCheck.refusals(for: plan, limits: SafetyLimits(maxDeletePercent: 50), forceDeletes: false).isEmpty)
    }

    @Test func replacesCountAsDeletesForTheLimits() throws {
        let live = try (1...10).map { try F.live($0, "L\($0)", template: F.appB) }
        let desired = (1...10).map { F.desired("L\($0)", template: $0 <= 4 ? F.appC : F.appB) }
        let plan = Planner.plan(desired: desired, live: live, options: F.options())
        #expect(plan.summary.replace == 4)
        #expect(plan.summary.delete == 0)
        let refusals = SafetyCheck.refusals(for: plan, limits: SafetyLimits(maxDeletes: 3), forceDeletes: false)
        #expect(
            refusals == [
                "the plan deletes 4 links (4 of them replaced: deleted and created again), more than safety.maxDeletes (3)",
                "the plan deletes 4 of 10 links in scope (4 of them replaced: deleted and created again) (40 %), more than safety.maxDeletePercent (30 %)",
            ])
        #expect(SafetyCheck.refusals(for: plan, limits: SafetyLimits(maxDeletes: 3), forceDeletes: true).isEmpty)
        #expect(
            SafetyCheck.refusals(
                for: plan, limits: SafetyLimits(maxDeletes: 4, maxDeletePercent: 40), forceDeletes: false
            ).isEmpty)
    }

    @Test func aReplacePlanSaysTheNewLinkGetsANewId() throws {
        let live = [try F.live(1, "R", template: F.appB)]
        let plan = Planner.plan(desired: [F.desired("R", template: F.appC)], live: live, options: F.options())
        let reason = try #require(plan.changes.first?.reason)
        #expect(reason.contains("created again with a new id"))
        #expect(reason.contains("selection-app buttons that point at the old id stop working until re-pointed"))
        #expect(plan.json["changes"]?.arrayValue?.first?["reason"] == .string(reason))
        #expect(PlanTextRenderer().render(plan).contains(reason))
        #expect(PlanMarkdownRenderer().render(plan).contains("with a new id"))
    }

    @Test func thePercentLimitStartsAtTenLinks() throws {
        let live = try (1...9).map { try F.live($0, "L\($0)") }
        let plan = Planner.plan(desired: [F.desired("L1")], live: live, options: F.options(prune: true))
        #expect(SafetyCheck.refusals(for: plan, limits: SafetyLimits(), forceDeletes: false).isEmpty)
    }

    @Test func emptyManifestsWithPruningAreAlwaysRefused() throws {
        let live = [try F.live(1, "L1")]
        let plan = Planner.plan(desired: [], live: live, options: F.options(prune: true))
        let refusals = SafetyCheck.refusals(for: plan, limits: SafetyLimits(), forceDeletes: true)
        #expect(refusals.count == 1)
        #expect(refusals[0].hasPrefix("pruning with manifests that declare no links is always refused"))
    }

    @Test func namesEachLinkThatChangedSinceThePlan() throws {
        let live = [try F.live(1, "A", properties: ["rowEstExpr": "1"]), try F.live(2, "B")]
        let desired = [
            F.desired("A", properties: ["rowEstExpr": "2"]), F.desired("B", template: F.appC), F.desired("C"),
        ]
        let plan = Planner.plan(desired: desired, live: live, options: F.options())
        #expect(StalePlanCheck.problems(plan: plan, live: live, scope: LinkScope()).isEmpty)
        var changed = live
        changed[0].properties?.rowEstExpr = "3"
        changed.remove(at: 1)
        changed.append(try F.live(3, "C"))
        #expect(
            StalePlanCheck.problems(plan: plan, live: changed, scope: LinkScope()) == [
                "link \"B\" (id \(F.id(2))) was deleted since the plan was made",
                "link \"A\" (id \(F.id(1))) changed since the plan was made: properties.rowEstExpr: \"1\" → \"3\"",
                "link \"C\" appeared on the server since the plan was made (id \(F.id(3)))",
            ])
    }

    @Test func aReorderingOfBindingsIsNotAChange() throws {
        let bindings: JSONValue = [
            ["selectionField": "A", "templateField": "A", "selectionType": "required"],
            ["selectionField": "B", "templateField": "B", "selectionType": "optional"],
        ]
        let live = [try F.live(1, "L", properties: ["bindings": bindings, "rowEstExpr": "1"])]
        let plan = Planner.plan(
            desired: [F.desired("L", properties: ["rowEstExpr": "2"])], live: live, options: F.options())
        #expect(plan.changes.map(\.action) == [.update])
        var reordered = live
        reordered[0].properties?.bindings?.reverse()
        #expect(reordered[0].json != live[0].json)
        #expect(StalePlanCheck.problems(plan: plan, live: reordered, scope: LinkScope()).isEmpty)
        var changed = live
        changed[0].properties?.bindings?[0].selectionType = "optional"
        #expect(StalePlanCheck.problems(plan: plan, live: changed, scope: LinkScope()).count == 1)
    }

    @Test func aCreateIsStaleOnlyWhenExactlyItsNameAppeared() throws {
        let plan = Planner.plan(desired: [F.desired("Caf\u{E9}")], live: [], options: F.options())
        let lookalike = [try F.live(1, "Cafe\u{301}")]
        #expect(StalePlanCheck.problems(plan: plan, live: lookalike, scope: LinkScope()).isEmpty)
        let same = [try F.live(1, "Caf\u{E9}")]
        #expect(StalePlanCheck.problems(plan: plan, live: same, scope: LinkScope()).count == 1)
    }

    @Test func aNameChangedOnlyInItsScalarsMakesAPlanStale() throws {
        let live = [try F.live(1, "Caf\u{E9}", properties: ["rowEstExpr": "1"])]
        let plan = Planner.plan(
            desired: [F.desired("Caf\u{E9}", properties: ["rowEstExpr": "2"])], live: live, options: F.options())
        var renamed = live
        renamed[0].name = "Cafe\u{301}"
        #expect(StalePlanCheck.problems(plan: plan, live: renamed, scope: LinkScope()).count == 1)
    }
}

import ODAGCore
import Synchronization
import Testing

@testable import ODAGSync

/// An in-memory server speaking Qlik's shapes, for the executor's `qseow` rules: the `modifiedDate`
/// check, a status setting that changes only the status, `incomplete` links, feedback, lost answers
/// and another writer changing a link meanwhile. The wire is tested against the emulator elsewhere.
final class InMemoryQseowService: LinkService {
    typealias Lost = InMemoryLinkService.Lost
    typealias NotFound = InMemoryLinkService.NotFound
    struct Stale: Error, CustomStringConvertible {
        var description: String { "409 conflict: modifiedDate is stale" }
    }
    /// Qlik's `404` for a modify that names an object (a template app) that does not exist.
    struct MissingApp: Error, CustomStringConvertible {
        let id: String
        var message: String { "app \(id) was not found" }
        var description: String { "404: \(message)" }
    }
    struct Unsupported: Error, CustomStringConvertible {
        let what: String
        var description: String { "\(what) is not in Qlik's API" }
    }

    struct State {
        /// Each link as the server would send it, in creation order.
        var links: [JSONValue] = []
        /// Every request, `METHOD name-or-id`.
        var log: [String] = []
        /// Every modify payload, in order.
        var modifyBodies: [JSONValue] = []
        /// Every add payload, in order.
        var createBodies: [JSONValue] = []
        var nextId = 500
        var clock = 0
        /// Creates that are carried out and whose answer is then lost.
        var loseCreateAnswers = 0
        /// Creates that are lost before they reach the server.
        var loseCreateRequests = 0
        /// Modifies that are carried out and whose answer is then lost.
        var loseModifyAnswers = 0
        /// Modifies that are carried out and then refused as stale, as the client's retry of a PUT whose
        /// answer was lost is.
        var staleAfterApplying = 0
        /// How many times another writer changes the link just before one of our PUTs arrives.
        var interferences = 0
        /// Template apps that do not exist: a link using one is left `incomplete`.
        var missingTemplates: Set<String> = []
        /// Feedback every write answers with.
        var feedback: [JSONValue] = []
        /// Template apps the server does not know: a modify naming one is refused with `404`.
        var unknownApps: Set<String> = []
        /// The owner of the links it creates (whom the server takes the requests to come from).
        var owner: JSONValue = ["id": "u1", "userId": "svc", "userDirectory": "CORP", "name": "Service"]
    }

    let state: Mutex<State>

    init(_ state: State = State()) {
        self.state = Mutex(state)
    }

    var log: [String] { state.withLock { $0.log } }
    var modifyBodies: [JSONValue] { state.withLock { $0.modifyBodies } }
    var wires: [JSONValue] { state.withLock { $0.links } }

    func wire(_ id: String) -> JSONValue? { state.withLock { s in s.links.first { $0["id"]?.stringValue == id } } }

    /// Adds a live link in Qlik's shape and answers its id.
    @discardableResult
    func seed(
        _ name: String, template: String = PlanFixtures.appB, status: String = "active", rowEstExpr: String = "a",
        properties: JSONValue = ["menuLabel": [["context": "*", "label": "server side"]]]
    ) -> String {
        state.withLock { s in
            s.nextId += 1
            s.clock += 1
            let id = PlanFixtures.id(s.nextId)
            s.links.append(
                Self.link(
                    id: id, name: name, template: template, status: status, date: Self.date(s.clock),
                    fields: ["rowEstExpr": .string(rowEstExpr), "properties": properties]))
            return id
        }
    }

    static func date(_ tick: Int) -> JSONValue {
        .string("2026-03-01T10:00:\(tick < 10 ? "0" : "")\(tick).000Z")
    }

    static func link(
        id: String, name: String, template: String, status: String, date: JSONValue, fields: [String: JSONValue]
    ) -> JSONValue {
        var members = fields
        members["id"] = .string(id)
        members["name"] = .string(name)
        members["status"] = .string(status)
        members["createdDate"] = date
        members["modifiedDate"] = date
        members["owner"] = ["id": "u1", "userId": "svc", "userDirectory": "CORP", "name": "Service"]
        members["templateApp"] = ["id": .string(template), "name": "Template"]
        return .object(members)
    }

    func answer(_ link: JSONValue, feedback: [JSONValue]) throws -> QseowLinkAnswer {
        try QseowLinkAnswer(json: ["objectDef": link, "feedback": .array(feedback)])
    }

    func listLinks() async throws -> [OdagLink] {
        try state.withLock { s in try s.links.map { try OdagLink(qseowJSON: $0) } }
    }

    func createLink(_ body: OdagLinkCreate) async throws -> OdagLink {
        throw Unsupported(what: "the document's create")
    }
    func updateLink(id: String, _ body: OdagLinkUpdate) async throws -> OdagLink {
        throw Unsupported(what: "the document's update")
    }
    func deleteLink(id: String) async throws {
        state.withLock { $0.log.append("DELETE \(id)") }
        throw Unsupported(what: "DELETE /links/{id}")
    }

    func createQseowLink(_ body: JSONValue) async throws -> QseowLinkAnswer {
        await Task.yield()
        return try state.withLock { s throws -> QseowLinkAnswer in
            s.log.append("POST \(body["name"]?.stringValue ?? "")")
            s.createBodies.append(body)
            if s.loseCreateRequests > 0 {
                s.loseCreateRequests -= 1
                throw Lost()
            }
            s.nextId += 1
            s.clock += 1
            let template = body["templateApp"]?.stringValue ?? ""
            var fields = body.objectValue ?? [:]
            for key in ["name", "selectionApp", "templateApp", "statusSetting"] { fields[key] = nil }
            let status =
                s.missingTemplates.contains(template)
                ? "incomplete" : body["statusSetting"]?.stringValue == "disable" ? "disabled" : "active"
            var link = Self.link(
                id: PlanFixtures.id(s.nextId), name: body["name"]?.stringValue ?? "", template: template,
                status: status,
                date: Self.date(s.clock), fields: fields)
            if case .object(var members) = link {
                members["owner"] = s.owner
                link = .object(members)
            }
            s.links.append(link)
            if s.loseCreateAnswers > 0 {
                s.loseCreateAnswers -= 1
                throw Lost()
            }
            var feedback = s.feedback
            if status == "incomplete" {
                feedback.append(["infoType": "WARN", "content": .string("template app \(template) not found")])
            }
            return try answer(link, feedback: feedback)
        }
    }

    func modifyQseowLink(id: String, _ body: JSONValue) async throws -> QseowLinkAnswer {
        await Task.yield()
        return try state.withLock { s throws -> QseowLinkAnswer in
            s.log.append("PUT \(id)")
            s.modifyBodies.append(body)
            guard let index = s.links.firstIndex(where: { $0["id"]?.stringValue == id }),
                case .object(var link) = s.links[index]
            else { throw NotFound() }
            if let template = body["templateApp"]?.stringValue, s.unknownApps.contains(template) {
                throw MissingApp(id: template)
            }
            s.clock += 1
            if s.interferences > 0 {
                // Someone else renames a property the declaration does not manage.
                s.interferences -= 1
                link["modifiedDate"] = Self.date(s.clock)
                link["properties"] = ["menuLabel": [["context": "*", "label": .string("their change \(s.clock)")]]]
                s.links[index] = .object(link)
                s.clock += 1
            }
            guard body["modifiedDate"] == link["modifiedDate"] else { throw Stale() }
            if let setting = body["statusSetting"]?.stringValue {
                // A status setting changes only the status, as Qlik Cloud documents.
                if link["status"] != "incomplete" {
                    link["status"] = .string(
                        ["activate": "active", "disable": "disabled"][setting] ?? "decommissioned")
                }
            } else {
                for (key, value) in body.objectValue ?? [:] where key != "modifiedDate" {
                    link[key] = key == "templateApp" ? ["id": value, "name": "Template"] : value
                }
                if let template = body["templateApp"]?.stringValue, !s.missingTemplates.contains(template),
                    link["status"] == "incomplete"
                {
                    link["status"] = "active"
                }
            }
            link["modifiedDate"] = Self.date(s.clock)
            s.links[index] = .object(link)
            if s.loseModifyAnswers > 0 {
                s.loseModifyAnswers -= 1
                throw Lost()
            }
            if s.staleAfterApplying > 0 {
                s.staleAfterApplying -= 1
                throw Stale()
            }
            return try answer(.object(link), feedback: s.feedback)
        }
    }

    func readQseowLink(id: String) async throws -> QseowLinkAnswer {
        try state.withLock { s throws -> QseowLinkAnswer in
            s.log.append("GET \(id)")
            guard let link = s.links.first(where: { $0["id"]?.stringValue == id }) else { throw NotFound() }
            return try answer(link, feedback: [])
        }
    }

    func isOutcomeUnknown(_ error: any Error) -> Bool { error is Lost }
    func isNotFound(_ error: any Error) -> Bool { error is NotFound || error is MissingApp }
    func isStaleModifiedDate(_ error: any Error) -> Bool { error is Stale }
    func serverMessage(of error: any Error) -> String? { (error as? MissingApp)?.message }
}

@Suite struct QseowApplyExecutorTests {
    typealias F = PlanFixtures

    /// Stands in for the planner's modify payload: the declared `rowEstExpr` over the link as it is now.
    static let rebuild: @Sendable (PlannedChange, OdagLink) -> JSONValue? = { change, live in
        guard let declared = change.after?["rowEstExpr"] else { return nil }
        return ["modifiedDate": live.qseow?.wire["modifiedDate"] ?? .null, "rowEstExpr": declared]
    }

    func executor(
        _ service: InMemoryQseowService, stale: StaleChangePolicy = .reapply(rebuild: rebuild)
    ) async throws -> ApplyExecutor {
        let known = try await service.listLinks().compactMap(\.id)
        return ApplyExecutor(service: service, parallelism: 2, knownIds: Set(known), staleChanges: stale)
    }

    /// The first result's failure message, if it failed.
    static func failure(_ report: ApplyReport) -> String? {
        guard case .failed(let message)? = report.results.first?.outcome else { return nil }
        return message
    }

    func plan(_ changes: [PlannedChange]) -> Plan {
        Plan(server: "test", generatedAt: "2026-03-01T00:00:00Z", changes: changes, api: .qseow)
    }

    func update(_ service: InMemoryQseowService, _ id: String, _ fields: [String: JSONValue]) throws -> PlannedChange {
        let live = try #require(service.wire(id))
        var body = fields
        body["modifiedDate"] = live["modifiedDate"]
        return PlannedChange(
            action: .update, name: live["name"]?.stringValue ?? "", id: id, before: live, after: .object(body),
            source: "links.json: links[0]")
    }

    func create(_ name: String, template: String = F.appB) -> PlannedChange {
        PlannedChange(
            action: .create, name: name,
            after: ["name": .string(name), "selectionApp": .string(F.appA), "templateApp": .string(template)])
    }

    func retirement(_ service: InMemoryQseowService, _ id: String) throws -> PlannedChange {
        let live = try #require(service.wire(id))
        return PlannedChange(
            action: .retire, name: live["name"]?.stringValue ?? "", id: id, before: live,
            after: ["modifiedDate": live["modifiedDate"] ?? .null, "statusSetting": "decommission"])
    }

    @Test func aStatusChangeBesideOtherFieldsIsItsOwnPutWithTheDateTheFirstAnswerReturned() async throws {
        let service = InMemoryQseowService()
        let id = service.seed("Sales")
        let change = try update(service, id, ["rowEstExpr": "b", "statusSetting": "disable"])
        let report = try await executor(service).apply(plan([change]))
        #expect(report.allSucceeded, "\(report.results)")
        let bodies = service.modifyBodies
        try #require(bodies.count == 2)
        #expect(bodies[0]["statusSetting"] == nil)
        #expect(bodies[0]["rowEstExpr"] == "b")
        #expect(bodies[1].objectValue?.keys.sorted() == ["modifiedDate", "statusSetting"])
        #expect(bodies[1]["statusSetting"] == "disable")
        #expect(bodies[1]["modifiedDate"] != change.after?["modifiedDate"], "the first answer's date, not the plan's")
        let link = try #require(service.wire(id))
        #expect(link["status"] == "disabled")
        #expect(link["rowEstExpr"] == "b")
        #expect(!service.log.contains { $0.hasPrefix("DELETE") })
    }

    @Test func aStatusChangeWhoseOtherFieldsAreTheLiveOnesIsOneStatusPut() async throws {
        let service = InMemoryQseowService()
        let id = service.seed("Sales", template: F.appB.uppercased())
        let live = try #require(service.wire(id))
        // As the planner sends it: the live fields overlaid with the declared (equal) ones, and the status.
        let fields: [String: JSONValue] = [
            "name": "Sales", "templateApp": .string(F.appB), "rowEstExpr": "a",
            "properties": live["properties"] ?? .null, "statusSetting": "disable",
        ]
        let report = try await executor(service).apply(plan([try update(service, id, fields)]))
        #expect(report.allSucceeded, "\(report.results)")
        #expect(service.log == ["PUT \(id)"], "no field PUT")
        #expect(service.modifyBodies.first?.objectValue?.keys.sorted() == ["modifiedDate", "statusSetting"])
        #expect(service.modifyBodies.first?["modifiedDate"] == live["modifiedDate"])
        #expect(service.wire(id)?["status"] == "disabled")
    }

    @Test func aModify404ForALinkThatExistsBlamesTheReferencedAppQuotingTheServer() async throws {
        let unknown = "dead0000-0000-4000-8000-000000000009"
        let service = InMemoryQseowService(InMemoryQseowService.State(unknownApps: [unknown]))
        let id = service.seed("Sales")
        let report = try await executor(service).apply(
            plan([try update(service, id, ["templateApp": .string(unknown)])]))
        let message = try #require(Self.failure(report), "expected a failure, got \(report.results)")
        #expect(
            message.hasPrefix("the server refused the change (404): \"app \(unknown) was not found\""), "\(message)")
        #expect(message.contains("the link exists, so a referenced app id is probably wrong"), "\(message)")
        #expect(!message.contains("no longer exists"), "\(message)")
        #expect(service.log == ["PUT \(id)", "GET \(id)"])
    }

    @Test func aModify404ForALinkThatIsGoneSaysSo() async throws {
        let service = InMemoryQseowService()
        let id = service.seed("Sales")
        let change = try update(service, id, ["rowEstExpr": "b"])
        service.state.withLock { $0.links = [] }
        let report = try await executor(service).apply(plan([change]))
        let message = try #require(Self.failure(report), "expected a failure, got \(report.results)")
        #expect(message == ApplyExecutor.gone(change, id: id))
        #expect(service.log == ["PUT \(id)", "GET \(id)"])
    }

    @Test func aCreatedLinkWhoseOwnerIsOutsideTheScopeIsAFailedChange() async throws {
        let service = InMemoryQseowService()
        let scope = LinkScope(owners: ["CORP\\svc_odag"])
        let report = await ApplyExecutor(service: service, knownIds: [], scope: scope).apply(plan([create("New")]))
        let message = try #require(Self.failure(report), "expected a failure, got \(report.results)")
        let id = try #require(service.wires.first?["id"]?.stringValue)
        #expect(message.contains("(id \(id))"), "\(message)")
        #expect(message.contains(#"owned by "CORP\\svc""#), "\(message)")
        #expect(message.contains(#"scope.owners ["CORP\\svc_odag"]"#), "\(message)")
        #expect(message.contains("X-Qlik-User"), "\(message)")
        #expect(service.log == ["POST New"], "the link exists and is not sent again")

        let inScope = InMemoryQseowService(
            InMemoryQseowService.State(owner: ["id": "u2", "userId": "SVC_ODAG", "userDirectory": "corp"]))
        let done = await ApplyExecutor(service: inScope, knownIds: [], scope: scope).apply(plan([create("New")]))
        #expect(done.allSucceeded, "\(done.results)")
    }

    @Test func aStatusChangeAloneIsOnePut() async throws {
        let service = InMemoryQseowService()
        let id = service.seed("Sales", status: "disabled")
        let report = try await executor(service).apply(plan([try update(service, id, ["statusSetting": "activate"])]))
        #expect(report.allSucceeded)
        #expect(service.modifyBodies.count == 1)
        #expect(service.wire(id)?["status"] == "active")
    }

    @Test func aStaleUpdateIsReappliedOnceOverTheirChangesWhenApplyingManifests() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(interferences: 1))
        let id = service.seed("Sales")
        let report = try await executor(service).apply(plan([try update(service, id, ["rowEstExpr": "b"])]))
        let result = try #require(report.results.first)
        #expect(result.outcome == .succeeded(newId: nil), "\(result.outcome)")
        #expect(result.notes == [ApplyExecutor.reappliedNote])
        #expect(service.log == ["PUT \(id)", "GET \(id)", "PUT \(id)"])
        let link = try #require(service.wire(id))
        #expect(link["rowEstExpr"] == "b", "the declared field")
        #expect(
            link["properties"]?["menuLabel"]?.arrayValue?.first?["label"]?.stringValue?.hasPrefix("their change")
                == true)
        let text = ApplyReportRenderer(unicode: false).renderText(report)
        #expect(
            text.contains(
                "    note: the link changed since it was read (stale modifiedDate): re-read it and re-applied"))
        #expect(
            ApplyReportRenderer().json(report)["results"]?.arrayValue?.first?["notes"] == [
                .string(ApplyExecutor.reappliedNote)
            ])
    }

    @Test func aSecondStaleAnswerIsAFailure() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(interferences: 2))
        let id = service.seed("Sales")
        let report = try await executor(service).apply(plan([try update(service, id, ["rowEstExpr": "b"])]))
        let message = try #require(Self.failure(report), "expected a failure, got \(report.results)")
        #expect(message.contains("stale modifiedDate twice"))
        #expect(service.log == ["PUT \(id)", "GET \(id)", "PUT \(id)"], "re-applied once, not again")
        #expect(service.wire(id)?["rowEstExpr"] == "a")
    }

    @Test func aStaleUpdateFromAPlanFileFailsAndWritesNothingUnreviewed() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(interferences: 1))
        let id = service.seed("Sales")
        let report = try await executor(service, stale: .fail).apply(
            plan([try update(service, id, ["rowEstExpr": "b"])]))
        let message = try #require(Self.failure(report), "expected a failure, got \(report.results)")
        #expect(message.contains("the link changed since it was read"))
        #expect(message.contains("make a new plan"))
        #expect(service.log == ["PUT \(id)", "GET \(id)"], "read to see whether it is in effect, not re-sent")
        #expect(service.wire(id)?["rowEstExpr"] == "a")
    }

    @Test func aStaleUpdateWithoutADeclarationToRebuildFromFails() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(interferences: 1))
        let id = service.seed("Sales")
        let report = try await executor(service, stale: .reapply(rebuild: { _, _ in nil })).apply(
            plan([try update(service, id, ["rowEstExpr": "b"])]))
        #expect(report.failed == 1)
        #expect(service.log == ["PUT \(id)", "GET \(id)"])
    }

    @Test func aLostUpdateAnswerFoundInEffectIsDoneWithoutResending() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(loseModifyAnswers: 1))
        let id = service.seed("Sales")
        let report = try await executor(service, stale: .fail).apply(
            plan([try update(service, id, ["rowEstExpr": "b"])]))
        #expect(
            report.results.first?.outcome == .alreadyDone(note: ApplyExecutor.lostInEffectNote, newId: nil),
            "\(report.results)")
        #expect(service.log == ["PUT \(id)", "GET \(id)"])
        #expect(service.wire(id)?["rowEstExpr"] == "b")
    }

    @Test func aLostFieldsAnswerBeforeTheStatusIsNotInEffectFromAPlanFile() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(loseModifyAnswers: 1))
        let id = service.seed("Sales")
        let report = try await executor(service, stale: .fail).apply(
            plan([try update(service, id, ["rowEstExpr": "b", "statusSetting": "disable"])]))
        #expect(report.failed == 1, "the status was never sent, and nothing unreviewed is")
        #expect(service.log == ["PUT \(id)", "GET \(id)"])
        #expect(service.wire(id)?["status"] == "active")
    }

    @Test func aStaleRefusalOfOurOwnAppliedChangeIsDoneEvenFromAPlanFile() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(staleAfterApplying: 1))
        let id = service.seed("Sales")
        let report = try await executor(service, stale: .fail).apply(
            plan([try update(service, id, ["rowEstExpr": "b"])]))
        #expect(
            report.results.first?.outcome == .alreadyDone(note: ApplyExecutor.staleInEffectNote, newId: nil),
            "\(report.results)")
        #expect(service.log == ["PUT \(id)", "GET \(id)"], "nothing sent again")
    }

    @Test func aLostAnswerNotInEffectIsReappliedFromManifestsAndFailsFromAPlanFile() async throws {
        // The PUT is lost before the server sees it: the link is unchanged.
        let fromPlan = InMemoryQseowService()
        let first = fromPlan.seed("Sales")
        let lostRequest = LostRequestService(fromPlan)
        let failed = await ApplyExecutor(service: lostRequest, knownIds: [first], staleChanges: .fail).apply(
            plan([try update(fromPlan, first, ["rowEstExpr": "b"])]))
        #expect(failed.failed == 1)
        #expect(fromPlan.wire(first)?["rowEstExpr"] == "a")

        let fromManifests = InMemoryQseowService()
        let second = fromManifests.seed("Sales")
        let reapplied = await ApplyExecutor(
            service: LostRequestService(fromManifests), knownIds: [second],
            staleChanges: .reapply(rebuild: Self.rebuild)
        ).apply(plan([try update(fromManifests, second, ["rowEstExpr": "b"])]))
        #expect(reapplied.results.first?.outcome == .succeeded(newId: nil), "\(reapplied.results)")
        #expect(reapplied.results.first?.notes == [ApplyExecutor.lostReappliedNote])
        #expect(fromManifests.wire(second)?["rowEstExpr"] == "b")
    }

    @Test func anIncompleteCreateFailsQuotingQlikAndTheLinkIsThere() async throws {
        let missing = "dead0000-0000-4000-8000-000000000001"
        let service = InMemoryQseowService(InMemoryQseowService.State(missingTemplates: [missing]))
        let report = try await executor(service).apply(plan([create("Sales", template: missing)]))
        let message = try #require(Self.failure(report), "expected a failure, got \(report.results)")
        #expect(message.contains("left the link incomplete"))
        #expect(message.contains("WARN: template app \(missing) not found"))
        #expect(report.results.first?.warnings.map(\.content) == ["template app \(missing) not found"])
        let live = try await service.listLinks()
        #expect(live.map(\.name) == ["Sales"], "the link exists, so the next plan updates it")
        #expect(live.first?.status == "incomplete")
    }

    @Test func anIncompleteUpdateAnswerFailsAndStopsBeforeTheStatus() async throws {
        let missing = "dead0000-0000-4000-8000-000000000002"
        let service = InMemoryQseowService(InMemoryQseowService.State(missingTemplates: [missing]))
        let id = service.seed("Sales", template: missing, status: "incomplete")
        let report = try await executor(service).apply(
            plan([try update(service, id, ["rowEstExpr": "b", "statusSetting": "disable"])]))
        let message = try #require(Self.failure(report), "expected a failure, got \(report.results)")
        #expect(message.contains("left the link incomplete"))
        #expect(service.modifyBodies.count == 1, "no status PUT for an incomplete link")
    }

    @Test func everyAnswersWarningsAreOnTheResultAndEscapedInTheReport() async throws {
        let service = InMemoryQseowService(
            InMemoryQseowService.State(feedback: [
                ["infoType": "INFO", "content": "all fine"],
                ["infoType": "WARN", "content": "sheet \u{1B}[2Jgone"],
            ]))
        let id = service.seed("Sales")
        let report = try await executor(service).apply(
            plan([try update(service, id, ["rowEstExpr": "b", "statusSetting": "disable"]), create("New")]))
        #expect(report.allSucceeded)
        let warnings = report.results.map { $0.warnings.compactMap(\.content) }
        #expect(warnings == [["sheet \u{1B}[2Jgone", "sheet \u{1B}[2Jgone"], ["sheet \u{1B}[2Jgone"]])
        let text = ApplyReportRenderer(unicode: false).renderText(report)
        #expect(text.contains("    server warning: WARN: sheet \\u001b[2Jgone"))
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("all fine"), "INFO feedback is not a warning")
        let json = ApplyReportRenderer().json(report)
        #expect(
            json["results"]?.arrayValue?.last?["warnings"] == [["infoType": "WARN", "content": "sheet \u{1B}[2Jgone"]])
        #expect(!ApplyReportRenderer().jsonText(report).contains("\u{1B}"), "escaped in JSON text too")
    }

    @Test func aLostCreateAnswerIsSettledByReadingNeverADuplicate() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(loseCreateAnswers: 1))
        // A retired link of the same name and template was live before: it is not the new one.
        let old = service.seed("Sales", status: "decommissioned")
        let report = try await executor(service).apply(plan([create("Sales")]))
        guard case .alreadyDone(_, let newId)? = report.results.first?.outcome else {
            Issue.record("expected already done, got \(report.results)")
            return
        }
        #expect(newId != nil && newId != old)
        #expect(service.log.filter { $0.hasPrefix("POST") }.count == 1, "not re-sent")
        #expect(service.wires.count == 2)
    }

    @Test func aCreateLostBeforeTheServerIsSentAgainOnce() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(loseCreateRequests: 1))
        let report = try await executor(service).apply(plan([create("Sales")]))
        #expect(report.allSucceeded, "\(report.results)")
        #expect(service.log.filter { $0.hasPrefix("POST") }.count == 2)
        #expect(service.wires.count == 1)
    }

    @Test func aRetireDecommissionsAndNeverDeletes() async throws {
        let service = InMemoryQseowService()
        let id = service.seed("Stray")
        let report = try await executor(service).apply(plan([try retirement(service, id)]))
        #expect(report.results.first?.outcome == .succeeded(newId: nil), "\(report.results)")
        #expect(service.wire(id)?["status"] == "decommissioned")
        #expect(service.modifyBodies.first?.objectValue?.keys.sorted() == ["modifiedDate", "statusSetting"])
        #expect(service.log == ["PUT \(id)"])
    }

    @Test func aStaleRetireFailsFromAPlanFileAndIsResentWhenApplyingManifests() async throws {
        let fromPlan = InMemoryQseowService(InMemoryQseowService.State(interferences: 1))
        let first = fromPlan.seed("Stray")
        let failed = try await executor(fromPlan, stale: .fail).apply(plan([try retirement(fromPlan, first)]))
        #expect(failed.failed == 1)
        #expect(fromPlan.wire(first)?["status"] == "active")
        #expect(fromPlan.log == ["PUT \(first)", "GET \(first)"], "read to see whether it was retired, not re-sent")

        let fromManifests = InMemoryQseowService(InMemoryQseowService.State(interferences: 1))
        let second = fromManifests.seed("Stray")
        let resent = try await executor(fromManifests).apply(plan([try retirement(fromManifests, second)]))
        #expect(resent.results.first?.outcome == .succeeded(newId: nil), "\(resent.results)")
        #expect(resent.results.first?.notes == [ApplyExecutor.reretiredNote])
        #expect(fromManifests.wire(second)?["status"] == "decommissioned")
    }

    @Test func aRetireStaleTwiceFailsAndLeavesTheLinkActive() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(interferences: 2))
        let id = service.seed("Stray")
        let report = try await executor(service).apply(plan([try retirement(service, id)]))
        let message = try #require(Self.failure(report), "expected a failure, got \(report.results)")
        #expect(message.hasPrefix("sending the retire again failed: "))
        #expect(service.log == ["PUT \(id)", "GET \(id)", "PUT \(id)"], "re-sent once, not again")
        #expect(service.wire(id)?["status"] == "active")
    }

    @Test func aRetireWhoseAnswerWasLostIsFoundDoneOnReading() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(loseModifyAnswers: 1))
        let id = service.seed("Stray")
        let report = try await executor(service, stale: .fail).apply(plan([try retirement(service, id)]))
        #expect(report.results.first?.outcome == .alreadyDone(note: "the link was already retired", newId: nil))
        #expect(service.log == ["PUT \(id)", "GET \(id)"])
    }

    @Test func retiresThenUpdatesThenCreates() async throws {
        let service = InMemoryQseowService()
        let stray = service.seed("Stray")
        let kept = service.seed("Kept")
        let changes = [create("New"), try update(service, kept, ["rowEstExpr": "b"]), try retirement(service, stray)]
        let known = try await service.listLinks().compactMap(\.id)
        let report = await ApplyExecutor(service: service, parallelism: 1, knownIds: Set(known)).apply(plan(changes))
        #expect(report.allSucceeded, "\(report.results)")
        #expect(service.log == ["PUT \(stray)", "PUT \(kept)", "POST New"])
        #expect(report.results.map(\.change.action) == [.create, .update, .retire], "results in plan order")
    }

    @Test func aRetireInADocumentPlanSendsNothing() async throws {
        let service = InMemoryQseowService()
        let id = service.seed("Stray")
        var document = plan([try retirement(service, id)])
        document.api = .document
        let report = try await executor(service).apply(document)
        #expect(report.failed == 1)
        #expect(service.log.isEmpty)
    }

    @Test func anIncompleteLinkIsUpdatedByTheNextPlanNotCreatedAgain() async throws {
        let missing = "dead0000-0000-4000-8000-000000000003"
        let service = InMemoryQseowService(InMemoryQseowService.State(missingTemplates: [missing]))
        let source = ManifestSource(file: "links.json", location: SourceLocation(line: 1, column: 1), path: "links[0]")
        let options = PlanOptions(server: "test", generatedAt: "2026-03-01T00:00:00Z", api: .qseow)
        let broken = DeclaredLink(
            name: "Sales", selectionAppId: F.appA, templateAppId: missing, source: source,
            qseow: QseowDeclaredFields(rowEstExpr: "Count(x)"))
        let first = Planner.plan(desired: [broken], live: [], options: options)
        let failed = try await executor(service).apply(first)
        #expect(failed.failed == 1)

        let fixed = DeclaredLink(
            name: "Sales", selectionAppId: F.appA, templateAppId: F.appB, source: source,
            qseow: QseowDeclaredFields(rowEstExpr: "Count(x)"))
        let live = try await service.listLinks()
        let second = Planner.plan(desired: [fixed], live: live, options: options)
        #expect(second.changes.map(\.action) == [.update], "\(second.changes)")
        let report = try await executor(service).apply(second)
        #expect(report.allSucceeded, "\(report.results)")
        #expect(service.wires.count == 1, "never a duplicate")
        #expect(try await service.listLinks().first?.status == "active")
        #expect(Planner.plan(desired: [fixed], live: try await service.listLinks(), options: options).changes.isEmpty)
    }

    @Test func reapplyingRebuildsFromTheDeclarationThePlanCameFrom() async throws {
        let service = InMemoryQseowService(InMemoryQseowService.State(interferences: 1))
        service.seed("Sales")
        let source = ManifestSource(file: "links.json", location: SourceLocation(line: 1, column: 1), path: "links[0]")
        let declaration = DeclaredLink(
            name: "Sales", selectionAppId: F.appA, templateAppId: F.appB, source: source,
            qseow: QseowDeclaredFields(rowEstExpr: "b"))
        let options = PlanOptions(server: "test", generatedAt: "2026-03-01T00:00:00Z", api: .qseow)
        let planned = Planner.plan(desired: [declaration], live: try await service.listLinks(), options: options)
        let report = try await executor(service, stale: .reapplying([declaration])).apply(planned)
        #expect(report.allSucceeded, "\(report.results)")
        #expect(report.results.first?.notes == [ApplyExecutor.reappliedNote])
        let link = try #require(service.wires.first)
        #expect(link["rowEstExpr"] == "b")
        #expect(link["properties"]?["menuLabel"]?.arrayValue?.first?["label"]?.stringValue?.hasPrefix("their") == true)
        #expect(
            Planner.plan(desired: [declaration], live: try await service.listLinks(), options: options).changes.isEmpty)
    }

    @Test func aDeleteOrReplaceInAQseowPlanSendsNothing() async throws {
        let service = InMemoryQseowService()
        let id = service.seed("Stray")
        let delete = PlannedChange(action: .delete, name: "Stray", id: id)
        let replace = PlannedChange(action: .replace, name: "Stray", id: id, after: create("Stray").after)
        let report = try await executor(service).apply(plan([delete, replace]))
        #expect(report.failed == 2)
        #expect(service.log.isEmpty)
    }
}

/// Loses the first modify before it reaches the server (the outcome is unknown to the caller), then
/// passes everything to `base`.
final class LostRequestService: LinkService {
    let base: InMemoryQseowService
    let lost = Mutex(false)

    init(_ base: InMemoryQseowService) { self.base = base }

    func listLinks() async throws -> [OdagLink] { try await base.listLinks() }
    func createLink(_ body: OdagLinkCreate) async throws -> OdagLink { try await base.createLink(body) }
    func updateLink(id: String, _ body: OdagLinkUpdate) async throws -> OdagLink {
        try await base.updateLink(id: id, body)
    }
    func deleteLink(id: String) async throws { try await base.deleteLink(id: id) }
    func createQseowLink(_ body: JSONValue) async throws -> QseowLinkAnswer { try await base.createQseowLink(body) }
    func modifyQseowLink(id: String, _ body: JSONValue) async throws -> QseowLinkAnswer {
        if lost.withLock({ lost in
            defer { lost = true }; return !lost
        }) {
            throw InMemoryQseowService.Lost()
        }
        return try await base.modifyQseowLink(id: id, body)
    }
    func readQseowLink(id: String) async throws -> QseowLinkAnswer { try await base.readQseowLink(id: id) }
    func isOutcomeUnknown(_ error: any Error) -> Bool { base.isOutcomeUnknown(error) }
    func isNotFound(_ error: any Error) -> Bool { base.isNotFound(error) }
    func isStaleModifiedDate(_ error: any Error) -> Bool { base.isStaleModifiedDate(error) }
}

import ODAGCore

/// The `qseow` flavour's writes, as Qlik's ODAG service API documents them.
///
/// - An answer whose link is `incomplete` is a failed change quoting Qlik's feedback; the link exists
///   though, so the next plan updates it instead of creating another.
/// - An update whose body sets `statusSetting` beside other fields is sent as two PUTs: the fields,
///   then `{modifiedDate, statusSetting}` with the `modifiedDate` the first answer returned (Qlik
///   Cloud documents that a PUT with a status setting applies nothing else; QSEoW says nothing).
/// - A retire is a PUT of `{modifiedDate, statusSetting: "decommission"}`; no link is ever deleted.
/// - A PUT refused for a stale `modifiedDate`, or whose answer was lost, is settled per
///   ``ApplyExecutor/staleChanges``: the link is read again and the change rebuilt over it and sent
///   once more, or the change fails.
extension ApplyExecutor {
    // A stale modifiedDate is most often another writer's change, but can be this run's own: the client
    // retries a PUT whose answer was lost, and the retry carries the date the first attempt replaced.
    /// The note on a stale change that was rebuilt over the link as it is now and sent again.
    static let reappliedNote =
        "the link changed since it was read (stale modifiedDate): re-read it and re-applied the declared fields, keeping the other changes"
    /// The note on a change whose answer was lost, rebuilt over the link as it is now and sent again.
    static let lostReappliedNote =
        "the answer was lost: re-read the link and re-applied the declared fields, keeping the other changes"
    /// The note on a stale change found in effect on reading: nothing was sent again.
    static let staleInEffectNote =
        "the server refused a stale modifiedDate, but the link already is as planned (an earlier attempt whose answer was lost made it so)"
    /// The note on a change whose answer was lost, found in effect on reading.
    static let lostInEffectNote = "the answer was lost, but the link already is as planned"
    /// The note on a stale retire sent again over the link as it is now.
    static let reretiredNote =
        "the link changed since it was read (stale modifiedDate): re-read it and retired it as planned"
    /// The note on a retire whose answer was lost, sent again over the link as it is now.
    static let lostRetiredNote = "the answer was lost: re-read the link and retired it as planned"

    /// `POST /links` with the planned add payload; a lost answer is settled by re-reading (a live link
    /// with the same name and template app, and an id not live before).
    func createQseow(_ change: PlannedChange) async -> ChangeRun {
        guard let body = change.after, let name = body["name"]?.stringValue,
            let templateAppId = body["templateApp"]?.stringValue
        else {
            return ChangeRun(outcome: .failed("the planned body is not a qseow link: it needs name and templateApp"))
        }
        return await sendCreate(
            {
                let answer = try await service.createQseowLink(body)
                var run = ChangeRun(outcome: .succeeded(newId: answer.link.id), warnings: Self.warnings(of: answer))
                if let problem = outsideScope(answer.link) {
                    let incomplete = answer.isIncomplete ? "; the server also left it incomplete" : ""
                    run.outcome = .failed(problem + incomplete + Self.feedbackText(answer))
                    run.outOfScopeLinkId = answer.link.id
                } else if answer.isIncomplete {
                    run.outcome = .failed(Self.incomplete(answer))
                }
                return run
            },
            isTheNewLink: { link in
                isNew(link) && link.name == name && link.templateAppId?.lowercased() == templateAppId.lowercased()
            })
    }

    /// `PUT /links/{id}` with the planned modify payload (the status in its own PUT after the fields).
    func updateQseow(_ change: PlannedChange) async -> ChangeRun {
        guard let id = change.id, let body = change.after else {
            return ChangeRun(outcome: .failed("the plan has no id or body for this link"))
        }
        var run = ChangeRun(outcome: .succeeded(newId: nil))
        var current = body
        var live = change.before
        var resent = false
        while true {
            do {
                if let problem = try await modify(id: id, current, live: live, into: &run) {
                    run.outcome = .failed(problem)
                }
                return run
            } catch  where service.isNotFound(error) {
                return run.replacing(.failed(await notFound(change, id: id, refusal: error, into: &run)))
            } catch  where !resent && (service.isStaleModifiedDate(error) || service.isOutcomeUnknown(error)) {
                resent = true
                let refusal = error
                let stale = service.isStaleModifiedDate(error)
                do {
                    let now = try await read(id: id, into: &run)
                    if Self.isInEffect(current, on: now) {
                        return run.replacing(
                            .alreadyDone(note: stale ? Self.staleInEffectNote : Self.lostInEffectNote, newId: nil))
                    }
                    guard case .reapply(let rebuild) = staleChanges else {
                        return run.replacing(.failed(Self.refused(refusal, stale: stale)))
                    }
                    guard now.status != "decommissioned" else {
                        return run.replacing(
                            .failed("someone retired the link meanwhile; nothing was re-applied; run plan again"))
                    }
                    guard let rebuilt = rebuild(change, now) else {
                        return run.replacing(.failed(Self.refused(refusal, stale: stale)))
                    }
                    current = rebuilt
                    live = now.qseow?.wire
                    run.notes.append(stale ? Self.reappliedNote : Self.lostReappliedNote)
                } catch  where service.isNotFound(error) {
                    return run.replacing(.failed(Self.gone(change, id: id)))
                } catch {
                    return run.replacing(
                        .failed("\(Self.refused(refusal, stale: stale)); re-reading the link failed: \(error)"))
                }
            } catch  where resent && service.isStaleModifiedDate(error) {
                return run.replacing(
                    .failed(
                        "the link changed again while it was being re-applied (stale modifiedDate twice); run plan again"
                    ))
            } catch {
                return run.replacing(.failed("\(error)"))
            }
        }
    }

    /// Why a modify the server answered `404` failed. Qlik answers `404` for a link that does not exist
    /// and for a referenced object (a template app) that does not: reading the link tells them apart.
    func notFound(_ change: PlannedChange, id: String, refusal: any Error, into run: inout ChangeRun) async -> String {
        do {
            _ = try await read(id: id, into: &run)
        } catch  where service.isNotFound(error) {
            return Self.gone(change, id: id)
        } catch {
            return "the server refused the change (404): \(Self.serverText(refusal, service)); "
                + "reading the link to tell why failed: \(error)"
        }
        return "the server refused the change (404): \(Self.serverText(refusal, service)); "
            + "the link exists, so a referenced app id is probably wrong"
    }

    /// The server's own message in `error`, quoted, else the error's description.
    static func serverText(_ error: any Error, _ service: any LinkService) -> String {
        service.serverMessage(of: error).map { quoted($0) } ?? "\(error)"
    }

    /// `PUT /links/{id}` of `{modifiedDate, statusSetting: "decommission"}`: the link stays on the
    /// server, retired. Settled by re-reading when the answer was lost or the date was stale.
    func retire(_ change: PlannedChange) async -> ChangeRun {
        guard let id = change.id else { return ChangeRun(outcome: .failed("the plan has no id for this link")) }
        guard let body = change.after else { return ChangeRun(outcome: .failed("the plan has no body for this link")) }
        var run = ChangeRun(outcome: .succeeded(newId: nil))
        do {
            run.outcome = Self.retired(try await send(id: id, body, into: &run))
            return run
        } catch  where service.isNotFound(error) {
            return run.replacing(.alreadyDone(note: "the link was already gone", newId: nil))
        } catch  where service.isStaleModifiedDate(error) || service.isOutcomeUnknown(error) {
            let stale = service.isStaleModifiedDate(error)
            let refusal = error
            let now: OdagLink
            do {
                now = try await read(id: id, into: &run)
            } catch  where service.isNotFound(error) {
                return run.replacing(.alreadyDone(note: "the link was already gone", newId: nil))
            } catch {
                return run.replacing(
                    .failed("\(Self.refused(refusal, stale: stale)); re-reading the link failed: \(error)"))
            }
            if now.status == "decommissioned" {
                return run.replacing(.alreadyDone(note: "the link was already retired", newId: nil))
            }
            guard case .reapply = staleChanges else {
                return run.replacing(.failed(Self.refused(refusal, stale: stale)))
            }
            run.notes.append(stale ? Self.reretiredNote : Self.lostRetiredNote)
            do {
                run.outcome = Self.retired(try await send(id: id, QseowPayloads.retire(live: now), into: &run))
            } catch {
                run.outcome = .failed("sending the retire again failed: \(error)")
            }
            return run
        } catch {
            return run.replacing(.failed("\(error)"))
        }
    }

    /// A retire's outcome from the server's answer: done only when the link is `decommissioned`.
    static func retired(_ answer: QseowLinkAnswer) -> ChangeOutcome {
        guard answer.link.status == "decommissioned" else {
            return .failed(
                "the server left the link \(answer.link.status ?? "without a status"), not decommissioned"
                    + feedbackText(answer))
        }
        return .succeeded(newId: nil)
    }

    /// Sends a modify payload: when it sets `statusSetting` beside other fields, the fields first and
    /// then the status alone with the `modifiedDate` the first answer returned. When those fields are
    /// the `live` link's own values, only the status is sent (a field PUT would change nothing). Answers
    /// why the change failed when the server left the link `incomplete`, else `nil`.
    func modify(id: String, _ body: JSONValue, live: JSONValue?, into run: inout ChangeRun) async throws -> String? {
        guard case .object(var fields) = body, let status = fields.removeValue(forKey: "statusSetting"),
            fields.keys.contains(where: { $0 != "modifiedDate" })
        else {
            let answer = try await send(id: id, body, into: &run)
            return answer.isIncomplete ? Self.incomplete(answer) : nil
        }
        if let live, Self.sendsNothingNew(fields, over: live) {
            let body: JSONValue = ["modifiedDate": fields["modifiedDate"] ?? .null, "statusSetting": status]
            let answer = try await send(id: id, body, into: &run)
            return answer.isIncomplete ? Self.incomplete(answer) : nil
        }
        let first = try await send(id: id, .object(fields), into: &run)
        if first.isIncomplete { return Self.incomplete(first) }
        guard let date = first.link.qseow?.wire["modifiedDate"] else {
            return "the fields were changed, but the answer carries no modifiedDate to change the status with"
        }
        let second = try await send(id: id, ["modifiedDate": date, "statusSetting": status], into: &run)
        return second.isIncomplete ? Self.incomplete(second) : nil
    }

    /// Whether every field of a modify payload (but its `modifiedDate`) already has its value on the
    /// `live` link as read: the template app by id, property elements without their read-only members.
    static func sendsNothingNew(_ fields: [String: JSONValue], over live: JSONValue) -> Bool {
        fields.allSatisfy { key, value in
            switch key {
            case "modifiedDate":
                return true
            case "templateApp":
                guard let sent = value.stringValue, let read = live["templateApp"]?["id"]?.stringValue else {
                    return false
                }
                return sent.lowercased() == read.lowercased()
            case "properties":
                guard case .object(let sent) = value, case .object(let read)? = live["properties"] else { return false }
                return sent.mapValues(withoutReadOnly) == read.mapValues(withoutReadOnly)
            default:
                return live[key] == value
            }
        }
    }

    /// Whether `link`, as read, already is what `body` makes it: every field the body sends has the
    /// value sent (the template app by id, property elements without their read-only members) and the
    /// status is the one its `statusSetting` asks for. Then nothing needs writing: a stale or lost
    /// change found in effect is done, even from a plan file. Any doubt (bindings in another order, a
    /// field the server rewrote) answers `false`, and the change is re-applied or fails as before.
    static func isInEffect(_ body: JSONValue, on link: OdagLink) -> Bool {
        guard case .object(let members) = body, let state = link.qseow else { return false }
        let statuses = ["activate": "active", "disable": "disabled", "decommission": "decommissioned"]
        return members.allSatisfy { key, value in
            switch key {
            case "modifiedDate":
                return true
            case "statusSetting":
                return value.stringValue.flatMap { statuses[$0] } == link.status
            case "templateApp":
                return value.stringValue?.lowercased() == link.templateAppId?.lowercased()
            case "properties":
                guard case .object(let sent) = value, let live = state.properties else { return false }
                return sent.allSatisfy { name, elements in
                    withoutReadOnly(elements) == live[name].map(withoutReadOnly)
                }
            default:
                return state.wire[key] == value
            }
        }
    }

    /// A property's per-context array without the read-only members the server adds to its elements.
    private static func withoutReadOnly(_ value: JSONValue) -> JSONValue {
        guard case .array(let elements) = value else { return value }
        return .array(elements.map(QseowElements.withoutReadOnly))
    }

    /// One `PUT /links/{id}`, its warnings kept on `run`.
    func send(id: String, _ body: JSONValue, into run: inout ChangeRun) async throws -> QseowLinkAnswer {
        let answer = try await service.modifyQseowLink(id: id, body)
        run.warnings += Self.warnings(of: answer)
        return answer
    }

    /// `GET /links/{id}`, its warnings kept on `run`.
    func read(id: String, into run: inout ChangeRun) async throws -> OdagLink {
        let answer = try await service.readQseowLink(id: id)
        run.warnings += Self.warnings(of: answer)
        return answer.link
    }

    /// The failure of a change the server refused as stale (or whose answer was lost) that is not sent again.
    static func refused(_ error: any Error, stale: Bool) -> String {
        guard stale else { return "\(error)" }
        return
            "the link changed since it was read (the server refused its stale modifiedDate: \(error)); nothing more was sent; make a new plan and review it"
    }

    /// The failure of a change the server left `incomplete`, quoting its feedback.
    static func incomplete(_ answer: QseowLinkAnswer) -> String {
        "the server left the link incomplete (id \(answer.link.id ?? "unknown")); the link exists, so the next plan updates it"
            + feedbackText(answer)
    }

    /// `: WARN: …; INFO: …` of an answer's feedback, or nothing.
    static func feedbackText(_ answer: QseowLinkAnswer) -> String {
        answer.feedback.isEmpty ? "" : ": " + answer.feedback.map(\.description).joined(separator: "; ")
    }

    /// The warnings of an answer's feedback.
    static func warnings(of answer: QseowLinkAnswer) -> [QseowFeedback] {
        answer.feedback.filter(\.isWarning)
    }
}

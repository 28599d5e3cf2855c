import ODAGCore

/// The `qseow` flavour's endpoints under `/api/odag/v1`, in the shapes Qlik documents for its ODAG
/// service: bare-array `GET /links`, `{objectDef, feedback}` answers, `modifiedDate` on `PUT`, no link
/// `DELETE`, and `selAppLinkUsages`. Routing errors, the xrfkey rule, bodies and answers are shared
/// with ``EmulatorRouter``.
struct QseowRouter: Sendable {
    let store: QseowStore
    let persister: StatePersister
    let defaultOwner: String

    enum Route: Equatable {
        case links
        case link(String)
        case linkUsages(String)

        var allowedMethods: [String] {
            switch self {
            case .links: return ["GET", "POST"]
            // Qlik documents no DELETE for a link: retire it with statusSetting "decommission".
            case .link: return ["GET", "PUT"]
            case .linkUsages: return ["POST"]
            }
        }
    }

    static func route(_ path: String) -> Route? {
        guard path.hasPrefix(EmulatorConfiguration.basePath + "/") else { return nil }
        let parts = path.dropFirst(EmulatorConfiguration.basePath.count + 1).split(
            separator: "/", omittingEmptySubsequences: false
        ).map(String.init)
        switch (parts.count, parts.first) {
        case (1, "links"): return .links
        case (2, "links") where !parts[1].isEmpty: return .link(parts[1])
        case (3, "apps") where !parts[1].isEmpty && parts[2] == "selAppLinkUsages": return .linkUsages(parts[1])
        default: return nil
        }
    }

    func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        EmulatorRouter.dispatch(request, to: QseowRouter.route(request.path), allowed: \.allowedMethods) {
            (route, method) throws(EmulatorAPIError) in try perform(route, method: method, request: request)
        }
    }

    private func perform(_ route: Route, method: String, request: HTTPServerRequest) throws(EmulatorAPIError)
        -> HTTPServerResponse
    {
        switch (route, method) {
        case (.links, "GET"):
            let type = request.queryValue("type")
            guard let kind = QseowStore.Kind(rawValue: type ?? "link") else {
                let kinds = QseowStore.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw .badRequest("type: expected one of \(kinds), found \(JSONWriter.string(.string(type ?? "")))")
            }
            let owner = request.queryValue("optOwner").map { QseowUser(qualified: $0) }
            return EmulatorRouter.json(
                200,
                store.listLinks(
                    kind: kind, ownerKey: owner.map { QseowUser.key(directory: $0.directory, userId: $0.userId) }))
        case (.links, _):
            let add = try QseowPayload.add(try EmulatorRouter.body(request))
            let change = try store.createLink(add, by: user(request))
            try persister.acknowledge(change.version)
            return EmulatorRouter.json(201, change.bytes)

        case (.link(let id), "GET"):
            try EmulatorRouter.checkId(id, "linkId")
            return EmulatorRouter.json(200, try store.link(id: id))
        case (.link(let id), _):
            try EmulatorRouter.checkId(id, "linkId")
            let modify = try QseowPayload.modify(try EmulatorRouter.body(request))
            let change = try store.modifyLink(id: id, modify, by: user(request))
            try persister.acknowledge(change.version)
            return EmulatorRouter.json(200, change.bytes)

        case (.linkUsages(let appId), _):
            try EmulatorRouter.checkId(appId, "selAppId")
            let ids = try QseowPayload.linkList(try EmulatorRouter.body(request))
            return EmulatorRouter.json(200, try store.linkUsages(selectionApp: appId, linkIds: ids))
        }
    }

    /// The user from `X-Qlik-User`, else the emulator's default owner.
    private func user(_ request: HTTPServerRequest) -> QseowUser {
        QseowUser(qualified: EmulatorRouter.owner(fromQlikUser: request.headers["X-Qlik-User"]) ?? defaultOwner)
    }
}

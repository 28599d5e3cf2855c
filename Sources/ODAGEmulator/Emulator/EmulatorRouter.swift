import ODAGCore

/// Maps API requests under `/api/odag/v1` to store operations: routing (`404`, `405` with
/// `Allow`), the xrfkey rule (`401`), id and body validation (`400`), and JSON answers.
struct EmulatorRouter: Sendable {
    let store: EmulatorStore
    let persister: StatePersister
    let defaultOwner: String

    static let jsonContentType = "application/json; charset=utf-8"

    /// The endpoints, with the id taken from the path, and the methods each allows.
    enum Route: Equatable {
        case about
        case links
        case link(String)
        case linkRequests(String)
        case requests
        case request(String)
        case requestApp(String)
        case reloadApp(String)
        case renameApp(String)

        var allowedMethods: [String] {
            switch self {
            case .about, .requests: return ["GET"]
            case .links, .linkRequests: return ["GET", "POST"]
            case .link: return ["GET", "PUT", "DELETE"]
            case .request: return ["GET", "PUT"]
            case .requestApp: return ["DELETE"]
            case .reloadApp, .renameApp: return ["POST"]
            }
        }
    }

    static func route(_ path: String) -> Route? {
        guard path.hasPrefix(EmulatorConfiguration.basePath + "/") else { return nil }
        let rest = path.dropFirst(EmulatorConfiguration.basePath.count + 1)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            switch parts[0] {
            case "about": return .about
            case "links": return .links
            case "requests": return .requests
            default: return nil
            }
        case 2:
            guard !parts[1].isEmpty else { return nil }
            switch parts[0] {
            case "links": return .link(parts[1])
            case "requests": return .request(parts[1])
            default: return nil
            }
        case 3:
            guard !parts[1].isEmpty else { return nil }
            switch (parts[0], parts[2]) {
            case ("links", "requests"): return .linkRequests(parts[1])
            case ("requests", "app"): return .requestApp(parts[1])
            case ("requests", "reloadApp"): return .reloadApp(parts[1])
            case ("requests", "renameApp"): return .renameApp(parts[1])
            default: return nil
            }
        default:
            return nil
        }
    }

    func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        EmulatorRouter.dispatch(request, to: EmulatorRouter.route(request.path), allowed: \.allowedMethods) {
            (route, method) throws(EmulatorAPIError) in try perform(route, method: method, request: request)
        }
    }

    /// What every API request of either flavour goes through: `404` for an unknown endpoint, `405`
    /// with `Allow` for a method it does not take (`HEAD` is `GET`), the xrfkey rule (`401`), then
    /// `perform`, whose errors are answered as JSON.
    static func dispatch<Route>(
        _ request: HTTPServerRequest, to route: Route?, allowed: (Route) -> [String],
        perform: (Route, String) throws(EmulatorAPIError) -> HTTPServerResponse
    ) -> HTTPServerResponse {
        guard let route else { return error(.notFound("no such endpoint: \(request.path)")) }
        let method = request.method == "HEAD" ? "GET" : request.method
        let methods = allowed(route)
        guard methods.contains(method) else {
            var response = error(
                EmulatorAPIError(
                    status: 405,
                    message:
                        "method \(request.method) is not allowed on \(request.path) (allowed: \(methods.joined(separator: ", ")))"
                ))
            response.headers.replaceOrAdd(name: "Allow", value: methods.joined(separator: ", "))
            return response
        }
        if let problem = xrfkeyProblem(request) { return error(EmulatorAPIError(status: 401, message: problem)) }
        do {
            return try perform(route, method)
        } catch {
            return EmulatorRouter.error(error)
        }
    }

    /// The xrfkey rule: `X-Qlik-Xrfkey` header and `Xrfkey` query both present, equal, 16 characters.
    static func xrfkeyProblem(_ request: HTTPServerRequest) -> String? {
        let header = request.headers["X-Qlik-Xrfkey"]
        let query = request.queryItems.first { $0.name.lowercased() == "xrfkey" }?.value
        switch (header, query) {
        case (nil, nil):
            return
                "missing xrfkey: send the X-Qlik-Xrfkey header and the same 16 characters in the Xrfkey query parameter"
        case (nil, _):
            return "missing X-Qlik-Xrfkey header (the Xrfkey query parameter is present)"
        case (_, nil):
            return "missing Xrfkey query parameter (the X-Qlik-Xrfkey header is present)"
        case (let header?, let query?):
            if query.count != 16 {
                return "the Xrfkey query parameter must be 16 characters, found \(query.count)"
            }
            if header.count != 16 {
                return "the X-Qlik-Xrfkey header must be 16 characters, found \(header.count)"
            }
            if header != query {
                return "the X-Qlik-Xrfkey header does not match the Xrfkey query parameter"
            }
            return nil
        }
    }

    private func perform(_ route: Route, method: String, request: HTTPServerRequest) throws(EmulatorAPIError)
        -> HTTPServerResponse
    {
        switch (route, method) {
        case (.about, _):
            let about = OdagAbout(version: "3.4.1", stabilityIndex: "stable", extra: ["emulator": .bool(true)])
            return EmulatorRouter.json(200, JSONWriter.bytes(about.json))

        case (.links, "GET"):
            return EmulatorRouter.json(200, store.listLinks())
        case (.links, _):
            let body = try EmulatorRouter.body(request)
            let create: OdagLinkCreate
            do {
                create = try OdagLinkCreate(json: body)
            } catch {
                throw .badRequest("invalid link: \(error.description)")
            }
            let change = store.createLink(create, owner: owner(request))
            try saved(change.version)
            return EmulatorRouter.json(201, change.bytes)

        case (.link(let id), "GET"):
            try EmulatorRouter.checkId(id, "linkId")
            return EmulatorRouter.json(200, try store.link(id: id))
        case (.link(let id), "PUT"):
            try EmulatorRouter.checkId(id, "linkId")
            let body = try EmulatorRouter.body(request)
            let update: OdagLinkUpdate
            do {
                update = try OdagLinkUpdate(json: body)
            } catch {
                throw .badRequest("invalid link update: \(error.description)")
            }
            let change = try store.updateLink(id: id, update)
            try saved(change.version)
            return EmulatorRouter.json(200, change.bytes)
        case (.link(let id), _):
            try EmulatorRouter.checkId(id, "linkId")
            try saved(try store.deleteLink(id: id))
            return HTTPServerResponse(status: 204)

        case (.linkRequests(let id), "GET"):
            try EmulatorRouter.checkId(id, "linkId")
            return EmulatorRouter.json(200, try store.listRequests(linkId: id))
        case (.linkRequests(let id), _):
            try EmulatorRouter.checkId(id, "linkId")
            let body = try EmulatorRouter.body(request)
            let create: OdagRequestCreate
            do {
                create = try OdagRequestCreate(json: body)
            } catch {
                throw .badRequest("invalid request: \(error.description)")
            }
            let change = try store.createRequest(linkId: id, create, owner: owner(request))
            try saved(change.version)
            return EmulatorRouter.json(201, change.bytes)

        case (.requests, _):
            return EmulatorRouter.json(200, try store.listRequests(linkId: nil))

        case (.request(let id), "GET"):
            try EmulatorRouter.checkId(id, "requestId")
            return EmulatorRouter.json(200, try store.request(id: id))
        case (.request(let id), _):
            try EmulatorRouter.checkId(id, "requestId")
            let body = try EmulatorRouter.body(request)
            let update: OdagRequestUpdate
            do {
                update = try OdagRequestUpdate(json: body)
            } catch {
                throw .badRequest("invalid request update: \(error.description)")
            }
            let change = try store.updateRequest(id: id, update)
            try saved(change.version)
            return EmulatorRouter.json(200, change.bytes)

        case (.requestApp(let id), _):
            try EmulatorRouter.checkId(id, "requestId")
            try saved(try store.deleteApp(id: id))
            return HTTPServerResponse(status: 204)

        case (.reloadApp(let id), _):
            try EmulatorRouter.checkId(id, "requestId")
            let change = try store.reloadApp(id: id)
            try saved(change.version)
            return EmulatorRouter.json(200, change.bytes)

        case (.renameApp(let id), _):
            try EmulatorRouter.checkId(id, "requestId")
            let body = try EmulatorRouter.body(request)
            let rename: OdagRenameApp
            do {
                rename = try OdagRenameApp(json: body)
            } catch {
                throw .badRequest("invalid rename: \(error.description)")
            }
            let change = try store.renameApp(id: id, name: rename.name)
            try saved(change.version)
            return EmulatorRouter.json(200, change.bytes)
        }
    }

    /// Waits until the change is in the state file; a failed write answers `500` (the change stays in memory).
    private func saved(_ version: UInt64) throws(EmulatorAPIError) {
        try persister.acknowledge(version)
    }

    static func checkId(_ id: String, _ name: String) throws(EmulatorAPIError) {
        guard ODAGUUID.isValid(id) else {
            throw .badRequest("\(name) \(JSONWriter.string(.string(id))) is not a UUID")
        }
    }

    /// The body as a JSON value: required, and strict JSON.
    static func body(_ request: HTTPServerRequest) throws(EmulatorAPIError) -> JSONValue {
        guard !request.body.isEmpty else { throw .badRequest("a JSON request body is required") }
        do {
            return try JSONParser.parse(request.body)
        } catch {
            throw .badRequest("the request body is not valid JSON: \(error.description)")
        }
    }

    /// The owner from `X-Qlik-User: UserDirectory=CORP; UserId=jdoe` → `CORP\jdoe`, else the default.
    func owner(_ request: HTTPServerRequest) -> String {
        EmulatorRouter.owner(fromQlikUser: request.headers["X-Qlik-User"]) ?? defaultOwner
    }

    static func owner(fromQlikUser header: String?) -> String? {
        guard let header else { return nil }
        var directory: String?
        var user: String?
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingSpaces().lowercased()
            let value = pair[1].trimmingSpaces()
            if key == "userdirectory" { directory = value }
            if key == "userid" { user = value }
        }
        guard let user, !user.isEmpty else { return nil }
        guard let directory, !directory.isEmpty else { return user }
        return "\(directory)\\\(user)"
    }

    static func json(_ status: Int, _ bytes: [UInt8]) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: ["Content-Type": jsonContentType], body: bytes)
    }

    static func error(_ error: EmulatorAPIError) -> HTTPServerResponse {
        json(error.status, JSONWriter.bytes(.object(["message": .string(error.message)])))
    }
}

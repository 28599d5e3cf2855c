import Foundation
import ODAGCore

/// The ODAG REST API (v1) client: typed async calls for its 14 operations.
///
/// Every request carries a fresh xrfkey (header and query), `Accept: application/json`, the configured headers and
/// token. Transient failures are retried per ``RetryPolicy``; a create (``createLink(_:)``, ``submitRequest(linkId:_:)``,
/// ``reloadRequestApp(requestId:)``) whose outcome is unknown is never re-sent: it throws
/// ``ODAGClientError/outcomeUnknown(operation:underlying:)`` so the caller re-reads the live state first. A delete
/// that finds `404` after an attempt whose outcome was unknown has succeeded. Calls throw ``ODAGClientError``, or
/// `CancellationError` when the task is cancelled.
public struct ODAGClient: Sendable {
    /// A function that waits (``ODAGClient`` uses it for backoff, so tests can record waits instead of waiting).
    public typealias Sleeper = @Sendable (Duration) async throws -> Void
    /// A function that receives one entry per HTTP exchange (for `--verbose`).
    public typealias RequestLogger = @Sendable (RequestLogEntry) -> Void
    /// A function told of each retry before its wait begins.
    public typealias RetryObserver = @Sendable (RetryNotice) -> Void

    /// The configuration.
    public private(set) var configuration: ODAGClientConfiguration
    /// The transport requests go through.
    public let transport: any HTTPTransport
    let sleeper: Sleeper
    let random: RandomSource
    let now: @Sendable () -> Date
    let logger: RequestLogger?
    let retryObserver: RetryObserver?
    let basePath: String
    /// The session cookies of this client and every copy made of it (``speaking(_:)``).
    let cookies: SessionCookies

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: base URL, headers, token, timeout and retry policy.
    ///   - transport: how requests are sent (``TransportFactory/make(for:tls:parallelism:)`` chooses one).
    ///   - sleeper: how to wait between attempts; `Task.sleep` by default.
    ///   - random: the source of xrfkeys and jitter.
    ///   - now: the current time, for `Retry-After` dates.
    ///   - logger: receives one ``RequestLogEntry`` per exchange, or `nil`.
    ///   - retryObserver: told of each retry and its wait before the wait begins, or `nil`.
    /// - Throws: ``ODAGClientError/invalidConfiguration(_:)`` when the base URL is not `http(s)://host…`.
    public init(
        configuration: ODAGClientConfiguration,
        transport: any HTTPTransport,
        sleeper: @escaping Sleeper = { try await Task.sleep(for: $0) },
        random: RandomSource = .system,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: RequestLogger? = nil,
        retryObserver: RetryObserver? = nil
    ) throws(ODAGClientError) {
        let url = configuration.baseURL
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty,
            let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        else {
            throw .invalidConfiguration(
                "the server URL \"\(url.absoluteString)\" is not http(s)://HOST/…/api/odag/v1")
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
        self.configuration = configuration
        self.transport = transport
        self.sleeper = sleeper
        self.random = random
        self.now = now
        self.logger = logger
        self.retryObserver = retryObserver
        self.cookies = SessionCookies(overHTTPS: scheme == "https")
    }

    /// This client reading the links in `api`'s shapes, sharing the transport and the session (its cookies) with
    /// this one: for a flavour chosen after the first read.
    public func speaking(_ api: APIFlavour) -> ODAGClient {
        var copy = self
        copy.configuration.api = api
        return copy
    }

    // MARK: About

    /// `GET /about`: the service's version and stability index.
    public func getAbout() async throws -> OdagAbout {
        let operation = Operation(method: "GET", path: ["about"])
        return try await decode(operation) { json throws(ModelError) in try OdagAbout(json: json) }
    }

    // MARK: Links

    /// `GET /links`: every navigation link, each with all the fields the server returned, read in the configured
    /// flavour's shape. In `qseow` the query asks for links and dynamic views alike (`type=all`), so that a view
    /// is never taken for missing.
    public func listLinks() async throws -> [OdagLink] {
        switch configuration.api {
        case .document:
            let operation = Operation(method: "GET", path: ["links"])
            return try await decodeList(operation) { json throws(ModelError) in
                try OdagLink.list(json: json)
            } element: { json, path throws(ModelError) in
                try OdagLink(json: json, path: path)
            }
        case .qseow:
            return try await decodeList(Self.listAllLinks) { json throws(ModelError) in
                try OdagLink.qseowList(json: json)
            } element: { json, path throws(ModelError) in
                try OdagLink(qseowJSON: json, path: path)
            }
        }
    }

    /// `GET /links?type=all`, as both flavours can be asked: the document's ignores the query.
    private static let listAllLinks = Operation(method: "GET", path: ["links"], query: [("type", "all")])

    /// `GET /links?type=all` for a server whose flavour is not known yet: each link's shape is recognised as the
    /// answer streams in (``APIFlavour/Recogniser``) and the link is read strictly in that shape. When every link
    /// has one flavour's shape, the links come back read in it; otherwise (no links, or a link that fits neither
    /// shape or differs from the others) no links come back and the recognition says why. A link that has one
    /// flavour's shape but breaks its rules (a missing `id`, a wrong type) is a ``ODAGClientError/decoding(method:path:status:detail:)``
    /// error naming its JSON path.
    ///
    /// An answer with no links is told by the bundled emulator's ``APIFlavour/announcementHeader``, when it
    /// names a flavour; real servers send none, so for them an empty answer stays undecidable.
    public func listLinksRecognising() async throws -> RecognisedLinks {
        var recogniser = APIFlavour.Recogniser()
        var announced: APIFlavour?
        let links = try await decodeList(Self.listAllLinks) { headers in
            announced = headers[APIFlavour.announcementHeader].flatMap(APIFlavour.init(rawValue:))
        } list: { json throws(ModelError) -> [OdagLink?] in
            // Only a non-array answer gets here: say so as a read in either flavour would.
            try OdagLink.list(json: json)
        } element: { json, path throws(ModelError) -> OdagLink? in
            switch recogniser.add(json) {
            case .document: try OdagLink(json: json, path: path)
            case .qseow: try OdagLink(qseowJSON: json, path: path)
            case nil: nil
            }
        }
        var recognition = recogniser.recognition
        if links.isEmpty, let announced { recognition = .recognised(announced) }
        guard case .recognised = recognition else {
            return RecognisedLinks(recognition: recognition, links: [], linkCount: links.count)
        }
        return RecognisedLinks(recognition: recognition, links: links.compactMap { $0 }, linkCount: links.count)
    }

    /// `POST /links`: creates a link. Never re-sent when its outcome is unknown (see the type's documentation).
    public func createLink(_ link: OdagLinkCreate) async throws -> OdagLink {
        let operation = Operation(method: "POST", path: ["links"], body: link.json, safety: .once)
        return try await decode(operation) { json throws(ModelError) in try OdagLink(json: json) }
    }

    /// `GET /links/{linkId}`: one link.
    public func getLink(id: String) async throws -> OdagLink {
        let operation = Operation(method: "GET", path: ["links", id], missing: "link \(id)")
        return try await decode(operation) { json throws(ModelError) in try OdagLink(json: json) }
    }

    /// `PUT /links/{linkId}`: changes a link's name and properties. The body is the ``OdagLinkUpdate`` alone (no
    /// id, owner or dates); send the live properties overlaid with the wanted ones so nothing is lost.
    public func updateLink(id: String, _ update: OdagLinkUpdate) async throws -> OdagLink {
        let operation = Operation(method: "PUT", path: ["links", id], body: update.json, missing: "link \(id)")
        return try await decode(operation) { json throws(ModelError) in try OdagLink(json: json) }
    }

    /// `qseow`: `POST /links` with Qlik's add payload (`name`, `selectionApp`, `templateApp`, …), sent exactly as
    /// given; the answer (`201`) is `{objectDef, feedback}`. Never re-sent when its outcome is unknown, as
    /// ``createLink(_:)``.
    public func createQseowLink(_ body: JSONValue) async throws -> QseowLinkAnswer {
        let operation = Operation(method: "POST", path: ["links"], body: body, safety: .once)
        return try await decode(operation) { json throws(ModelError) in try QseowLinkAnswer(json: json) }
    }

    /// `qseow`: `PUT /links/{linkId}` with Qlik's modify payload, sent exactly as given (it carries the live
    /// `modifiedDate`). A refusal for a stale `modifiedDate` is ``ODAGClientError/staleModifiedDate(method:path:status:message:)``.
    public func modifyQseowLink(id: String, _ body: JSONValue) async throws -> QseowLinkAnswer {
        let operation = Operation(
            method: "PUT", path: ["links", id], body: body, missing: "link \(id)", checksModifiedDate: true)
        return try await decode(operation) { json throws(ModelError) in try QseowLinkAnswer(json: json) }
    }

    /// `qseow`: `GET /links/{linkId}`, answered in Qlik's `{objectDef, feedback}` wrapper.
    public func readQseowLink(id: String) async throws -> QseowLinkAnswer {
        let operation = Operation(method: "GET", path: ["links", id], missing: "link \(id)")
        return try await decode(operation) { json throws(ModelError) in try QseowLinkAnswer(json: json) }
    }

    /// `qseow`: `POST /apps/{selAppId}/selAppLinkUsages` with `{"linkList": [ids]}`: the ids of `linkIds` the
    /// caller may read, each with its condensed link. Not a pure read: Qlik documents it as the selection app
    /// telling the service which links it references (its usage records are kept from these calls), so a caller
    /// must send the links the app really holds; odag-sync's plan and apply never call it. Sending the same list
    /// twice records the same, so it is retried like a `PUT`.
    public func selAppLinkUsages(selectionAppId: String, linkIds: [String]) async throws -> [SelAppLinkUsage] {
        let body: JSONValue = ["linkList": .array(linkIds.map(JSONValue.string))]
        let operation = Operation(
            method: "POST", path: ["apps", selectionAppId, "selAppLinkUsages"], query: [("type", "all")], body: body,
            missing: "selection app \(selectionAppId) (or one of the links)")
        return try await decode(operation) { json throws(ModelError) in try SelAppLinkUsage.list(json: json) }
    }

    /// `DELETE /links/{linkId}`: deletes a link (its requests and generated apps stay).
    public func deleteLink(id: String) async throws {
        let operation = Operation(method: "DELETE", path: ["links", id], missing: "link \(id)")
        _ = try await send(operation)
    }

    // MARK: Requests

    /// `GET /links/{linkId}/requests`: the app generation requests of one link.
    public func listLinkRequests(linkId: String) async throws -> [OdagRequest] {
        let operation = Operation(method: "GET", path: ["links", linkId, "requests"], missing: "link \(linkId)")
        return try await decode(operation) { json throws(ModelError) in try OdagRequest.list(json: json) }
    }

    /// `POST /links/{linkId}/requests`: submits an app generation request. Never re-sent when its outcome is
    /// unknown.
    public func submitRequest(linkId: String, _ request: OdagRequestCreate) async throws -> OdagRequest {
        let operation = Operation(
            method: "POST", path: ["links", linkId, "requests"], body: request.json, safety: .once,
            missing: "link \(linkId)")
        return try await decode(operation) { json throws(ModelError) in try OdagRequest(json: json) }
    }

    /// `GET /requests`: every app generation request.
    public func listRequests() async throws -> [OdagRequest] {
        let operation = Operation(method: "GET", path: ["requests"])
        return try await decode(operation) { json throws(ModelError) in try OdagRequest.list(json: json) }
    }

    /// `GET /requests/{requestId}`: one request, with its status and generated app.
    public func getRequest(id: String) async throws -> OdagRequest {
        let operation = Operation(method: "GET", path: ["requests", id], missing: "request \(id)")
        return try await decode(operation) { json throws(ModelError) in try OdagRequest(json: json) }
    }

    /// `PUT /requests/{requestId}`: changes a request (for example `status: cancelled`).
    public func updateRequest(id: String, _ update: OdagRequestUpdate) async throws -> OdagRequest {
        let operation = Operation(method: "PUT", path: ["requests", id], body: update.json, missing: "request \(id)")
        return try await decode(operation) { json throws(ModelError) in try OdagRequest(json: json) }
    }

    /// `DELETE /requests/{requestId}/app`: deletes the request's generated app.
    public func deleteRequestApp(requestId: String) async throws {
        let operation = Operation(
            method: "DELETE", path: ["requests", requestId, "app"],
            missing: "request \(requestId) (or its generated app)")
        _ = try await send(operation)
    }

    /// `POST /requests/{requestId}/reloadApp`: reloads the generated app. Never re-sent when its outcome is unknown.
    public func reloadRequestApp(requestId: String) async throws -> OdagRequest {
        let operation = Operation(
            method: "POST", path: ["requests", requestId, "reloadApp"], safety: .once,
            missing: "request \(requestId) (or its generated app)")
        return try await decode(operation) { json throws(ModelError) in try OdagRequest(json: json) }
    }

    /// `POST /requests/{requestId}/renameApp`: renames the generated app (safe to repeat, so retried like a `PUT`).
    public func renameRequestApp(requestId: String, name: String) async throws -> OdagRequest {
        let operation = Operation(
            method: "POST", path: ["requests", requestId, "renameApp"], body: OdagRenameApp(name: name).json,
            missing: "request \(requestId) (or its generated app)")
        return try await decode(operation) { json throws(ModelError) in try OdagRequest(json: json) }
    }
}

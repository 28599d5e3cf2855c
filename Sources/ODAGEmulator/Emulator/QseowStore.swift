import Foundation
import ODAGCore
import Synchronization

/// The `qseow` flavour's links (Qlik's `LinkStateFull`), the apps it knows and the proxy sessions it
/// opened, shared by every connection thread (a class around a `Mutex`, as ``EmulatorStore`` is).
final class QseowStore: Sendable {
    /// A link as served, with what the server keeps but never returns (the selection app that created it).
    struct StoredLink: Sendable {
        var link: [String: JSONValue]
        var selectionApp: String?
        /// The link as served (`LinkStateFull`).
        var bytes: [UInt8] = []
        /// The state file's entry: the link and, beside its members, the selection app.
        var stateBytes: [UInt8] = []

        init(_ link: [String: JSONValue], selectionApp: String?) {
            self.link = link
            self.selectionApp = selectionApp
            refresh()
        }

        mutating func refresh() {
            bytes = JSONWriter.bytes(.object(link))
            var members = link
            if let selectionApp { members["selectionApp"] = .string(selectionApp) }
            stateBytes = JSONWriter.bytes(.object(members))
        }

        var isView: Bool { link["dynamicView"]?.boolValue ?? false }
        var status: String { link["status"]?.stringValue ?? "" }
        var modifiedDate: String { link["modifiedDate"]?.stringValue ?? "" }

        /// The owner as `DIRECTORY\userId`, lowercased, for `optOwner`.
        var ownerKey: String {
            let owner = link["owner"]
            return QseowUser.key(directory: owner?["userDirectory"]?.stringValue, userId: owner?["userId"]?.stringValue)
        }
    }

    /// An app the server knows (`"apps"` in the state file): referenced ids must be among them when any are listed.
    struct App: Sendable, Equatable {
        var id: String
        var name: String
    }

    struct Contents: Sendable {
        var links: [String: StoredLink] = [:]
        /// Link keys (lowercased ids) in creation order; links are never deleted (Qlik documents no delete).
        var linkOrder: [String] = []
        var apps: [App] = []
        /// Bumped by every change that must reach the state file.
        var version: UInt64 = 0
        /// The last timestamp given, in milliseconds since 1970, so `modifiedDate` strictly increases.
        var lastMilliseconds = Int.min
        /// Proxy sessions opened over the state file's life.
        var sessionsCreated = 0
        /// The cookies of the sessions this run opened (memory only: a cookie is a secret).
        var sessions: Set<String> = []

        mutating func insert(_ stored: StoredLink, key: String) {
            links[key] = stored
            linkOrder.append(key)
        }

        func app(_ id: String) -> App? {
            apps.first { $0.id.lowercased() == id.lowercased() }
        }
    }

    /// What `GET /links` lists: `type` `link` (no dynamic views, also without `type`), `view`, or `all`.
    enum Kind: String, CaseIterable {
        case link
        case view
        case all

        func includes(_ stored: StoredLink) -> Bool {
            switch self {
            case .all: return true
            case .link: return !stored.isView
            case .view: return stored.isView
            }
        }
    }

    static let sessionCookie = "X-Qlik-Session"

    private let contents: Mutex<Contents>
    private let clock: any EmulatorClock

    init(contents: Contents, clock: any EmulatorClock) {
        self.contents = Mutex(contents)
        self.clock = clock
    }

    /// A timestamp later than every one given before, even when the clock stands still or goes back.
    private static func stamp(_ contents: inout Contents, _ now: Date) -> String {
        let milliseconds = max(EmulatorTimestamp.milliseconds(now), contents.lastMilliseconds &+ 1)
        contents.lastMilliseconds = milliseconds
        return EmulatorTimestamp.string(milliseconds: milliseconds)
    }

    /// The answer `{objectDef, feedback}` around a link's bytes.
    static func wrapped(_ bytes: [UInt8], feedback: [QseowFeedback]) -> [UInt8] {
        var out = Array("{\"feedback\":".utf8)
        let notes = feedback.map { note -> JSONValue in
            ["infoType": .string(note.infoType ?? "INFO"), "content": .string(note.content ?? "")]
        }
        out.append(contentsOf: JSONWriter.bytes(.array(notes)))
        out.append(contentsOf: ",\"objectDef\":".utf8)
        out.append(contentsOf: bytes)
        out.append(UInt8(ascii: "}"))
        return out
    }

    // MARK: - Links

    /// The `GET /links` body: the links of that kind (and owner, when given) in creation order.
    func listLinks(kind: Kind, ownerKey: String?) -> [UInt8] {
        let parts = contents.withLock { contents in
            contents.linkOrder.compactMap { key -> [UInt8]? in
                guard let stored = contents.links[key], kind.includes(stored) else { return nil }
                if let ownerKey, stored.ownerKey != ownerKey { return nil }
                return stored.bytes
            }
        }
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(parts.reduce(2) { $0 + $1.count + 1 })
        for (index, part) in parts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: part)
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    /// `GET /links/{id}`, wrapped.
    func link(id: String) throws(EmulatorAPIError) -> [UInt8] {
        let key = id.lowercased()
        guard let bytes = contents.withLock({ $0.links[key]?.bytes }) else { throw .linkNotFound(id) }
        return QseowStore.wrapped(bytes, feedback: [])
    }

    /// `POST /links`: a link from a checked add payload, `incomplete` when it names no template app.
    func createLink(_ add: QseowPayload.Add, by user: QseowUser) throws(EmulatorAPIError) -> EmulatorStore.Change {
        let now = clock.now()
        return try contents.withLock { contents throws(EmulatorAPIError) -> EmulatorStore.Change in
            try QseowStore.checkKnown(add.selectionApp, in: contents)
            var link = add.fields
            var feedback: [QseowFeedback] = []
            if let templateApp = add.templateApp {
                link["templateApp"] = try QseowStore.templateApp(templateApp, in: contents)
                link["status"] = add.statusSetting == "disable" ? "disabled" : "active"
            } else {
                link["status"] = "incomplete"
                feedback.append(QseowStore.incompleteNote)
            }
            let id = ODAGUUID.random()
            let timestamp = QseowStore.stamp(&contents, now)
            link["id"] = .string(id)
            link["createdDate"] = .string(timestamp)
            link["modifiedDate"] = .string(timestamp)
            link["owner"] = user.ownerObject
            link["modifiedByUserName"] = .string(user.userId)
            QseowStore.fillDefaults(&link)
            let stored = StoredLink(link, selectionApp: add.selectionApp)
            contents.insert(stored, key: id)
            contents.version += 1
            return EmulatorStore.Change(
                bytes: QseowStore.wrapped(stored.bytes, feedback: feedback), version: contents.version)
        }
    }

    /// `PUT /links/{id}`: `modifiedDate` must be the link's own, a `statusSetting` changes only the status,
    /// and a decommissioned link stays so.
    func modifyLink(id: String, _ modify: QseowPayload.Modify, by user: QseowUser) throws(EmulatorAPIError)
        -> EmulatorStore.Change
    {
        let key = id.lowercased()
        let now = clock.now()
        return try contents.withLock { contents throws(EmulatorAPIError) -> EmulatorStore.Change in
            guard var stored = contents.links[key] else { throw .linkNotFound(id) }
            guard modify.modifiedDate.utf8.elementsEqual(stored.modifiedDate.utf8) else {
                throw EmulatorAPIError(
                    status: 409,
                    message:
                        "modifiedDate \(JSONWriter.string(.string(modify.modifiedDate))) is stale: link \"\(id)\" "
                        + "was modified at \"\(stored.modifiedDate)\"; read it again and send its modifiedDate")
            }
            guard stored.status != "decommissioned" else {
                throw .badRequest("link \"\(id)\" is decommissioned: it cannot be changed or re-activated")
            }
            var feedback: [QseowFeedback] = []
            if let setting = modify.statusSetting {
                if !modify.fields.isEmpty || modify.templateApp != nil {
                    let ignored = (Array(modify.fields.keys) + (modify.templateApp == nil ? [] : ["templateApp"]))
                        .sorted().joined(separator: ", ")
                    feedback.append(
                        QseowFeedback(
                            infoType: "WARN",
                            content: "statusSetting \"\(setting)\" changes only the status; ignored: \(ignored)"))
                }
                switch (setting, stored.status) {
                case ("decommission", _):
                    stored.link["status"] = "decommissioned"
                case (_, "incomplete"):
                    feedback.append(QseowStore.incompleteNote)
                default:
                    stored.link["status"] = setting == "disable" ? "disabled" : "active"
                }
            } else {
                for (name, value) in modify.fields { stored.link[name] = value }
                if let templateApp = modify.templateApp {
                    stored.link["templateApp"] = try QseowStore.templateApp(templateApp, in: contents)
                    if stored.status == "incomplete" {
                        stored.link["status"] = "active"
                        feedback.append(
                            QseowFeedback(infoType: "INFO", content: "the link is complete and now active"))
                    }
                }
            }
            stored.link["modifiedDate"] = .string(QseowStore.stamp(&contents, now))
            stored.link["modifiedByUserName"] = .string(user.userId)
            stored.refresh()
            contents.links[key] = stored
            contents.version += 1
            return EmulatorStore.Change(
                bytes: QseowStore.wrapped(stored.bytes, feedback: feedback), version: contents.version)
        }
    }

    /// `POST /apps/{selAppId}/selAppLinkUsages`: `{id, link}` for each listed link that selection app
    /// created, `{id}` for the others.
    func linkUsages(selectionApp: String, linkIds: [String]) throws(EmulatorAPIError) -> [UInt8] {
        try contents.withLock { contents throws(EmulatorAPIError) -> [UInt8] in
            if !contents.apps.isEmpty && contents.app(selectionApp) == nil {
                throw .notFound("app \"\(selectionApp)\" was not found")
            }
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            for (index, id) in linkIds.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: "{\"id\":".utf8)
                bytes.append(contentsOf: JSONWriter.bytes(.string(id)))
                if let stored = contents.links[id.lowercased()],
                    stored.selectionApp?.lowercased() == selectionApp.lowercased()
                {
                    bytes.append(contentsOf: ",\"link\":".utf8)
                    bytes.append(contentsOf: stored.bytes)
                }
                bytes.append(UInt8(ascii: "}"))
            }
            bytes.append(UInt8(ascii: "]"))
            return bytes
        }
    }

    static let incompleteNote = QseowFeedback(
        infoType: "WARN", content: "the link has no template app: it stays incomplete until one is set")

    /// `404` for an app id the server does not know, when it lists any apps.
    private static func checkKnown(_ id: String, in contents: borrowing Contents) throws(EmulatorAPIError) {
        if !contents.apps.isEmpty && contents.app(id) == nil { throw .notFound("app \"\(id)\" was not found") }
    }

    /// The template app as `LinkStateFull` has it: `{id, name}`.
    private static func templateApp(_ id: String, in contents: borrowing Contents) throws(EmulatorAPIError)
        -> JSONValue
    {
        try checkKnown(id, in: contents)
        let name = contents.app(id)?.name ?? "App \(id.prefix(8))"
        return ["id": .string(contents.app(id)?.id ?? id), "name": .string(name)]
    }

    /// The members a server always fills: no bindings, properties or model groups yet, not a view.
    static func fillDefaults(_ link: inout [String: JSONValue]) {
        if link["bindings"] == nil { link["bindings"] = [] }
        if link["properties"] == nil { link["properties"] = [:] }
        if link["modelGroups"] == nil { link["modelGroups"] = [] }
        if link["dynamicView"] == nil { link["dynamicView"] = false }
        if link["privileges"] == nil { link["privileges"] = ["read", "update"] }
    }

    // MARK: - Sessions

    /// The number of proxy sessions opened over the state file's life.
    var sessionsCreated: Int { contents.withLock { $0.sessionsCreated } }

    /// The number of links held.
    var linkCount: Int { contents.withLock { $0.links.count } }

    // MARK: - Persistence

    /// The state file's bytes, in parts written one after another (each link's entry is kept serialised),
    /// and the version they hold.
    func snapshot() -> (version: UInt64, parts: [[UInt8]]) {
        let (version, apps, links, sessions) = contents.withLock { contents in
            (
                contents.version, contents.apps,
                contents.linkOrder.compactMap { contents.links[$0]?.stateBytes }, contents.sessionsCreated
            )
        }
        let appList = JSONValue.array(apps.map { ["id": .string($0.id), "name": .string($0.name)] })
        var bytes = Array("{\"formatVersion\":1,\"api\":\"qseow\",\"apps\":".utf8)
        bytes.reserveCapacity(links.reduce(256) { $0 + $1.count + 1 })
        bytes.append(contentsOf: JSONWriter.bytes(appList))
        bytes.append(contentsOf: ",\"links\":[".utf8)
        for (index, link) in links.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: link)
        }
        bytes.append(contentsOf: "],\"stats\":{\"sessionsCreated\":\(sessions)}}\n".utf8)
        return (version, [bytes])
    }
}

extension QseowStore: ProxySessions {
    func knows(_ request: HTTPServerRequest) -> Bool {
        let prefix = QseowStore.sessionCookie + "="
        let sent = request.headers.values(for: "Cookie").flatMap { $0.split(separator: ";") }.compactMap {
            pair -> String? in
            let pair = pair.trimmingSpaces()
            return pair.hasPrefix(prefix) ? String(pair.dropFirst(prefix.count)) : nil
        }
        guard !sent.isEmpty else { return false }
        return contents.withLock { contents in sent.contains { contents.sessions.contains($0) } }
    }

    func open() -> String {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
        contents.withLock { contents in
            contents.sessions.insert(id)
            contents.sessionsCreated += 1
            contents.version += 1
        }
        return "\(QseowStore.sessionCookie)=\(id); Path=/; HttpOnly"
    }
}

/// Who a request acts as: `X-Qlik-User: UserDirectory=CORP; UserId=jdoe`, else the emulator's default owner.
struct QseowUser: Sendable, Equatable {
    var directory: String
    var userId: String

    init(directory: String, userId: String) {
        self.directory = directory
        self.userId = userId
    }

    /// From `DIRECTORY\userId` (a name without a directory has an empty one).
    init(qualified: String) {
        let parts = qualified.split(separator: "\\", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            self.init(directory: String(parts[0]), userId: String(parts[1]))
        } else {
            self.init(directory: "", userId: qualified)
        }
    }

    /// Qlik's `UserStateCondensed`, with an id derived from the user so it is the same in every run.
    var ownerObject: JSONValue {
        [
            "id": .string(EmulatorStore.stableUUID(for: "user:" + QseowUser.key(directory: directory, userId: userId))),
            "userId": .string(userId), "userDirectory": .string(directory), "name": .string(userId),
        ]
    }

    static func key(directory: String?, userId: String?) -> String {
        ((directory ?? "") + "\\" + (userId ?? "")).lowercased()
    }
}

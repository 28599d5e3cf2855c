import Foundation
import ODAGCore
import Synchronization

/// The emulator's links and generation requests, shared by every connection thread.
///
/// Connections are plain threads that block on sockets, so the store is a class around a
/// `Mutex` rather than an actor: reaching an actor from a blocking thread would mean a task plus a
/// semaphore per request (a hop and a risk of starving the cooperative pool), while the critical
/// sections here are short and never wait on I/O. Each link keeps its serialised JSON, and the
/// `GET /links` body is cached per version of the link set, so listing 10,000 links is a copy.
final class EmulatorStore: Sendable {
    struct StoredLink: Sendable {
        var link: OdagLink
        /// Position in `Contents.linkOrder`.
        var slot: Int
        var bytes: [UInt8]

        init(_ link: OdagLink, slot: Int) {
            self.link = link
            self.slot = slot
            self.bytes = JSONWriter.bytes(link.json)
        }

        mutating func refresh() { bytes = JSONWriter.bytes(link.json) }
    }

    struct StoredRequest: Sendable {
        var request: OdagRequest
        /// When the current status began; the next step is due `queuedDuration`/`loadingDuration` later.
        var phaseStart: Date
        var bytes: [UInt8]

        init(_ request: OdagRequest, phaseStart: Date) {
            self.request = request
            self.phaseStart = phaseStart
            self.bytes = JSONWriter.bytes(request.json)
        }

        mutating func refresh() { bytes = JSONWriter.bytes(request.json) }
    }

    struct Contents: Sendable {
        var links: [String: StoredLink] = [:]
        /// Link keys in creation order; `nil` where a link was deleted (compacted now and then), so
        /// listing needs no sort and a delete no shift.
        var linkOrder: [String?] = []
        var deletedLinkSlots = 0
        var requests: [String: StoredRequest] = [:]
        var requestOrder: [String] = []
        /// Bumped by every change that must reach the state file.
        var version: UInt64 = 0
        /// Bumped by every change to the link set.
        var linksVersion: UInt64 = 0
        var linksListCache: (version: UInt64, bytes: [UInt8])?

        /// Adds a link at the end of the order (`key` is its lowercased id).
        mutating func insertLink(_ link: OdagLink, key: String) -> StoredLink {
            let stored = StoredLink(link, slot: linkOrder.count)
            linkOrder.append(key)
            links[key] = stored
            return stored
        }

        /// Removes a link; `false` when there is none with that key.
        mutating func removeLink(key: String) -> Bool {
            guard let stored = links.removeValue(forKey: key) else { return false }
            linkOrder[stored.slot] = nil
            deletedLinkSlots += 1
            if deletedLinkSlots > 64 && deletedLinkSlots * 2 > linkOrder.count {
                linkOrder = linkOrder.filter { $0 != nil }
                deletedLinkSlots = 0
                for (slot, key) in linkOrder.enumerated() {
                    if let key { links[key]?.slot = slot }
                }
            }
            return true
        }
    }

    private let contents: Mutex<Contents>
    private let clock: any EmulatorClock
    private let queuedDuration: Double
    private let loadingDuration: Double

    init(contents: Contents, clock: any EmulatorClock, queuedDuration: Double, loadingDuration: Double) {
        self.contents = Mutex(contents)
        self.clock = clock
        self.queuedDuration = queuedDuration
        self.loadingDuration = loadingDuration
    }

    /// A result that changed the state, with the version the state file must reach before answering.
    struct Change: Sendable {
        var bytes: [UInt8]
        var version: UInt64
    }

    private func now() -> (Date, String) {
        let date = clock.now()
        return (date, EmulatorTimestamp.string(date))
    }

    // MARK: - Links

    /// The `GET /links` body: every link in creation order.
    func listLinks() -> [UInt8] {
        linksList(contents.withLock { EmulatorStore.linksParts($0) })
    }

    /// Either the cached list, or the pieces to build it from. Gathering the pieces (references to
    /// each link's bytes) is all that happens under the lock; the megabytes are copied outside it.
    private enum LinksParts {
        case cached([UInt8])
        case parts(version: UInt64, [[UInt8]], capacity: Int)
    }

    private static func linksParts(_ contents: borrowing Contents) -> LinksParts {
        if let cache = contents.linksListCache, cache.version == contents.linksVersion { return .cached(cache.bytes) }
        var parts: [[UInt8]] = []
        parts.reserveCapacity(contents.links.count)
        for key in contents.linkOrder {
            guard let key, let stored = contents.links[key] else { continue }
            parts.append(stored.bytes)
        }
        return .parts(
            version: contents.linksVersion, parts, capacity: (contents.linksListCache?.bytes.count ?? 0) + 4096)
    }

    private func linksList(_ gathered: LinksParts) -> [UInt8] {
        switch gathered {
        case .cached(let bytes):
            return bytes
        case .parts(let version, let parts, let capacity):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(capacity)
            bytes.append(UInt8(ascii: "["))
            for (index, part) in parts.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: part)
            }
            bytes.append(UInt8(ascii: "]"))
            contents.withLock { contents in
                if contents.linksVersion == version { contents.linksListCache = (version, bytes) }
            }
            return bytes
        }
    }

    func link(id: String) throws(EmulatorAPIError) -> [UInt8] {
        let key = id.lowercased()
        guard let bytes = contents.withLock({ $0.links[key]?.bytes }) else { throw .linkNotFound(id) }
        return bytes
    }

    func createLink(_ create: OdagLinkCreate, owner: String) -> Change {
        let (_, timestamp) = now()
        let id = ODAGUUID.random()
        let link = OdagLink(
            id: id, createdDate: timestamp, modifiedDate: timestamp, name: create.name,
            selectionAppId: create.selectionAppId, templateAppId: create.templateAppId,
            properties: create.properties ?? OdagLinkProperties(), owner: owner, status: "active")
        return contents.withLock { contents in
            let stored = contents.insertLink(link, key: id)
            contents.linksVersion += 1
            contents.version += 1
            return Change(bytes: stored.bytes, version: contents.version)
        }
    }

    func updateLink(id: String, _ update: OdagLinkUpdate) throws(EmulatorAPIError) -> Change {
        let key = id.lowercased()
        let (_, timestamp) = now()
        return try contents.withLock { contents throws(EmulatorAPIError) -> Change in
            guard var stored = contents.links[key] else { throw .linkNotFound(id) }
            for field in ["selectionAppId", "templateAppId"] {
                if let sent = update.extra[field], sent != stored.link.json[field] {
                    throw .badRequest(
                        "\(field): cannot be changed by an update (delete the link and create it again)")
                }
            }
            if let name = update.name { stored.link.name = name }
            if let properties = update.properties { stored.link.properties = properties }
            stored.link.modifiedDate = timestamp
            stored.refresh()
            contents.links[key] = stored
            contents.linksVersion += 1
            contents.version += 1
            return Change(bytes: stored.bytes, version: contents.version)
        }
    }

    func deleteLink(id: String) throws(EmulatorAPIError) -> UInt64 {
        let key = id.lowercased()
        return try contents.withLock { contents throws(EmulatorAPIError) -> UInt64 in
            guard contents.removeLink(key: key) else { throw .linkNotFound(id) }
            contents.linksVersion += 1
            contents.version += 1
            return contents.version
        }
    }

    // MARK: - Requests

    /// Requests of one link (`linkId` given; the link must exist) or all requests, in creation order.
    func listRequests(linkId: String?) throws(EmulatorAPIError) -> [UInt8] {
        let (date, _) = now()
        return try contents.withLock { contents throws(EmulatorAPIError) -> [UInt8] in
            var key: String?
            if let linkId {
                key = linkId.lowercased()
                guard contents.links[linkId.lowercased()] != nil else { throw .linkNotFound(linkId) }
            }
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            var first = true
            for id in contents.requestOrder {
                guard var stored = contents.requests[id] else { continue }
                if let key, stored.request.linkId?.lowercased() != key { continue }
                if advance(&stored, to: date) { contents.requests[id] = stored }
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                bytes.append(contentsOf: stored.bytes)
            }
            bytes.append(UInt8(ascii: "]"))
            return bytes
        }
    }

    func createRequest(linkId: String, _ create: OdagRequestCreate, owner: String) throws(EmulatorAPIError) -> Change {
        let (date, timestamp) = now()
        let key = linkId.lowercased()
        return try contents.withLock { contents throws(EmulatorAPIError) -> Change in
            guard let link = contents.links[key]?.link else { throw .linkNotFound(linkId) }
            try SelectionRule.check(create.selectionState, against: link)
            let id = ODAGUUID.random()
            let request = OdagRequest(
                id: id, createdDate: timestamp, modifiedDate: timestamp, linkId: link.id,
                selectionAppId: link.selectionAppId, templateAppId: link.templateAppId, owner: owner,
                status: "queued", selectionState: create.selectionState)
            let stored = StoredRequest(request, phaseStart: date)
            contents.requests[id] = stored
            contents.requestOrder.append(id)
            contents.version += 1
            return Change(bytes: stored.bytes, version: contents.version)
        }
    }

    func request(id: String) throws(EmulatorAPIError) -> [UInt8] {
        try modifyRequest(id: id, persist: false) { _, _, _ throws(EmulatorAPIError) in false }.bytes
    }

    func updateRequest(id: String, _ update: OdagRequestUpdate) throws(EmulatorAPIError) -> Change {
        // The API document requires no member: a body that sets nothing changes nothing, as on a real server.
        guard let status = update.status else {
            return try modifyRequest(id: id, persist: false) { _, _, _ throws(EmulatorAPIError) in false }
        }
        guard status == "cancelled" else {
            throw .badRequest("status: only \"cancelled\" can be set, found \(JSONWriter.string(.string(status)))")
        }
        return try modifyRequest(id: id, persist: true) { stored, _, timestamp throws(EmulatorAPIError) in
            let current = stored.request.status ?? "queued"
            guard current == "queued" || current == "loading" else {
                throw .badRequest("request \"\(id)\" is \(current) and can no longer be cancelled")
            }
            stored.request.status = "cancelled"
            stored.request.statusMessage = "cancelled by request"
            stored.request.modifiedDate = timestamp
            return true
        }
    }

    func reloadApp(id: String) throws(EmulatorAPIError) -> Change {
        try modifyRequest(id: id, persist: true) { stored, date, timestamp throws(EmulatorAPIError) in
            guard stored.request.generatedAppId != nil else {
                throw .notFound("request \"\(id)\" has no generated app")
            }
            stored.request.status = "loading"
            stored.request.statusMessage = "reloading the generated app"
            stored.request.modifiedDate = timestamp
            stored.phaseStart = date
            return true
        }
    }

    func renameApp(id: String, name: String) throws(EmulatorAPIError) -> Change {
        try modifyRequest(id: id, persist: true) { stored, _, timestamp throws(EmulatorAPIError) in
            let status = stored.request.status ?? "queued"
            let appGone =
                status == "failed" || status == "cancelled"
                || (status == "completed" && stored.request.generatedAppId == nil)
            if appGone { throw .notFound("request \"\(id)\" has no generated app") }
            stored.request.generatedAppName = name
            stored.request.modifiedDate = timestamp
            return true
        }
    }

    func deleteApp(id: String) throws(EmulatorAPIError) -> UInt64 {
        try modifyRequest(id: id, persist: true) { stored, _, timestamp throws(EmulatorAPIError) in
            guard stored.request.generatedAppId != nil else {
                throw .notFound("request \"\(id)\" has no generated app")
            }
            stored.request.generatedAppId = nil
            stored.request.statusMessage = "the generated app was deleted"
            stored.request.modifiedDate = timestamp
            return true
        }.version
    }

    /// Brings a request up to date, lets `body` change it (returning whether it did), and returns its JSON.
    private func modifyRequest(
        id: String, persist: Bool,
        _ body: (inout StoredRequest, Date, String) throws(EmulatorAPIError) -> Bool
    ) throws(EmulatorAPIError) -> Change {
        let key = id.lowercased()
        let (date, timestamp) = now()
        return try contents.withLock { contents throws(EmulatorAPIError) -> Change in
            guard var stored = contents.requests[key] else { throw .requestNotFound(id) }
            var changed = advance(&stored, to: date)
            if try body(&stored, date, timestamp) {
                stored.refresh()
                changed = true
                if persist { contents.version += 1 }
            }
            if changed { contents.requests[key] = stored }
            return Change(bytes: stored.bytes, version: contents.version)
        }
    }

    /// Moves a request through `queued → loading → completed|failed` as far as `date` allows. The
    /// steps are computed from the stored times, so they need not be saved: a restarted emulator
    /// derives the same statuses, dates and generated app id.
    private func advance(_ stored: inout StoredRequest, to date: Date) -> Bool {
        var changed = false
        while true {
            switch stored.request.status {
            case "queued":
                let due = stored.phaseStart.addingTimeInterval(queuedDuration)
                guard date >= due else { return finish(&stored, changed) }
                stored.request.status = "loading"
                stored.request.statusMessage = "generating the app"
                stored.request.modifiedDate = EmulatorTimestamp.string(due)
                stored.phaseStart = due
                changed = true
            case "loading":
                let due = stored.phaseStart.addingTimeInterval(loadingDuration)
                guard date >= due else { return finish(&stored, changed) }
                if SelectionRule.requestsFailure(stored.request.selectionState) {
                    stored.request.status = "failed"
                    stored.request.statusMessage =
                        "app generation failed: the selection contains \"\(EmulatorConfiguration.failingSelectionValue)\""
                } else {
                    let requestId = stored.request.id ?? ""
                    stored.request.status = "completed"
                    stored.request.statusMessage = "the app was generated"
                    if stored.request.generatedAppId == nil {
                        stored.request.generatedAppId = EmulatorStore.generatedAppId(forRequest: requestId)
                    }
                    if stored.request.generatedAppName == nil {
                        stored.request.generatedAppName = "ODAG app \(requestId.prefix(8))"
                    }
                }
                stored.request.modifiedDate = EmulatorTimestamp.string(due)
                stored.phaseStart = due
                changed = true
            default:
                return finish(&stored, changed)
            }
        }
    }

    private func finish(_ stored: inout StoredRequest, _ changed: Bool) -> Bool {
        if changed { stored.refresh() }
        return changed
    }

    /// A stable UUID for a request's generated app (derived, so a restart gives the same id).
    static func generatedAppId(forRequest requestId: String) -> String {
        stableUUID(for: requestId)
    }

    /// A UUID derived from `text` alone, so the same text gives the same id in every run.
    static func stableUUID(for text: String) -> String {
        var generator = SplitMix64(seed: fnv1a(text))
        return ODAGUUID.random(using: &generator)
    }

    private static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    // MARK: - Persistence

    /// The state file's bytes, in parts written one after another (the links part is the cached
    /// `GET /links` body, not copied again), and the version they hold.
    func snapshot() -> (version: UInt64, parts: [[UInt8]]) {
        let (version, links, requestParts) = contents.withLock { contents in
            let requests = contents.requestOrder.compactMap { contents.requests[$0]?.bytes }
            return (contents.version, EmulatorStore.linksParts(contents), requests)
        }
        var requests: [UInt8] = []
        requests.reserveCapacity(requestParts.reduce(16) { $0 + $1.count + 1 })
        requests.append(contentsOf: ",\"requests\":[".utf8)
        for (index, part) in requestParts.enumerated() {
            if index > 0 { requests.append(UInt8(ascii: ",")) }
            requests.append(contentsOf: part)
        }
        requests.append(contentsOf: "]}\n".utf8)
        return (version, [Array("{\"formatVersion\":1,\"links\":".utf8), linksList(links), requests])
    }

    /// The number of links (for tests and diagnostics).
    var linkCount: Int { contents.withLock { $0.links.count } }
}

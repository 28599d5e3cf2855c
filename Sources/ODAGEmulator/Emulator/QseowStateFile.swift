import Foundation
import ODAGCore

/// The `qseow` flavour's state file:
/// `{"formatVersion":1,"api":"qseow","apps":[{id,name}],"links":[…],"stats":{"sessionsCreated":N}}`.
///
/// Each link is Qlik's `LinkStateFull` with, beside its members, the `selectionApp` that created it
/// (kept by the server, never served). As for the document flavour the file doubles as a seed: a
/// hand-written link needs only `name` (and `selectionApp`, `templateApp` as an id or object); the
/// server-set members are filled in and the file rewritten at start. Cookies are never written.
extension StateFile {
    /// What a `qseow` state file holds once read.
    struct QseowLoaded {
        var contents: QseowStore.Contents
        /// Whether members were filled in, so the file should be rewritten.
        var normalized: Bool
    }

    static func decodeQseow(root: JSONValue, path: String, defaultOwner: String, now: Date) throws(EmulatorError)
        -> QseowLoaded
    {
        do {
            return try decodeQseow(root, defaultOwner: QseowUser(qualified: defaultOwner), now: now)
        } catch {
            throw .stateFileInvalid(path: path, reason: error.description)
        }
    }

    private static func decodeQseow(_ root: JSONValue, defaultOwner: QseowUser, now: Date) throws(ModelError)
        -> QseowLoaded
    {
        let reader = try JSONObjectReader(root)
        if let version = reader.members["formatVersion"], version.intValue != 1 {
            throw ModelError(path: "formatVersion", message: "expected 1, found \(version.snippet())")
        }
        let known = ["formatVersion", "api", "apps", "links", "stats"]
        for key in reader.members.keys.sorted() where !known.contains(key) {
            throw ModelError(path: key, message: "unknown member (expected \(known.joined(separator: ", ")))")
        }
        var contents = QseowStore.Contents()
        var normalized = false
        contents.apps =
            try reader.array("apps") { (value, at) throws(ModelError) in
                let app = try JSONObjectReader(value, path: at)
                let id = try app.requiredUUID("id")
                return QseowStore.App(id: id, name: try app.string("name") ?? "App \(id.prefix(8))")
            } ?? []
        var appIds: Set<String> = []
        for (index, app) in contents.apps.enumerated() where !appIds.insert(app.id.lowercased()).inserted {
            throw ModelError(path: "apps[\(index)].id", message: "duplicate app id \"\(app.id)\"")
        }
        if let stats = try reader.object("stats") {
            contents.sessionsCreated = try JSONObjectReader(stats, path: "stats").int("sessionsCreated") ?? 0
        }
        let timestamp = EmulatorTimestamp.string(now)
        let entries = try reader.array("links") { (value, at) throws(ModelError) in (value, at) } ?? []
        for (value, at) in entries {
            var (link, filled) = try seededLink(
                value, path: at, defaultOwner: defaultOwner, timestamp: timestamp, apps: contents.apps)
            let entry = try JSONObjectReader(value, path: at)
            let selectionApp = try entry.uuid("selectionApp")
            link.removeValue(forKey: "selectionApp")
            normalized = normalized || filled
            // The whole link read as a client reads it, so a seed can never serve a shape Qlik does not.
            let checked = try OdagLink(qseowJSON: .object(link), path: at)
            if let status = checked.status, !QseowLinkState.statuses.contains(status) {
                let statuses = QseowLinkState.statuses.sorted().joined(separator: ", ")
                throw ModelError(
                    path: JSONPath.appending(key: "status", to: at),
                    message: "expected one of \(statuses), found \"\(status)\"")
            }
            let key = (checked.id ?? "").lowercased()
            guard ODAGUUID.isValid(key) else {
                throw ModelError(
                    path: JSONPath.appending(key: "id", to: at), message: "expected a UUID, found \"\(key)\"")
            }
            guard contents.links[key] == nil else {
                throw ModelError(path: JSONPath.appending(key: "id", to: at), message: "duplicate link id \"\(key)\"")
            }
            for date in [checked.createdDate, checked.modifiedDate].compactMap({ $0 }) {
                if let parsed = EmulatorTimestamp.date(date) {
                    let milliseconds = Int((parsed.timeIntervalSince1970 * 1000).rounded())
                    contents.lastMilliseconds = max(contents.lastMilliseconds, milliseconds)
                }
            }
            contents.insert(QseowStore.StoredLink(link, selectionApp: selectionApp), key: key)
        }
        return QseowLoaded(contents: contents, normalized: normalized)
    }

    /// A seed link with the server-set members filled in, and whether any was missing.
    private static func seededLink(
        _ value: JSONValue, path: String, defaultOwner: QseowUser, timestamp: String, apps: [QseowStore.App]
    ) throws(ModelError) -> ([String: JSONValue], Bool) {
        let reader = try JSONObjectReader(value, path: path)
        guard let name = try reader.string("name"), !name.isEmpty else {
            throw ModelError(path: JSONPath.appending(key: "name", to: path), message: "is required")
        }
        var link = reader.members
        let before = link
        if case .string(let id) = link["templateApp"] {
            let name = apps.first { $0.id.lowercased() == id.lowercased() }?.name ?? "App \(id.prefix(8))"
            link["templateApp"] = ["id": .string(id), "name": .string(name)]
        }
        if link["id"] == nil { link["id"] = .string(ODAGUUID.random()) }
        if link["createdDate"] == nil { link["createdDate"] = .string(timestamp) }
        if link["modifiedDate"] == nil { link["modifiedDate"] = link["createdDate"] }
        if link["owner"] == nil { link["owner"] = defaultOwner.ownerObject }
        if link["modifiedByUserName"] == nil {
            link["modifiedByUserName"] = link["owner"]?["userId"] ?? .string(defaultOwner.userId)
        }
        if link["status"] == nil { link["status"] = link["templateApp"] == nil ? "incomplete" : "active" }
        if case .array(let bindings) = link["bindings"] {
            link["bindings"] = .array(
                bindings.map { binding in
                    guard case .object(var members) = binding else { return binding }
                    if members["selectionStates"] == nil { members["selectionStates"] = "SO" }
                    if members["numericOnly"] == nil { members["numericOnly"] = false }
                    return .object(members)
                })
        }
        QseowStore.fillDefaults(&link)
        return (link, link != before)
    }
}

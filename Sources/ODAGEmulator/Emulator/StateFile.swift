import Foundation
import ODAGCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state file: `{"formatVersion":1,"links":[…],"requests":[…]}`.
///
/// It doubles as a seed: a hand-written file may omit the server-set fields of a link (`id`,
/// dates, `owner`, `status`); they are filled in and the file is rewritten at start. Unknown
/// fields anywhere are kept.
enum StateFile {
    /// What a state file holds once read.
    struct Loaded {
        var contents: EmulatorStore.Contents
        /// Whether fields were filled in, so the file should be rewritten.
        var normalized: Bool
    }

    /// Reads and checks the state file at `path`; `nil` when it does not exist.
    static func load(path: String, defaultOwner: String, now: Date) throws(EmulatorError) -> Loaded? {
        guard let root = try read(path: path) else { return nil }
        return try decode(root: root, path: path, defaultOwner: defaultOwner, now: now)
    }

    /// Reads and parses the state file at `path` as JSON; `nil` when it does not exist.
    static func read(path: String) throws(EmulatorError) -> JSONValue? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .stateFileUnreadable(path: path, reason: "\(error.localizedDescription)".lowercased())
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw .stateFileInvalid(path: path, reason: error.description)
        }
    }

    /// The flavour a parsed state file records in its `api` member; without one it is the document's.
    static func flavour(of root: JSONValue, path: String) throws(EmulatorError) -> APIFlavour {
        guard let api = root["api"] else { return .document }
        guard let name = api.stringValue, let flavour = APIFlavour(rawValue: name) else {
            let names = APIFlavour.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
            throw .stateFileInvalid(path: path, reason: "api: expected \(names), found \(api.snippet())")
        }
        return flavour
    }

    /// Whether a parsed state file holds anything (links, requests or apps) a flavour could lose.
    static func holdsData(_ root: JSONValue) -> Bool {
        ["links", "requests", "apps"].contains { !(root[$0]?.arrayValue?.isEmpty ?? true) }
    }

    /// Checks and converts a state file's bytes; `path` only names the file in errors.
    static func decode(_ bytes: [UInt8], path: String, defaultOwner: String, now: Date) throws(EmulatorError) -> Loaded
    {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw .stateFileInvalid(path: path, reason: error.description)
        }
        return try decode(root: root, path: path, defaultOwner: defaultOwner, now: now)
    }

    /// Checks and converts a parsed state file of the document flavour; `path` only names the file in errors.
    static func decode(root: JSONValue, path: String, defaultOwner: String, now: Date) throws(EmulatorError) -> Loaded {
        do {
            return try decode(root, defaultOwner: defaultOwner, now: now)
        } catch {
            throw .stateFileInvalid(path: path, reason: error.description)
        }
    }

    private static func decode(_ root: JSONValue, defaultOwner: String, now: Date) throws(ModelError) -> Loaded {
        let reader = try JSONObjectReader(root)
        if let version = reader.members["formatVersion"] {
            guard version.intValue == 1 else {
                throw ModelError(path: "formatVersion", message: "expected 1, found \(version.snippet())")
            }
        }
        if let api = reader.members["api"], api != .string(APIFlavour.document.rawValue) {
            throw ModelError(path: "api", message: "expected \"document\", found \(api.snippet())")
        }
        for key in reader.members.keys where !["formatVersion", "api", "links", "requests"].contains(key) {
            throw ModelError(path: key, message: "unknown member (expected formatVersion, links, requests)")
        }
        let timestamp = EmulatorTimestamp.string(now)
        var contents = EmulatorStore.Contents()
        var normalized = false

        let links =
            try reader.array("links") { (value, path) throws(ModelError) in
                (try OdagLink(json: value, path: path), path)
            } ?? []
        for (link, path) in links {
            var link = link
            guard let name = link.name, !name.isEmpty else {
                throw ModelError(path: JSONPath.appending(key: "name", to: path), message: "is required")
            }
            for (key, value) in [("selectionAppId", link.selectionAppId), ("templateAppId", link.templateAppId)]
            where value == nil {
                throw ModelError(path: JSONPath.appending(key: key, to: path), message: "is required")
            }
            if link.id == nil {
                link.id = ODAGUUID.random()
                normalized = true
            }
            if link.createdDate == nil || link.modifiedDate == nil || link.owner == nil || link.status == nil
                || link.properties == nil
            {
                normalized = true
            }
            link.createdDate = link.createdDate ?? timestamp
            link.modifiedDate = link.modifiedDate ?? link.createdDate
            link.owner = link.owner ?? defaultOwner
            link.status = link.status ?? "active"
            link.properties = link.properties ?? OdagLinkProperties()
            let key = (link.id ?? "").lowercased()
            guard contents.links[key] == nil else {
                throw ModelError(
                    path: JSONPath.appending(key: "id", to: path), message: "duplicate link id \"\(key)\"")
            }
            _ = contents.insertLink(link, key: key)
        }

        let requests =
            try reader.array("requests") { (value, path) throws(ModelError) in
                (try OdagRequest(json: value, path: path), path)
            } ?? []
        for (request, path) in requests {
            guard let id = request.id else {
                throw ModelError(path: JSONPath.appending(key: "id", to: path), message: "is required")
            }
            if let status = request.status, !OdagRequest.statuses.contains(status) {
                throw ModelError(
                    path: JSONPath.appending(key: "status", to: path),
                    message: "expected one of \(OdagRequest.statuses.joined(separator: ", ")), found \"\(status)\"")
            }
            let key = id.lowercased()
            guard contents.requests[key] == nil else {
                throw ModelError(
                    path: JSONPath.appending(key: "id", to: path), message: "duplicate request id \"\(key)\"")
            }
            var request = request
            if request.status == nil {
                request.status = "queued"
                normalized = true
            }
            let phaseStart = (request.modifiedDate ?? request.createdDate).flatMap(EmulatorTimestamp.date) ?? now
            contents.requests[key] = EmulatorStore.StoredRequest(request, phaseStart: phaseStart)
            contents.requestOrder.append(key)
        }
        return Loaded(contents: contents, normalized: normalized)
    }

    /// Replaces the file at `path` with `bytes` atomically and durably: a temporary file in the same
    /// folder is written and `fsync`ed, renamed over the old one, and the folder is `fsync`ed, so a
    /// crash leaves either the old or the new file, never a torn one. With `sync` off the `fsync`s
    /// are skipped: still atomic, and still safe against a killed process (the kernel keeps what was
    /// written), but not against a power cut.
    ///
    /// The temporary file gets a fresh unguessable name and is created exclusively (`O_EXCL`,
    /// `O_NOFOLLOW`), so nothing planted in the folder (a symbolic link to another file) is ever
    /// written through. The state file keeps its permission bits: a `0600` file stays `0600`.
    static func writeAtomically(
        _ parts: [[UInt8]], to path: String, sync: Bool = true,
        suffix: () -> String = { String(UInt64.random(in: 0...UInt64.max), radix: 16) }
    ) throws(EmulatorError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var existing = stat()
        let keptMode: mode_t? = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : nil
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<8 {
            temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-" + suffix()
            // A new file starts as the umask allows, as before; a rewrite starts private and gets the old mode.
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, keptMode == nil ? 0o644 : 0o600)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw .stateFileWriteFailed(path: path, reason: systemMessage(errno)) }
        if let keptMode, fchmod(fd, keptMode) != 0 {
            let code = errno
            close(fd)
            unlink(temporary)
            throw .stateFileWriteFailed(path: path, reason: systemMessage(code))
        }
        for bytes in parts {
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return -1 }
                    return write(fd, base + offset, bytes.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    close(fd)
                    unlink(temporary)
                    throw .stateFileWriteFailed(path: path, reason: systemMessage(code))
                }
                offset += written
            }
        }
        if sync && fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temporary)
            throw .stateFileWriteFailed(path: path, reason: systemMessage(code))
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw .stateFileWriteFailed(path: path, reason: systemMessage(code))
        }
        guard sync else { return }
        let folderFD = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    /// Removes temporary files a killed emulator left beside the state file (`.NAME.tmp-PID-RANDOM`).
    static func removeStaleTemporaryFiles(of path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + ".tmp-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.hasPrefix(prefix) {
            // Only this user's own leftovers; whatever another user put there is theirs.
            var status = stat()
            guard lstat(folder + "/" + name, &status) == 0, status.st_uid == geteuid() else { continue }
            unlink(folder + "/" + name)
        }
    }

    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}

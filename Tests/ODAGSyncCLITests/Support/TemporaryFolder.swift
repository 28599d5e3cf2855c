import Foundation

/// A fresh folder under the system's temporary folder, removed by ``remove()``.
struct TemporaryFolder: Sendable {
    /// The folder's absolute path.
    let root: String

    /// Creates the folder.
    init(prefix: String = "e2e") throws {
        let base = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        root = (base as NSString).appendingPathComponent("odag-sync-\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// The absolute path of `relative` inside the folder.
    func path(_ relative: String) -> String {
        (root as NSString).appendingPathComponent(relative)
    }

    /// Writes `text` to `relative`, creating folders on the way; returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let file = path(relative)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// The text of `relative`, or "" when it cannot be read.
    func read(_ relative: String) -> String {
        guard let data = FileManager.default.contents(atPath: path(relative)) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether `relative` exists.
    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    /// Copies the file or folder at `source` to `relative`; returns the absolute path.
    @discardableResult
    func copy(_ source: String, to relative: String) throws -> String {
        let target = path(relative)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: target)
        return target
    }

    /// Removes the folder and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

import Foundation

/// A fresh folder under the system's temporary folder that removes itself, with everything in it,
/// when the last reference to it goes (or earlier, with ``remove()``).
///
/// Keep the value in a variable for as long as its paths are in use: a local variable lives to the
/// end of its scope, so a test that holds it never sees its files vanish mid-test.
public final class TemporaryFolder: Sendable {
    /// The folder's absolute path, symbolic links resolved.
    public let root: String

    /// Creates the folder, named `odag-sync-PREFIX-` and a random suffix.
    public init(prefix: String = "test") throws {
        let base = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        root = (base as NSString).appendingPathComponent("odag-sync-\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// Creates the folder holding `files` (relative path to text), folders made on the way.
    public convenience init(prefix: String = "test", files: [String: String]) throws {
        try self.init(prefix: prefix)
        for (relative, text) in files { try write(relative, text) }
    }

    deinit { remove() }

    /// The absolute path of `relative` inside the folder.
    public func path(_ relative: String) -> String {
        (root as NSString).appendingPathComponent(relative)
    }

    /// Writes `text` to `relative`, creating folders on the way; returns the absolute path.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, bytes: Array(text.utf8))
    }

    /// Writes `bytes` to `relative`, creating folders on the way; returns the absolute path.
    @discardableResult
    public func write(_ relative: String, bytes: [UInt8]) throws -> String {
        let file = path(relative)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// The text of `relative`, or "" when it cannot be read.
    public func read(_ relative: String) -> String {
        guard let data = FileManager.default.contents(atPath: path(relative)) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether `relative` exists.
    public func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    /// Copies the file or folder at `source` to `relative`; returns the absolute path.
    @discardableResult
    public func copy(_ source: String, to relative: String) throws -> String {
        let target = path(relative)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: target)
        return target
    }

    /// Removes the folder and everything in it now; later calls do nothing.
    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

import Foundation
import Testing

/// Compares rendered output with a golden file under `Fixtures/golden/`, byte for byte.
///
/// With `RECORD_SNAPSHOTS=1` in the environment the golden file in the source tree is (re)written
/// instead; rebuild and run again to compare against it (the test bundle holds a copy).
enum GoldenFile {
    /// The golden folder in the source tree, where recording writes.
    static let sourceFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden", isDirectory: true)

    /// Whether goldens are being recorded.
    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    /// Checks `actual` against the golden file `name`, or records it.
    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if recording {
            try FileManager.default.createDirectory(at: sourceFolder, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: sourceFolder.appendingPathComponent(name), options: .atomic)
            return
        }
        let folder = try #require(
            Bundle.module.url(forResource: "Fixtures", withExtension: nil), "the Fixtures resource is missing",
            sourceLocation: sourceLocation)
        let url = folder.appendingPathComponent("golden").appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record(
                "golden file golden/\(name) is missing; run with RECORD_SNAPSHOTS=1 to record it",
                sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard expected != actual else { return }
        Issue.record(
            Comment(rawValue: difference(expected: expected, actual: actual, name: name)),
            sourceLocation: sourceLocation)
    }

    /// The first line that differs, shown with escapes visible, and how to re-record.
    static func difference(expected: String, actual: String, name: String) -> String {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var line = 0
        while line < min(expectedLines.count, actualLines.count) && expectedLines[line] == actualLines[line] {
            line += 1
        }
        func show(_ lines: [Substring]) -> String {
            line < lines.count ? String(reflecting: String(lines[line])) : "(end of output)"
        }
        return """
            output differs from golden/\(name) at line \(line + 1) \
            (expected \(expectedLines.count) lines, got \(actualLines.count)):
              expected: \(show(expectedLines))
              actual:   \(show(actualLines))
            run with RECORD_SNAPSHOTS=1 to re-record it if the change is intended
            """
    }
}

import Foundation
import Testing

/// Finds the test fixtures (copied into the test bundle) and, for re-recording, their sources.
enum FixtureFiles {
    /// The process environment every golden case sees.
    static let processEnvironment = ["ODAG_STREAM": "a5b6c7d8-0000-4000-8000-000000000001"]

    /// `Fixtures/manifests` inside the test bundle.
    static var manifestsFolder: String {
        get throws {
            let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            return url.appendingPathComponent("manifests").path
        }
    }

    /// `Fixtures/manifests` in the source tree, where re-recorded golden files are written.
    static func sourceManifestsFolder(filePath: String = #filePath) -> String {
        let support = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        return support.deletingLastPathComponent().appendingPathComponent("Fixtures/manifests").path
    }

    /// Whether golden files are being re-recorded (`RECORD_SNAPSHOTS=1`).
    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    /// Compares `actual` with the golden file `name` under case `folder`, or rewrites it when recording.
    static func expectMatchesGolden(
        _ actual: String, folder: String, name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        if isRecording {
            let path = sourceManifestsFolder() + "/" + folder + "/" + name
            try Data(actual.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let path = try manifestsFolder + "/" + folder + "/" + name
        let data = try #require(
            FileManager.default.contents(atPath: path),
            "missing golden file \(folder)/\(name); record with RECORD_SNAPSHOTS=1",
            sourceLocation: sourceLocation)
        let expected = String(decoding: data, as: UTF8.self)
        #expect(actual == expected, "golden \(folder)/\(name) differs", sourceLocation: sourceLocation)
    }
}

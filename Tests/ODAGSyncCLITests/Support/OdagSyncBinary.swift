import Foundation

/// The built `odag-sync` executable and the package it was built from.
enum OdagSyncBinary {
    /// The package's root folder (the one holding `Package.swift`).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
            url = url.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// The executable: next to the test bundle (`swift test` builds every product into the same
    /// folder), else in `.build/debug`.
    static let path: String = {
        var candidates: [String] = []
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("odag-sync").path)
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("odag-sync").path)
        candidates.append((packageRoot as NSString).appendingPathComponent(".build/debug/odag-sync"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last ?? "odag-sync"
    }()

    /// The folder holding the executable, to put first on `PATH`.
    static var folder: String { (path as NSString).deletingLastPathComponent }

    /// A path inside the package, such as `examples/quickstart/links`.
    static func inPackage(_ relative: String) -> String {
        (packageRoot as NSString).appendingPathComponent(relative)
    }

    /// A clean environment: the binary's folder first on `PATH`, no `ODAG_*` variables of the
    /// person running the tests, no colours; then `extra`.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        let systemPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        var environment = [
            "PATH": folder + ":" + systemPath,
            "HOME": FileManager.default.temporaryDirectory.path,
            "TERM": "dumb",
            "LANG": "C.UTF-8",
        ]
        environment.merge(extra) { $1 }
        return environment
    }

    /// Runs `odag-sync arguments…` in `directory` and waits for it (`timeout` is a hang guard).
    static func run(
        _ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:],
        timeout: Duration = .seconds(300)
    ) async throws -> ProcessResult {
        try await ChildProcess.run(
            path, arguments, environment: environment(extra), directory: directory ?? packageRoot, timeout: timeout)
    }
}

// swift-tools-version:6.0
import PackageDescription

// odag-sync takes no package dependencies: everything below is built from the Swift toolchain alone
// (Foundation, Dispatch, Glibc, Swift Testing, XCTest). libcurl is loaded at run time, not linked.
let package = Package(
    name: "odag-sync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "odag-sync", targets: ["odag-sync"]),
        .executable(name: "odag-sync-bench", targets: ["odag-sync-bench"]),
        .library(name: "ODAGClient", targets: ["ODAGClient"]),
        .library(name: "ODAGEmulator", targets: ["ODAGEmulator"]),
        .library(name: "ODAGSync", targets: ["ODAGSync"]),
    ],
    dependencies: [],
    targets: [
        // JSON value, strict positional JSON reader, deterministic writer, API models.
        .target(name: "ODAGCore", linkerSettings: [.linkedLibrary("m")]),
        // Fixed-argument C wrappers around libcurl, which is loaded at run time (no curl headers or -dev package).
        .target(name: "CCurlShim", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        // The ODAG REST API client: the libcurl transport, retries, errors.
        .target(name: "ODAGClient", dependencies: ["ODAGCore", "CCurlShim"]),
        // A faithful local ODAG service over HTTP/1.1 on POSIX sockets.
        .target(name: "ODAGEmulator", dependencies: ["ODAGCore"]),
        // Manifests, config, validation, diff, plan, apply, drift, export, renderers.
        .target(name: "ODAGSync", dependencies: ["ODAGCore"]),
        // The command line: argument parsing, commands, exit codes.
        .target(
            name: "ODAGSyncCLI", dependencies: ["ODAGCore", "ODAGClient", "ODAGEmulator", "ODAGSync"],
            plugins: ["GitRevisionPlugin"]
        ),
        // Writes the git revision into the command line for `odag-sync version`.
        .plugin(name: "GitRevisionPlugin", capability: .buildTool(), path: "Sources/GitRevisionPlugin"),
        .executableTarget(name: "odag-sync", dependencies: ["ODAGSyncCLI"]),
        .executableTarget(
            name: "odag-sync-bench",
            dependencies: ["ODAGCore", "ODAGClient", "ODAGEmulator", "ODAGSync", "ODAGSyncCLI"]
        ),
        // What the test targets share: a self-cleaning temporary folder, a child-process runner with
        // hang guards, awaitable values, a concurrency barrier, seeded randomness.
        .target(name: "ODAGTestSupport", dependencies: ["ODAGCore"], path: "Tests/ODAGTestSupport"),
        .testTarget(name: "ODAGCoreTests", dependencies: ["ODAGCore", "ODAGTestSupport"]),
        .testTarget(
            name: "ODAGClientTests", dependencies: ["ODAGCore", "ODAGClient", "ODAGEmulator", "ODAGTestSupport"],
            exclude: ["Fixtures"]  // a TLS test server run with python3, found by path
        ),
        .testTarget(name: "ODAGEmulatorTests", dependencies: ["ODAGCore", "ODAGEmulator", "ODAGTestSupport"]),
        .testTarget(
            name: "ODAGSyncTests",
            // ODAGSyncCLI for the client's LinkService conformance, which the convergence tests drive.
            dependencies: ["ODAGCore", "ODAGClient", "ODAGEmulator", "ODAGSync", "ODAGSyncCLI", "ODAGTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ODAGSyncCLITests",
            dependencies: ["ODAGCore", "ODAGClient", "ODAGEmulator", "ODAGSync", "ODAGSyncCLI", "ODAGTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

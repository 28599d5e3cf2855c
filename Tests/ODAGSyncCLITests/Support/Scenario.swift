import Foundation
import ODAGCore

/// A server and a project that disagree in every way a plan can show: one link unchanged, one to
/// update, one to replace, one to create, and one made by hand (unmanaged).
struct Scenario: Sendable {
    let server: TestEmulator
    let project: TemporaryFolder

    /// The manifests folder, for the command line.
    var links: String { project.path("links") }

    /// The live links the server starts with.
    static let liveLinks: [JSONValue] = [
        E2E.live(1, "Sales A", properties: ["rowEstExpr": "1"]),
        E2E.live(2, "Sales B", properties: ["rowEstExpr": "old", "menuLabel": "server side"]),
        E2E.live(3, "Sales C", template: E2E.otherTemplateApp, properties: ["rowEstExpr": "3"]),
        E2E.live(4, "Hand made", owner: "CORP\\jdoe"),
    ]

    /// The declared links.
    static let declaredLinks: [JSONValue] = [
        E2E.declared("Sales A", properties: ["rowEstExpr": "1"]),
        E2E.declared("Sales B", properties: ["rowEstExpr": "new"]),
        E2E.declared("Sales C", properties: ["rowEstExpr": "3"]),
        E2E.declared("Sales D", properties: ["rowEstExpr": "4"]),
    ]

    /// Starts the server and writes the project.
    init(live: [JSONValue] = Scenario.liveLinks, declared: [JSONValue] = Scenario.declaredLinks) throws {
        server = try TestEmulator(links: live)
        project = try TemporaryFolder(prefix: "project")
        try project.write("links/sales.json", E2E.manifest(declared))
    }

    /// A scenario over a server and a project made otherwise (the manifests must be `declaredLinks`).
    init(server: TestEmulator, project: TemporaryFolder) {
        self.server = server
        self.project = project
    }

    /// Runs `odag-sync arguments…` in process, in the project folder.
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        await InProcess.run(arguments, in: project.root, environment: environment)
    }

    /// Runs the built `odag-sync arguments…` in the project folder, where the process is the point.
    func runBinary(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        try await OdagSyncBinary.run(arguments, in: project.root, environment: environment)
    }

    /// Runs `odag-sync COMMAND --server URL links OTHER…` in the project folder: in process, or the
    /// built binary when `binary` (where the exit code as a shell sees it is the point).
    func against(_ command: String, _ arguments: [String] = [], binary: Bool = false) async throws -> ProcessResult {
        let arguments = [command, "--server", server.url, "links"] + arguments
        return binary ? try await runBinary(arguments) : try await run(arguments)
    }
}

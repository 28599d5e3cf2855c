import Foundation
import ODAGClient
import ODAGCore
import ODAGEmulator

/// An `emulator --api qseow` started in the test process on a free loopback port, its state file
/// seeded with Qlik's link shapes (``TestEmulator`` is the document flavour's).
final class QseowTestEmulator: Sendable {
    let folder: TemporaryFolder
    let statePath: String
    let emulator: Emulator

    /// The API base URL, for `--server`.
    var url: String { emulator.baseURL }

    /// Seeds the state file with `links` (state-file links: `LinkStateFull` plus the `selectionApp`
    /// that made each) and `apps`, and starts the emulator.
    init(
        links: [JSONValue] = [], apps: [JSONValue] = [], configure: (inout EmulatorConfiguration) -> Void = { _ in }
    ) throws {
        folder = try TemporaryFolder(prefix: "qseow-emulator")
        statePath = folder.path("state.json")
        let state: JSONValue = ["formatVersion": 1, "api": "qseow", "apps": .array(apps), "links": .array(links)]
        try folder.write("state.json", JSONWriter.string(state))
        var configuration = EmulatorConfiguration(host: "127.0.0.1", port: 0, statePath: statePath)
        configuration.api = .qseow
        configure(&configuration)
        emulator = try Emulator.start(configuration)
    }

    /// The state file now (every acknowledged change is on disk).
    func state() throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: statePath))))
    }

    /// Every link the server holds, retired ones included, in creation order.
    func links() throws -> [JSONValue] {
        try state()["links"]?.arrayValue ?? []
    }

    /// The links by name (the last one wins when names repeat).
    func linksByName() throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for link in try links() { result[link["name"]?.stringValue ?? ""] = link }
        return result
    }

    /// The names of the links that are not decommissioned, sorted.
    func activeNames() throws -> [String] {
        try links().filter { $0["status"] != "decommissioned" }.compactMap { $0["name"]?.stringValue }.sorted()
    }

    /// The proxy sessions opened since the state file was made.
    var sessionsCreated: Int { emulator.sessionsCreated }

    /// A client for changing the server behind a command's back.
    func client() throws -> ODAGClient {
        guard let base = URL(string: url) else { throw CocoaError(.fileReadInvalidFileName) }
        return try ODAGClient(
            configuration: ODAGClientConfiguration(baseURL: base, retryPolicy: .never),
            transport: try TransportFactory.make(for: base).transport)
    }

    /// Changes link `id` as another writer would: reads it, then PUTs `members` with its `modifiedDate`.
    func editBehindTheBack(id: String, _ members: [String: JSONValue]) async throws {
        let client = try client()
        let read = try await client.readQseowLink(id: id)
        var body = members
        body["modifiedDate"] = read.link.json["modifiedDate"]
        _ = try await client.modifyQseowLink(id: id, .object(body))
    }

    deinit {
        emulator.stop()
        folder.remove()
    }
}

/// Links and manifests of the `qseow` end-to-end tests.
enum Q {
    static let svcOdag: JSONValue = [
        "id": "5c1a9e7b-3d2f-4a6c-8b1e-0f4d7c2a9e65", "userId": "svc_odag", "userDirectory": "CORP",
        "name": "ODAG service",
    ]
    static let jdoe: JSONValue = [
        "id": "0e7d5c3b-1a2f-4e6d-8c9b-7a6f5e4d3c21", "userId": "jdoe", "userDirectory": "CORP", "name": "J Doe",
    ]

    /// Two bindings as a manifest states them.
    static let bindings: JSONValue = [
        ["templateAppVarName": "Region", "selectAppParamType": "Field", "selectAppParamName": "Region"],
        ["templateAppVarName": "Year", "selectAppParamType": "Field", "selectAppParamName": "Year"],
    ]
    /// The same bindings in another order, with the fields the server fills from the template's script.
    static let liveBindings: JSONValue = [
        [
            "templateAppVarName": "Year", "selectAppParamType": "Field", "selectAppParamName": "Year",
            "selectionStates": "S", "numericOnly": true,
        ],
        [
            "templateAppVarName": "Region", "selectAppParamType": "Field", "selectAppParamName": "Region",
            "selectionStates": "SO", "numericOnly": false,
        ],
    ]
    static let properties: JSONValue = [
        "rowEstRange": [["context": "*", "highBound": 100000]],
        "genAppLimit": [["context": "User_*", "limit": 5], ["context": "User.name = joe", "limit": 9]],
    ]
    /// The same properties with keys and elements in another order, and a key no manifest declares.
    static let liveProperties: JSONValue = [
        "genAppLimit": [["limit": 9, "context": "User.name = joe"], ["context": "User_*", "limit": 5]],
        "menuLabel": [["context": "User_*", "label": "server side"]],
        "rowEstRange": [["highBound": 100000, "context": "*"]],
    ]

    /// A link in the state file: Qlik's shape, with the selection app that made it beside it.
    static func live(
        _ n: Int, _ name: String, template: String = E2E.templateApp, owner: JSONValue = svcOdag,
        status: String = "active", extra: [String: JSONValue] = [:]
    ) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(E2E.id(n)), "name": .string(name), "selectionApp": .string(E2E.selectionApp),
            "templateApp": .string(template), "owner": owner, "status": .string(status),
            "createdDate": "2026-01-05T09:00:00.000Z", "modifiedDate": "2026-01-05T09:00:00.000Z",
            "rowEstExpr": "1",
        ]
        for (key, value) in extra { members[key] = value }
        return .object(members)
    }

    /// A declared link of a qseow manifest.
    static func declared(
        _ name: String, template: String = E2E.templateApp, extra: [String: JSONValue] = [:]
    ) -> JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(name), "selectionApp": .string(E2E.selectionApp), "templateApp": .string(template),
            "rowEstExpr": "1",
        ]
        for (key, value) in extra { members[key] = value }
        return .object(members)
    }
}

/// A `qseow` server and project that disagree in every way a qseow plan can show: links in step
/// (one with reordered, server-filled bindings and properties, one a dynamic view), a field update, a
/// template app change, a status change, a link to create, a retired link, one made by hand in
/// scope and one outside it.
struct QseowScenario: Sendable {
    let server: QseowTestEmulator
    let project: TemporaryFolder

    var links: String { project.path("links") }

    static let liveLinks: [JSONValue] = [
        Q.live(1, "Sales A", extra: ["bindings": Q.liveBindings, "properties": Q.liveProperties]),
        Q.live(2, "Sales B", extra: ["rowEstExpr": "old", "properties": Q.liveProperties]),
        Q.live(3, "Sales C", template: E2E.otherTemplateApp),
        Q.live(5, "Sales E"),
        Q.live(6, "Sales View", extra: ["dynamicView": true]),
        Q.live(7, "Sales retired", status: "decommissioned"),
        Q.live(8, "Sales stray"),
        Q.live(9, "Hand made", owner: Q.jdoe),
    ]

    static let declaredLinks: [JSONValue] = [
        Q.declared("Sales A", extra: ["bindings": Q.bindings, "properties": Q.properties]),
        Q.declared("Sales B", extra: ["rowEstExpr": "new"]),
        Q.declared("Sales C"),
        Q.declared("Sales D", extra: ["bindings": Q.bindings, "properties": Q.properties]),
        Q.declared("Sales E", extra: ["status": "disabled"]),
        Q.declared("Sales View", extra: ["dynamicView": true]),
    ]

    /// Starts the server and writes the project (and `config`, as `odag-sync.json`, when given).
    init(
        live: [JSONValue] = QseowScenario.liveLinks, declared: [JSONValue] = QseowScenario.declaredLinks,
        config: String? = nil, configure: (inout EmulatorConfiguration) -> Void = { _ in }
    ) throws {
        server = try QseowTestEmulator(links: live, configure: configure)
        project = try TemporaryFolder(prefix: "qseow-project")
        try project.write("links/sales.json", E2E.manifest(declared))
        if let config { try project.write("odag-sync.json", config) }
    }

    /// Runs `odag-sync arguments…` in process, in the project folder.
    func run(_ arguments: [String]) async -> ProcessResult {
        await InProcess.run(arguments, in: project.root)
    }

    /// Runs the built `odag-sync arguments…` in the project folder, where the exit code as a shell
    /// sees it is the point.
    func runBinary(_ arguments: [String]) async throws -> ProcessResult {
        try await OdagSyncBinary.run(arguments, in: project.root)
    }

    /// `odag-sync COMMAND --server URL links OTHER…` in the project folder.
    func against(_ command: String, _ arguments: [String] = [], binary: Bool = false) async throws -> ProcessResult {
        let arguments = [command, "--server", server.url, "links"] + arguments
        return binary ? try await runBinary(arguments) : await run(arguments)
    }
}

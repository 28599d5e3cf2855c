import Foundation
import ODAGClient
import ODAGCore
import ODAGEmulator

/// An emulator started in the test process on a free loopback port, its state in a file the test
/// can seed before and read after a command runs.
final class TestEmulator: Sendable {
    /// The folder holding the state file (and anything else the test writes).
    let folder: TemporaryFolder
    /// The state file.
    let statePath: String
    /// The running emulator.
    let emulator: Emulator

    /// The API base URL, for `--server`.
    var url: String { emulator.baseURL }

    /// Seeds the state file with `links` (API link objects) and starts the emulator.
    init(links: [JSONValue] = [], configure: (inout EmulatorConfiguration) -> Void = { _ in }) throws {
        folder = try TemporaryFolder(prefix: "emulator")
        statePath = folder.path("state.json")
        try folder.write("state.json", JSONWriter.string(["formatVersion": 1, "links": .array(links), "requests": []]))
        var configuration = EmulatorConfiguration(host: "127.0.0.1", port: 0, statePath: statePath)
        configure(&configuration)
        emulator = try Emulator.start(configuration)
    }

    /// The links in the state file now (every acknowledged change is on disk).
    func links() throws -> [JSONValue] {
        let state = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: statePath))))
        return state["links"]?.arrayValue ?? []
    }

    /// The live links, by name (the last one wins when names repeat).
    func linksByName() throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for link in try links() { result[link["name"]?.stringValue ?? ""] = link }
        return result
    }

    /// The names of the live links, sorted.
    func names() throws -> [String] {
        try links().compactMap { $0["name"]?.stringValue }.sorted()
    }

    /// A client for changing the server behind a command's back.
    func client(token: String? = nil) throws -> ODAGClient {
        guard let base = URL(string: url) else { throw CocoaError(.fileReadInvalidFileName) }
        return try ODAGClient(
            configuration: ODAGClientConfiguration(baseURL: base, bearerToken: token, retryPolicy: .never),
            transport: try TransportFactory.make(for: base).transport)
    }

    /// Stops the emulator.
    func stop() {
        emulator.stop()
    }

    deinit {
        emulator.stop()
        folder.remove()
    }
}

/// Links, manifests and ids the end-to-end tests share.
enum E2E {
    static let selectionApp = "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b"
    static let templateApp = "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c90"
    static let otherTemplateApp = "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c91"

    /// A fixed link id: `00000000-0000-4000-8000-00000000000N`.
    static func id(_ n: Int) -> String {
        let digits = String(n)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    /// A live link as the emulator's state file holds it.
    static func live(
        _ n: Int, _ name: String, template: String = templateApp, properties: JSONValue = ["rowEstExpr": "1"],
        owner: String = "CORP\\svc_odag"
    ) -> JSONValue {
        [
            "id": .string(id(n)), "name": .string(name), "selectionAppId": .string(selectionApp),
            "templateAppId": .string(template), "owner": .string(owner), "status": "active",
            "createdDate": "2026-01-05T09:00:00.000Z", "modifiedDate": "2026-01-05T09:00:00.000Z",
            "properties": properties,
        ]
    }

    /// A declared link for a manifest.
    static func declared(
        _ name: String, template: String = templateApp, properties: JSONValue = ["rowEstExpr": "1"]
    ) -> JSONValue {
        [
            "name": .string(name), "selectionAppId": .string(selectionApp), "templateAppId": .string(template),
            "properties": properties,
        ]
    }

    /// A manifest holding `links`, as text.
    static func manifest(_ links: [JSONValue]) -> String {
        JSONWriter.string(["links": .array(links)], pretty: true) + "\n"
    }

    /// Parses `text` as JSON, or `nil`.
    static func json(_ text: String) -> JSONValue? {
        try? JSONParser.parse(text)
    }
}

import Foundation
import ODAGCore
import Testing

/// ``FaultDrillTests`` in the `qseow` flavour: the built `odag-sync` binary applies qseow manifests to
/// `odag-sync emulator --api qseow` while a quarter of the requests fail (503) and a quarter of the
/// answers are lost after the server did the work, so PUTs meet stale `modifiedDate`s on their retries
/// and creates lose their answers. Two applies converge (a plan against a fault-free emulator on the
/// same state file shows no changes), no name is live twice, and pruning retired the strays instead of
/// deleting them.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct QseowFaultDrillTests {
    @Test(arguments: [UInt64(7), 1234])
    func twoAppliesThroughFailuresAndLostAnswersConvergeWithoutDuplicates(seed: UInt64) async throws {
        print("qseow fault drill: seed \(seed)")
        let drill = try Drill(qseowCreates: 12)
        let emulator = try await drill.startEmulator([
            "--fail-rate", "0.25", "--drop-rate", "0.25", "--retry-after", "0", "--seed", String(seed),
        ])
        for attempt in 1...2 {
            let apply = try drill.applyQseow(emulator)
            let result = try await apply.waitForExit(timeout: .seconds(120))
            #expect(result.status == 0 || result.status == 1, "seed \(seed) apply \(attempt): \(result.stderr)")
            #expect(!result.stdout.contains("delete "), "seed \(seed): nothing is deleted in qseow")
            #expect(try drill.activeDuplicates().isEmpty, "seed \(seed): a duplicate after apply \(attempt)")
        }
        emulator.process.send(SIGTERM)
        try await emulator.process.waitForExit(timeout: .seconds(60))

        let clean = try await drill.startEmulator([])
        let plan = try ChildProcess(
            OdagSyncBinary.path,
            [
                "plan", "--server", clean.url, "--api", "qseow", "--prune", "--detailed-exitcode", "--no-color",
                drill.manifests,
            ],
            environment: OdagSyncBinary.environment())
        let planned = try await plan.waitForExit(timeout: .seconds(60))
        #expect(planned.status == 0, "seed \(seed): plan after two applies: \(planned.stdout) \(planned.stderr)")
        clean.process.send(SIGTERM)
        try await clean.process.waitForExit(timeout: .seconds(60))

        let links = try drill.stateLinks()
        let active = links.filter { $0["status"]?.stringValue != "decommissioned" }
        #expect(Set(active.compactMap { $0["name"]?.stringValue }) == drill.declaredNames)
        let retired = links.filter { $0["status"]?.stringValue == "decommissioned" }.compactMap {
            $0["name"]?.stringValue
        }
        #expect(retired.sorted() == (1...Drill.prunes).map { String(format: "Drill stale %02d", $0) }, "retired, kept")
        // The undeclared menuLabel of the updated links survived their modify payloads.
        for link in active where link["name"]?.stringValue?.hasPrefix("Drill update") == true {
            #expect(link["properties"]?["menuLabel"] != nil, "seed \(seed): \(link["name"]?.stringValue ?? "")")
            #expect(link["rowEstExpr"] == "Sum([Order Count])")
        }
    }
}

extension Drill {
    /// A qseow drill: a state file (`"api": "qseow"`) with links to update and to retire, and qseow
    /// manifests that also declare `creates` links to create.
    init(qseowCreates creates: Int) throws {
        folder = try TemporaryFolder(prefix: "drill-qseow")
        let links = URL(fileURLWithPath: folder.path("links"))
        try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
        statePath = folder.path("state.json")
        manifests = links.path

        func link(_ name: String, rowEstExpr: String, extra: [String: JSONValue] = [:]) -> JSONValue {
            var members: [String: JSONValue] = [
                "name": .string(name), "selectionApp": .string(Self.selectionApp),
                "templateApp": .string(Self.templateApp), "rowEstExpr": .string(rowEstExpr),
            ]
            members.merge(extra) { _, new in new }
            return .object(members)
        }
        let updated = (1...Self.updates).map { String(format: "Drill update %02d", $0) }
        let pruned = (1...Self.prunes).map { String(format: "Drill stale %02d", $0) }
        let created = (1...creates).map { String(format: "Drill create %03d", $0) }
        let serverSide: JSONValue = ["menuLabel": [["context": "*", "label": "set in the hub"]]]
        let seed = JSONValue.object([
            "formatVersion": .int(1), "api": "qseow",
            "links": .array(
                updated.map { link($0, rowEstExpr: "Count(old)", extra: ["properties": serverSide]) }
                    + pruned.map { link($0, rowEstExpr: "1") }),
        ])
        try Data(JSONWriter.bytes(seed, pretty: true)).write(to: URL(fileURLWithPath: statePath))
        let declared: [String: JSONValue] = [
            "properties": ["genAppLimit": [["context": "User_*", "limit": 3]]], "status": "disabled",
        ]
        let manifest = JSONValue.object([
            "links": .array((updated + created).map { link($0, rowEstExpr: "Sum([Order Count])", extra: declared) })
        ])
        try Data(JSONWriter.bytes(manifest, pretty: true)).write(to: links.appendingPathComponent("drill.json"))
        declaredNames = Set(updated + created)
    }

    /// Starts `odag-sync apply --api qseow` with pruning against `emulator`.
    func applyQseow(_ emulator: EmulatorProcess) throws -> ChildProcess {
        try ChildProcess(
            OdagSyncBinary.path,
            [
                "apply", "--server", emulator.url, "--api", "qseow", "--auto-approve", "--prune", "--no-color",
                "--parallelism", "4", manifests,
            ],
            environment: OdagSyncBinary.environment())
    }

    /// The links in the state file.
    func stateLinks() throws -> [JSONValue] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: statePath)))
        guard case .array(let links)? = try JSONParser.parse(bytes)["links"] else {
            throw WaitError.setup("the state file has no links array")
        }
        return links
    }

    /// Names held by more than one link that is not retired.
    func activeDuplicates() throws -> [String] {
        let names = try stateLinks().filter { $0["status"]?.stringValue != "decommissioned" }
            .compactMap { $0["name"]?.stringValue }
        return Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    }
}

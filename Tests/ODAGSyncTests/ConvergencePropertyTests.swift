import Foundation
import ODAGClient
import ODAGCore
import ODAGEmulator
import ODAGSyncCLI
import ODAGTestSupport
import Synchronization
import Testing

@testable import ODAGSync

/// For random declarations and random live states (seeded, so a failure can be replayed), planning
/// and applying against the emulator over real loopback HTTP converges: the next plan is empty. With
/// injected failures and dropped answers it converges within two applies and never makes a
/// duplicate link.
@Suite struct ConvergencePropertyTests {
    static let seeds: [UInt64] = [1, 7, 42, 2026, 31337]

    @Test(arguments: seeds) func planApplyPlanConverges(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let world = World.generate(using: &random)
        let harness = try Harness(world: world) { _ in }
        defer { harness.stop() }

        let live = try await harness.client.listLinks()
        let plan = Planner.plan(desired: world.declared, live: live, options: Self.options(prune: true))
        #expect(plan.errors.isEmpty, "seed \(seed): \(plan.errors)")
        #expect(plan.hasChanges, "seed \(seed): the generator should leave something to do")
        let report = await harness.apply(plan, live: live)
        #expect(report.allSucceeded, "seed \(seed): \(report.results.filter { !$0.outcome.isSuccess })")

        let after = try await harness.client.listLinks()
        let again = Planner.plan(desired: world.declared, live: after, options: Self.options(prune: true))
        #expect(
            again.changes.isEmpty,
            "seed \(seed): not converged: \(again.changes.map { "\($0.action) \($0.name) \($0.diffs)" })")
        #expect(again.errors.isEmpty, "seed \(seed): \(again.errors)")
        #expect(again.unmanaged.isEmpty, "seed \(seed): pruning left \(again.unmanaged)")
        try harness.expectStateMatches(world, seed: seed)
    }

    @Test(arguments: seeds) func convergesDespiteFailuresAndLostAnswersWithoutDuplicates(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed &+ 1000)
        let world = World.generate(using: &random)
        let harness = try Harness(world: world, configure: Harness.faulty(seed: seed))
        defer { harness.stop() }

        var applies = 0
        var plan = Planner.plan(
            desired: world.declared, live: try await harness.client.listLinks(), options: Self.options(prune: true))
        while plan.hasChanges && applies < 2 {
            #expect(plan.errors.isEmpty, "seed \(seed): \(plan.errors)")
            let live = try await harness.client.listLinks()
            plan = Planner.plan(desired: world.declared, live: live, options: Self.options(prune: true))
            _ = await harness.apply(plan, live: live)
            applies += 1
            let names = try harness.stateNames()
            #expect(
                Set(names).count == names.count, "seed \(seed): duplicate live names after apply \(applies): \(names)")
            plan = Planner.plan(
                desired: world.declared, live: try await harness.client.listLinks(), options: Self.options(prune: true))
        }
        #expect(applies >= 1)
        #expect(harness.faults.count > 0, "seed \(seed): the emulator injected no fault")
        #expect(
            plan.changes.isEmpty,
            "seed \(seed): not converged after \(applies) applies: \(plan.changes.map { "\($0.action) \($0.name)" })")
        #expect(plan.errors.isEmpty, "seed \(seed): \(plan.errors)")
        try harness.expectStateMatches(world, seed: seed)
    }

    /// The generated worlds, taken together, need every kind of change, so the properties above test
    /// something: creates, updates (renames among them), replaces, prunes and links already in step.
    @Test func generatedWorldsCoverEveryAction() throws {
        var actions = Set<ChangeAction>()
        var renames = 0
        var unchanged = 0
        for seed in Self.seeds + Self.seeds.map({ $0 &+ 1000 }) {
            var random = SplitMix64(seed: seed)
            let world = World.generate(using: &random)
            let live = try world.live.map { try OdagLink(json: $0) }
            let plan = Planner.plan(desired: world.declared, live: live, options: Self.options(prune: true))
            #expect(plan.errors.isEmpty, "seed \(seed): \(plan.errors)")
            actions.formUnion(plan.changes.map(\.action))
            renames += plan.changes.filter { $0.diffs.contains { $0.path == "name" } && $0.action == .update }.count
            unchanged += plan.unchanged
        }
        // Retiring is pruning in the qseow flavour; a document world deletes.
        #expect(actions == Set(ChangeAction.allCases).subtracting([.retire]))
        #expect(renames > 0)
        #expect(unchanged > 0)
    }

    /// Found by this property: a replace gives a pinned link a new id, after which its pin matches
    /// nothing and, with pruning, the new link would be deleted. The planner refuses it instead.
    @Test func aPinnedLinkWhoseAppChangesIsAnErrorNotAReplaceThatCannotConverge() throws {
        let live = [
            try OdagLink(
                json: World.liveLink(
                    id: World.id(1), name: "Pinned", selection: World.selectionApps[0], template: World.templateApps[0],
                    properties: [:]))
        ]
        let declared = [
            DeclaredLink(
                name: "Pinned", id: World.id(1), selectionAppId: World.selectionApps[0],
                templateAppId: World.templateApps[1],
                source: ManifestSource(file: "m.json", location: nil, path: "links[0]"))
        ]
        let plan = Planner.plan(desired: declared, live: live, options: Self.options(prune: true))
        #expect(plan.changes.isEmpty, "neither a replace nor a prune of the pinned link")
        #expect(plan.unmanaged.isEmpty)
        #expect(plan.errors.map(\.kind) == [.pinnedReplace])
        #expect(plan.errors.first?.message.contains("templateAppId changed") == true)
        #expect(plan.errors.first?.message.contains("remove \"id\"") == true)
    }

    static func options(prune: Bool) -> PlanOptions {
        PlanOptions(server: "property-test", generatedAt: "2026-01-01T00:00:00Z", prune: prune)
    }
}

/// Random declarations and the live links they are planned against.
struct World: Sendable {
    var declared: [DeclaredLink]
    var live: [JSONValue]

    static let selectionApps = ["a0000000-0000-4000-8000-00000000000a", "a0000000-0000-4000-8000-00000000000b"]
    static let templateApps = [
        "b0000000-0000-4000-8000-00000000000a", "b0000000-0000-4000-8000-00000000000b",
        "b0000000-0000-4000-8000-00000000000c",
    ]
    static let streams = ["c0000000-0000-4000-8000-00000000000a", "c0000000-0000-4000-8000-00000000000b"]
    static let bindingPool: [JSONValue] = [
        ["selectionField": "Region", "templateField": "Region", "selectionType": "selected"],
        ["selectionField": "Year", "templateField": "Year", "selectionType": "selected"],
        ["selectionField": "Product", "templateField": "Product", "selectionType": "optional"],
        ["selectionField": "Cost Center", "templateField": "CostCenter", "selectionType": "selected"],
    ]

    static func id(_ n: Int) -> String {
        let digits = String(n)
        return "d0000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    /// Random properties, each member present or not.
    static func properties(using random: inout SplitMix64) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if Bool.random(using: &random) {
            members["rowEstExpr"] = .string("Sum([x\(Int.random(in: 0..<3, using: &random))])")
        }
        if Bool.random(using: &random) {
            let count = Int.random(in: 0...bindingPool.count, using: &random)
            members["bindings"] = .array(Array(bindingPool.shuffled(using: &random).prefix(count)))
        }
        if Bool.random(using: &random) { members["genAppAccessible"] = .bool(Bool.random(using: &random)) }
        if Bool.random(using: &random) {
            members["publishTo"] = .string(streams.randomElement(using: &random) ?? streams[0])
        }
        if Bool.random(using: &random) {
            var retention: [String: JSONValue] = [:]
            if Bool.random(using: &random) {
                retention["maxAge"] = .int([60, 720, 1440].randomElement(using: &random) ?? 60)
            }
            if Bool.random(using: &random) { retention["maxCount"] = .int(Int.random(in: 1...5, using: &random)) }
            members["retention"] = .object(retention)
        }
        return members
    }

    /// `live` with some members replaced by what `declared` states, so some links already match.
    static func blend(
        _ live: [String: JSONValue], towards declared: [String: JSONValue], using random: inout SplitMix64
    )
        -> [String: JSONValue]
    {
        var result = live
        for (key, value) in declared where Int.random(in: 0..<3, using: &random) > 0 {
            if key == "bindings", case .array(let items) = value {
                // Same bindings, another order, sometimes with a field only the server has.
                var shuffled = items.shuffled(using: &random)
                if Bool.random(using: &random), case .object(var first)? = shuffled.first {
                    first["serverId"] = .int(Int.random(in: 1...99, using: &random))
                    shuffled[0] = .object(first)
                }
                result[key] = .array(shuffled)
            } else {
                result[key] = value
            }
        }
        return result
    }

    static func liveLink(
        id: String, name: String, selection: String, template: String, properties: [String: JSONValue]
    ) -> JSONValue {
        [
            "id": .string(id), "name": .string(name), "selectionAppId": .string(selection),
            "templateAppId": .string(template), "owner": "CORP\\svc", "status": "active",
            "createdDate": "2026-01-01T00:00:00.000Z", "modifiedDate": "2026-01-01T00:00:00.000Z",
            "properties": .object(properties),
        ]
    }

    static func generate(using random: inout SplitMix64) -> World {
        var declared: [DeclaredLink] = []
        var live: [JSONValue] = []
        var nextId = 1
        let count = Int.random(in: 5...9, using: &random)
        for index in 0..<count {
            let name = "Link \(index)"
            let selection = selectionApps.randomElement(using: &random) ?? selectionApps[0]
            let template = templateApps.randomElement(using: &random) ?? templateApps[0]
            let declaredProperties = properties(using: &random)
            var ignore: [String] = []
            if Int.random(in: 0..<4, using: &random) == 0 {
                let ignorable = ["properties.publishTo", "properties.rowEstExpr", "properties.retention.maxCount"]
                ignore = [ignorable[Int.random(in: 0..<ignorable.count, using: &random)]]
            }
            var pinnedId: String?
            // 0: missing (create); 1: same name; 2: pinned by id, maybe under another name.
            let relation = Int.random(in: 0..<3, using: &random)
            if relation > 0 {
                let id = Self.id(nextId)
                nextId += 1
                let liveName = relation == 2 && Bool.random(using: &random) ? "Old name of \(index)" : name
                if relation == 2 { pinnedId = id }
                // Apps usually equal; a changed template (a replace) only for links matched by name: for a
                // pinned link it is a plan error (see the test above).
                let liveTemplate =
                    relation == 1 && Int.random(in: 0..<4, using: &random) == 0
                    ? templateApps.filter { $0 != template }.randomElement(using: &random) ?? template : template
                var liveProperties = blend(properties(using: &random), towards: declaredProperties, using: &random)
                if Bool.random(using: &random) { liveProperties["menuLabel"] = .string("server side \(index)") }
                live.append(
                    liveLink(
                        id: id, name: liveName, selection: selection, template: liveTemplate, properties: liveProperties
                    ))
            }
            declared.append(
                DeclaredLink(
                    name: name, id: pinnedId, selectionAppId: selection, templateAppId: template,
                    properties: declaredProperties.isEmpty && Bool.random(using: &random)
                        ? nil : .object(declaredProperties),
                    ignore: ignore, source: ManifestSource(file: "random.json", location: nil, path: "links[\(index)]"))
            )
        }
        // Unmanaged links, which pruning deletes.
        for index in 0..<Int.random(in: 0...3, using: &random) {
            let id = Self.id(nextId)
            nextId += 1
            live.append(
                liveLink(
                    id: id, name: "Stray \(index)", selection: selectionApps[0], template: templateApps[0],
                    properties: properties(using: &random)))
        }
        return World(declared: declared, live: live.shuffled(using: &random))
    }
}

/// An emulator seeded with a world's live links, and a client talking to it over loopback.
struct Harness: Sendable {
    let folder: TemporaryFolder
    let statePath: String
    let emulator: Emulator
    let client: ODAGClient
    /// Answers that were injected failures (503) or lost (no answer).
    let faults = FaultCounter()

    /// The faults of the property tests: a quarter of the answers fail (503, `Retry-After: 0`) and a
    /// quarter are lost after the work is done, repeatably for `seed`.
    static func faulty(seed: UInt64) -> (inout EmulatorConfiguration) -> Void {
        { configuration in
            configuration.failRate = 0.25
            configuration.dropRate = 0.25
            configuration.seed = seed
            configuration.retryAfterSeconds = 0
        }
    }

    init(world: World, configure: (inout EmulatorConfiguration) -> Void) throws {
        try self.init(
            prefix: "property", state: ["formatVersion": 1, "links": .array(world.live), "requests": []],
            api: .document, configure: configure)
    }

    /// An emulator of flavour `api` started on `state` (a state file's contents), and a client of that flavour.
    init(prefix: String, state: JSONValue, api: APIFlavour, configure: (inout EmulatorConfiguration) -> Void) throws {
        folder = try TemporaryFolder(prefix: prefix)
        statePath = folder.path("state.json")
        try Data(JSONWriter.bytes(state)).write(to: URL(fileURLWithPath: statePath))
        var configuration = EmulatorConfiguration(host: "127.0.0.1", port: 0, statePath: statePath)
        configuration.api = api
        configure(&configuration)
        emulator = try Emulator.start(configuration)
        let base = try #require(URL(string: emulator.baseURL))
        // Retries without real waiting: the emulator answers Retry-After 0 and backoff is capped low. A dropped
        // answer is noticed at once, so the timeout is only a guard against a hang.
        let retry = RetryPolicy(maxAttempts: 10, baseDelay: 0.001, maxDelay: 0.005, maxRetryAfter: 0.01)
        client = try ODAGClient(
            configuration: ODAGClientConfiguration(baseURL: base, timeout: 30, retryPolicy: retry, api: api),
            transport: try TransportFactory.make(for: base, parallelism: 4).transport,
            logger: { [faults] entry in if entry.status == nil || entry.status == 503 { faults.add() } })
    }

    func apply(_ plan: Plan, live: [OdagLink]) async -> ApplyReport {
        await ApplyExecutor(service: client, parallelism: 4, knownIds: Set(live.compactMap(\.id))).apply(plan)
    }

    /// The live links as the emulator saved them (read from disk, so no injected fault gets in the way).
    func stateLinks() throws -> [JSONValue] {
        let state = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: statePath))))
        return state["links"]?.arrayValue ?? []
    }

    func stateNames() throws -> [String] {
        try stateLinks().compactMap { $0["name"]?.stringValue }
    }

    /// The live links are exactly the declared names, and every declared member is live as stated.
    func expectStateMatches(_ world: World, seed: UInt64) throws {
        let links = try stateLinks()
        let names = links.compactMap { $0["name"]?.stringValue }
        #expect(names.sorted() == world.declared.map(\.name).sorted(), "seed \(seed): live names \(names.sorted())")
        let byName = Dictionary(links.map { ($0["name"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        for declaration in world.declared {
            let link = try #require(byName[declaration.name], "seed \(seed): \(declaration.name) missing")
            #expect(
                link["templateAppId"]?.stringValue == declaration.templateAppId, "seed \(seed): \(declaration.name)")
            if let pinned = declaration.id {
                #expect(link["id"]?.stringValue == pinned, "seed \(seed): pinned \(declaration.name) kept its id")
            }
            guard case .object(let stated)? = declaration.properties else { continue }
            for (key, value) in stated where !declaration.ignore.contains("properties." + key) {
                if key == "bindings" || key == "retention" { continue }
                #expect(link["properties"]?[key] == value, "seed \(seed): \(declaration.name).properties.\(key)")
            }
        }
    }

    func stop() {
        emulator.stop()
        folder.remove()
    }
}

/// Counts faults seen by a client's request log.
final class FaultCounter: Sendable {
    private let value = Mutex(0)

    func add() { value.withLock { $0 += 1 } }

    var count: Int { value.withLock { $0 } }
}

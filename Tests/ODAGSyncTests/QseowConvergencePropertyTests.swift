import Foundation
import ODAGClient
import ODAGCore
import ODAGEmulator
import ODAGSyncCLI
import ODAGTestSupport
import Testing

@testable import ODAGSync

/// ``ConvergencePropertyTests`` in the `qseow` flavour: random qseow declarations planned and applied
/// against `emulator --api qseow` over real loopback HTTP, with injected failures and dropped answers.
/// Applying manifests (a stale `modifiedDate` is re-applied from the declarations) converges within
/// two applies and never creates a link twice; pruning retires, never deletes.
@Suite struct QseowConvergencePropertyTests {
    static let seeds: [UInt64] = [2, 7, 42, 2026, 31337]

    @Test(arguments: seeds) func convergesDespiteFailuresAndLostAnswersWithoutDuplicates(seed: UInt64) async throws {
        print("qseow convergence property: seed \(seed)")
        var random = SplitMix64(seed: seed &+ 5000)
        let world = QseowWorld.generate(using: &random)
        let harness = try Harness(qseow: world, configure: Harness.faulty(seed: seed))
        defer { harness.stop() }

        var applies = 0
        var plan = Planner.plan(
            desired: world.declared, live: try await harness.client.listLinks(), options: Self.options)
        while plan.hasChanges && applies < 2 {
            #expect(plan.errors.isEmpty, "seed \(seed): \(plan.errors)")
            let live = try await harness.client.listLinks()
            plan = Planner.plan(desired: world.declared, live: live, options: Self.options)
            _ = await harness.applyManifests(plan, live: live, declared: world.declared)
            applies += 1
            let names = try harness.activeNames()
            #expect(
                Set(names).count == names.count, "seed \(seed): duplicate live names after apply \(applies): \(names)")
            plan = Planner.plan(
                desired: world.declared, live: try await harness.client.listLinks(), options: Self.options)
        }
        #expect(applies >= 1)
        #expect(harness.faults.count > 0, "seed \(seed): the emulator injected no fault")
        #expect(
            plan.changes.isEmpty,
            "seed \(seed): not converged after \(applies) applies: \(plan.changes.map { "\($0.action) \($0.name)" })")
        #expect(plan.errors.isEmpty, "seed \(seed): \(plan.errors)")
        #expect(plan.unmanaged.isEmpty, "seed \(seed): pruning left \(plan.unmanaged)")
        let links = try harness.stateLinks()
        #expect(
            links.count == world.live.count + world.creates,
            "seed \(seed): \(links.count) links, expected \(world.live.count) + \(world.creates) created: a duplicate or a delete"
        )
        try world.expectStateMatches(links, seed: seed)
    }

    /// The generated worlds, taken together, need every kind of qseow change, so the property tests
    /// something: creates, updates (status changes, renames and template changes among them), retires
    /// and links already in step.
    @Test func generatedWorldsCoverEveryQseowAction() throws {
        var actions = Set<ChangeAction>()
        var statusChanges = 0
        var templateChanges = 0
        var unchanged = 0
        for seed in Self.seeds {
            var random = SplitMix64(seed: seed &+ 5000)
            let world = QseowWorld.generate(using: &random)
            let live = try world.liveAsServed().map { try OdagLink(qseowJSON: $0) }
            let plan = Planner.plan(desired: world.declared, live: live, options: Self.options)
            #expect(plan.errors.isEmpty, "seed \(seed): \(plan.errors)")
            actions.formUnion(plan.changes.map(\.action))
            statusChanges += plan.changes.filter { $0.after?["statusSetting"] != nil && $0.action == .update }.count
            templateChanges += plan.changes.filter { $0.diffs.contains { $0.path == "templateApp" } }.count
            unchanged += plan.unchanged
        }
        #expect(actions == [.create, .update, .retire])
        #expect(statusChanges > 0)
        #expect(templateChanges > 0)
        #expect(unchanged > 0)
    }

    static let options = PlanOptions(
        server: "property-test", generatedAt: "2026-01-01T00:00:00Z", prune: true, api: .qseow)
}

/// Random qseow declarations and the live links (Qlik's shape) they are planned against.
struct QseowWorld: Sendable {
    var declared: [DeclaredLink]
    /// The state file's links: Qlik's `LinkStateFull` seeds, each with the `selectionApp` that made it.
    var live: [JSONValue]
    /// How many declared links do not exist yet (or only retired).
    var creates: Int

    static let bindingPool: [JSONValue] = [
        ["templateAppVarName": "Region", "selectAppParamType": "Field", "selectAppParamName": "Region"],
        ["templateAppVarName": "Year", "selectAppParamType": "Field", "selectAppParamName": "Year"],
        ["templateAppVarName": "vCost", "selectAppParamType": "Variable", "selectAppParamName": "vCostCenter"],
    ]

    /// Random qseow fields, each present or not.
    static func fields(using random: inout SplitMix64) -> QseowDeclaredFields {
        var fields = QseowDeclaredFields()
        if Bool.random(using: &random) { fields.rowEstExpr = "Count(x\(Int.random(in: 0..<3, using: &random)))" }
        if Bool.random(using: &random) {
            let count = Int.random(in: 0...bindingPool.count, using: &random)
            fields.bindings = Array(bindingPool.shuffled(using: &random).prefix(count))
        }
        if Int.random(in: 0..<3, using: &random) == 0 {
            fields.status = Bool.random(using: &random) ? "active" : "disabled"
        }
        var properties: [String: JSONValue] = [:]
        if Bool.random(using: &random) {
            properties["rowEstRange"] = [
                ["context": "*", "highBound": .int([1000, 50000].randomElement(using: &random) ?? 1)]
            ]
        }
        if Bool.random(using: &random) {
            properties["genAppLimit"] = [["context": "User_*", "limit": .int(Int.random(in: 1...5, using: &random))]]
        }
        if !properties.isEmpty { fields.properties = properties }
        return fields
    }

    /// A live seed for `fields`, sometimes already as declared, sometimes not.
    static func liveLink(
        id: String, name: String, selection: String, template: String, fields: QseowDeclaredFields,
        status: String, using random: inout SplitMix64
    ) -> JSONValue {
        var link: [String: JSONValue] = [
            "id": .string(id), "name": .string(name), "selectionApp": .string(selection),
            "templateApp": .string(template), "status": .string(status),
        ]
        let inStep = Bool.random(using: &random)
        if let rowEstExpr = fields.rowEstExpr {
            link["rowEstExpr"] = .string(inStep ? rowEstExpr : "Count(stale)")
        }
        if let bindings = fields.bindings {
            link["bindings"] = .array(inStep ? bindings.shuffled(using: &random) : Array(bindings.dropFirst()))
        }
        var properties: [String: JSONValue] = [
            "menuLabel": [["context": "*", "label": .string("server side \(name)")]]
        ]
        for (key, value) in fields.properties ?? [:] where inStep || Bool.random(using: &random) {
            properties[key] = value
        }
        link["properties"] = .object(properties)
        return .object(link)
    }

    static func generate(using random: inout SplitMix64) -> QseowWorld {
        var declared: [DeclaredLink] = []
        var live: [JSONValue] = []
        var creates = 0
        var nextId = 1
        let count = Int.random(in: 5...9, using: &random)
        for index in 0..<count {
            let name = "Link \(index)"
            let selection = World.selectionApps.randomElement(using: &random) ?? World.selectionApps[0]
            let template = World.templateApps.randomElement(using: &random) ?? World.templateApps[0]
            let fields = fields(using: &random)
            var pinnedId: String?
            // 0: missing (create; sometimes a retired link of the same name is live); 1: same name; 2: pinned by
            // id, maybe under another name.
            let relation = Int.random(in: 0..<3, using: &random)
            if relation == 0 {
                creates += 1
                if Bool.random(using: &random) {
                    live.append(
                        liveLink(
                            id: World.id(nextId), name: name, selection: selection, template: template,
                            fields: QseowDeclaredFields(), status: "decommissioned", using: &random))
                    nextId += 1
                }
            } else {
                let id = World.id(nextId)
                nextId += 1
                let liveName = relation == 2 && Bool.random(using: &random) ? "Old name of \(index)" : name
                if relation == 2 { pinnedId = id }
                // A template change is an in-place update in qseow, pinned or not.
                let liveTemplate =
                    Int.random(in: 0..<4, using: &random) == 0
                    ? World.templateApps.filter { $0 != template }.randomElement(using: &random) ?? template
                    : template
                let status =
                    fields.status == "disabled" ? "active" : Bool.random(using: &random) ? "active" : "disabled"
                live.append(
                    liveLink(
                        id: id, name: liveName, selection: selection, template: liveTemplate, fields: fields,
                        status: status, using: &random))
            }
            declared.append(
                DeclaredLink(
                    name: name, id: pinnedId, selectionAppId: selection, templateAppId: template,
                    source: ManifestSource(file: "random.json", location: nil, path: "links[\(index)]"),
                    qseow: fields))
        }
        // Unmanaged links, which pruning retires.
        for index in 0..<Int.random(in: 1...3, using: &random) {
            live.append(
                liveLink(
                    id: World.id(nextId), name: "Stray \(index)", selection: World.selectionApps[0],
                    template: World.templateApps[0], fields: fields(using: &random), status: "active", using: &random))
            nextId += 1
        }
        return QseowWorld(declared: declared, live: live.shuffled(using: &random), creates: creates)
    }

    /// The seeds as a server would serve them (no `selectionApp`, the members Qlik fills), for planning
    /// without an emulator.
    func liveAsServed() -> [JSONValue] {
        live.map { seed in
            guard case .object(var link) = seed else { return seed }
            link["selectionApp"] = nil
            link["templateApp"] = ["id": link["templateApp"] ?? .null, "name": "Template"]
            link["owner"] = ["id": "1", "userId": "svc", "userDirectory": "CORP", "name": "Service"]
            link["modifiedDate"] = "2026-01-01T00:00:00.000Z"
            link["createdDate"] = "2026-01-01T00:00:00.000Z"
            return .object(link)
        }
    }

    /// Every declared link is live once (not retired) with its template app and declared scalars, and
    /// every link that is not declared is retired.
    func expectStateMatches(_ links: [JSONValue], seed: UInt64) throws {
        let active = links.filter { $0["status"]?.stringValue != "decommissioned" }
        let names = active.compactMap { $0["name"]?.stringValue }
        #expect(names.sorted() == declared.map(\.name).sorted(), "seed \(seed): live names \(names.sorted())")
        let byName = Dictionary(active.map { ($0["name"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        for declaration in declared {
            let link = try #require(byName[declaration.name], "seed \(seed): \(declaration.name) missing")
            #expect(
                link["templateApp"]?["id"]?.stringValue?.lowercased() == declaration.templateAppId.lowercased(),
                "seed \(seed): \(declaration.name).templateApp")
            if let pinned = declaration.id {
                #expect(link["id"]?.stringValue == pinned, "seed \(seed): pinned \(declaration.name) kept its id")
            }
            if let rowEstExpr = declaration.qseow?.rowEstExpr {
                #expect(link["rowEstExpr"]?.stringValue == rowEstExpr, "seed \(seed): \(declaration.name).rowEstExpr")
            }
            if let status = declaration.qseow?.status {
                #expect(link["status"]?.stringValue == status, "seed \(seed): \(declaration.name).status")
            }
        }
        // What no declaration manages is kept, on updated and retired links alike.
        let byId = Dictionary(links.map { ($0["id"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        for seeded in live {
            let id = seeded["id"]?.stringValue ?? ""
            let link = try #require(byId[id], "seed \(seed): link \(id) is gone")
            #expect(
                link["properties"]?["menuLabel"] == seeded["properties"]?["menuLabel"],
                "seed \(seed): \(id) lost its undeclared menuLabel")
        }
    }
}

extension Harness {
    /// An emulator speaking Qlik's shapes, seeded with `world`'s live links, and a qseow client.
    init(qseow world: QseowWorld, configure: (inout EmulatorConfiguration) -> Void) throws {
        try self.init(
            prefix: "property-qseow", state: ["formatVersion": 1, "api": "qseow", "links": .array(world.live)],
            api: .qseow, configure: configure)
    }

    /// Applies `plan` as `apply` does with manifests: a stale change is re-applied from `declared`.
    func applyManifests(_ plan: Plan, live: [OdagLink], declared: [DeclaredLink]) async -> ApplyReport {
        await ApplyExecutor(
            service: client, parallelism: 4, knownIds: Set(live.compactMap(\.id)),
            staleChanges: .reapplying(declared)
        ).apply(plan)
    }

    /// The names of the links that are not retired, as the emulator saved them.
    func activeNames() throws -> [String] {
        try stateLinks().filter { $0["status"]?.stringValue != "decommissioned" }.compactMap { $0["name"]?.stringValue }
    }
}

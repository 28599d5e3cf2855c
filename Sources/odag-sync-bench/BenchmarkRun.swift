import Foundation
import ODAGClient
import ODAGCore
import ODAGEmulator
import ODAGSync
import ODAGSyncCLI

#if canImport(Glibc)
    import Glibc
#endif

/// A failure that stops the benchmark: the thing measured did not do what it should.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One run of every section, collecting figures.
final class BenchmarkRun {
    let options: BenchOptions
    let workspace: String
    /// How to run `odag-sync`: the built binary, or this executable standing in for it.
    let cli: (path: String, prefix: [String], note: String)
    private(set) var figures: [Figure] = []
    var log: (String) -> Void

    init(options: BenchOptions, workspace: String, log: @escaping (String) -> Void) {
        self.options = options
        self.workspace = workspace
        self.log = log
        self.cli = Self.locateCLI(options.binary)
    }

    var checked: Bool { !options.smoke }

    func add(_ figure: Figure) {
        figures.append(figure)
        log("  \(figure.label) [\(figure.size)]: \(figure.valueText)\(figure.note.isEmpty ? "" : " (\(figure.note))")")
    }

    /// The built `odag-sync` beside this executable, else this executable in its `--as-odag-sync` mode (the
    /// same libraries and code path; `swift run odag-sync-bench` builds only the benchmark).
    static func locateCLI(_ explicit: String?) -> (path: String, prefix: [String], note: String) {
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        if let explicit { return (explicit, [], "") }
        let sibling = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("odag-sync").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return (sibling, [], "") }
        return (own, ["--as-odag-sync"], "odag-sync not built; ran odag-sync-bench --as-odag-sync")
    }

    func repeatMedian(_ count: Int? = nil, _ body: () throws -> Double) rethrows -> Double {
        var values: [Double] = []
        for _ in 0..<(count ?? options.repeats) { values.append(try body()) }
        return Timing.median(values)
    }

    func repeatMedian(_ count: Int? = nil, _ body: () async throws -> Double) async rethrows -> Double {
        var values: [Double] = []
        for _ in 0..<(count ?? options.repeats) { values.append(try await body()) }
        return Timing.median(values)
    }

    static func sizeText(_ count: Int) -> String {
        count >= 1000 && count % 1000 == 0 ? "\(count / 1000)k" : "\(count)"
    }

    // MARK: - Manifest load and validate

    func validateSection() throws {
        let count = options.validateLinks
        let files = min(options.validateFiles, count)
        log("validate: \(count) links in \(files) files")
        let folder = workspace + "/validate"
        try SyntheticData.writeManifests(count: count, files: files, to: folder + "/links")
        let size = "\(Self.sizeText(count)) links, \(files) files"

        var readSeconds: [Double] = []
        var checkSeconds: [Double] = []
        var cpu: [Double] = []
        let total = try repeatMedian {
            let (seconds, cpuSeconds, report) = Timing.measureBoth {
                ProjectValidator.validate(manifestPaths: ["links"], currentDirectory: folder)
            }
            guard report.isValid, report.linkCount == count else {
                throw BenchError(
                    "validate found \(report.errorCount) errors and \(report.linkCount) links, expected \(count) valid links"
                )
            }
            // The two stages on their own, for the profile.
            let loader = ManifestLoader(currentDirectory: folder)
            let (read, manifests) = Timing.measure { loader.readFiles(loader.findFiles(["links"]).files) }
            let (check, _) = Timing.measure {
                ManifestLoader.check(manifests, resolver: VariableResolver(), scope: LinkScope())
            }
            readSeconds.append(read)
            checkSeconds.append(check)
            cpu.append(cpuSeconds)
            return seconds
        }
        add(
            Figure(
                id: "validate.seconds", label: "validate (ProjectValidator)", size: size, value: total, unit: "s",
                goal: .atMost(0.3), cpu: Timing.median(cpu)))
        add(
            Figure(
                id: "validate.read.seconds", label: "  find, read and parse", size: size,
                value: Timing.median(readSeconds), unit: "s"))
        add(
            Figure(
                id: "validate.check.seconds", label: "  check links", size: size,
                value: Timing.median(checkSeconds), unit: "s"))
        var processCPU: [Double] = []
        let process = try repeatMedian {
            let outcome = try ChildProcess.run(cli.path, cli.prefix + ["validate", "links"], directory: folder)
            guard outcome.status == 0 else { throw BenchError("odag-sync validate exited \(outcome.status)") }
            processCPU.append(outcome.cpuSeconds)
            return outcome.seconds
        }
        add(
            Figure(
                id: "validate.process.seconds", label: "odag-sync validate (process)", size: size, value: process,
                unit: "s", note: cli.note, cpu: Timing.median(processCPU)))

        // The same links with each file on one line of minified JSON: positions (lines and columns) must cost
        // nothing until a diagnostic needs one, however long the lines.
        let minified = workspace + "/validate-minified"
        try SyntheticData.writeManifests(count: count, files: files, to: minified + "/links", pretty: false)
        var minifiedCPU: [Double] = []
        let minifiedProcess = try repeatMedian {
            let outcome = try ChildProcess.run(cli.path, cli.prefix + ["validate", "links"], directory: minified)
            guard outcome.status == 0 else {
                throw BenchError("odag-sync validate (minified) exited \(outcome.status)")
            }
            minifiedCPU.append(outcome.cpuSeconds)
            return outcome.seconds
        }
        add(
            Figure(
                id: "validate.minified.process.seconds", label: "odag-sync validate, one-line minified files",
                size: size, value: minifiedProcess, unit: "s", goal: .atMost(0.3), note: cli.note,
                cpu: Timing.median(minifiedCPU)))
    }

    // MARK: - Diff engine

    func diffSection() throws {
        let count = options.diffLinks
        log("diff: \(count) declared vs \(count) live")
        let data = SyntheticData(changedPercent: options.changedPercent)
        let declared = SyntheticData.declaredLinks(count)
        let live = try data.liveLinks(count)
        let expected = (0..<count).filter(data.isChanged).count
        let planOptions = PlanOptions(server: "bench", generatedAt: "2026-01-01T00:00:00Z")
        var cpu: [Double] = []
        let seconds = try repeatMedian {
            let (seconds, cpuSeconds, plan) = Timing.measureBoth {
                Planner.plan(desired: declared, live: live, options: planOptions)
            }
            cpu.append(cpuSeconds)
            guard plan.summary.update == expected, plan.summary.unchanged == count - expected, plan.errors.isEmpty
            else {
                throw BenchError("diff planned \(plan.summary), expected \(expected) updates")
            }
            return seconds
        }
        add(
            Figure(
                id: "diff.seconds", label: "diff engine (Planner.plan)",
                size: "\(Self.sizeText(count)) vs \(Self.sizeText(count))",
                value: seconds, unit: "s", goal: .atMost(0.5), note: "\(expected) updates", cpu: Timing.median(cpu)))
    }

    // MARK: - Decoding GET /links

    /// Parsing and decoding a `GET /links` body of `planLinks` links, without the network.
    func decodeSection() throws {
        let count = options.planLinks
        log("decode: GET /links body of \(count) links")
        let data = SyntheticData(changedPercent: options.changedPercent)
        let body = JSONWriter.bytes(.array((0..<count).map(data.liveLink)))
        var parseSeconds: [Double] = []
        let total = try repeatMedian {
            let start = ContinuousClock.now
            let (parse, json) = try Timing.measure { try JSONParser.parse(body) }
            let links = try OdagLink.list(json: json)
            guard links.count == count else { throw BenchError("decoded \(links.count) links, expected \(count)") }
            parseSeconds.append(parse)
            return Timing.seconds(ContinuousClock.now - start)
        }
        let size = "\(Self.sizeText(count)) links, \(body.count / 1024) KiB"
        add(
            Figure(
                id: "decode.seconds", label: "decode GET /links body (no network)", size: size, value: total, unit: "s")
        )
        add(
            Figure(
                id: "decode.parse.seconds", label: "  JSONParser.parse", size: size, value: Timing.median(parseSeconds),
                unit: "s"))
    }

    // MARK: - Plan end to end

    /// A folder with manifests for `count` links and an emulator serving the live links.
    struct PlanFixture {
        let folder: String
        let emulator: Emulator
        let client: ODAGClient
        let transport: LibcurlTransport
        let expectedUpdates: Int
    }

    func planFixture(count: Int) throws -> PlanFixture {
        let folder = workspace + "/plan-\(count)"
        let data = SyntheticData(changedPercent: options.changedPercent)
        try SyntheticData.writeManifests(count: count, files: max(1, count / 100), to: folder + "/links")
        try data.writeStateFile(count: count, to: folder + "/state.json")
        let emulator = try Emulator.start(EmulatorConfiguration(statePath: folder + "/state.json"))
        guard let url = URL(string: emulator.baseURL) else { throw BenchError("bad emulator URL \(emulator.baseURL)") }
        let transport = try LibcurlTransport()
        let client = try ODAGClient(configuration: ODAGClientConfiguration(baseURL: url), transport: transport)
        return PlanFixture(
            folder: folder, emulator: emulator, client: client, transport: transport,
            expectedUpdates: (0..<count).filter(data.isChanged).count)
    }

    /// The figures of planning `count` links; `detailed` adds the stages and the in-process command.
    func planFigures(count: Int, detailed: Bool, prefix: String) async throws -> (process: Double, floor: Double) {
        let fixture = try planFixture(count: count)
        defer { fixture.emulator.stop() }
        let size = "\(Self.sizeText(count)) vs \(Self.sizeText(count))"
        let server = fixture.emulator.baseURL

        // The floor: GET /links alone, raw bytes through the same transport.
        var bodyBytes = 0
        let key = "abcdefghijklmnop"
        guard let listURL = URL(string: "\(server)/links?xrfkey=\(key)") else { throw BenchError("bad URL") }
        let raw = HTTPRequest(
            method: "GET", url: listURL, headers: ["X-Qlik-Xrfkey": key, "Accept": "application/json"])
        let floor = try await repeatMedian {
            let (seconds, response) = try await Timing.measure { try await fixture.transport.send(raw) }
            guard response.status == 200 else { throw BenchError("GET /links answered \(response.status)") }
            bodyBytes = response.body.count
            return seconds
        }
        add(
            Figure(
                id: "\(prefix).floor.get.seconds", label: "floor: GET /links (raw bytes)",
                size: "\(Self.sizeText(count)) links",
                value: floor, unit: "s", note: "\(bodyBytes / 1024) KiB"))

        if detailed {
            let list = try await repeatMedian {
                let (seconds, links) = try await Timing.measure { try await fixture.client.listLinks() }
                guard links.count == count else { throw BenchError("listLinks returned \(links.count) links") }
                return seconds
            }
            add(
                Figure(
                    id: "\(prefix).listLinks.seconds", label: "  client.listLinks (GET + decode)",
                    size: "\(Self.sizeText(count)) links",
                    value: list, unit: "s"))

            // The stages of the plan command, in process.
            var stages: [String: [Double]] = [:]
            let library = try await repeatMedian {
                let start = ContinuousClock.now
                let (load, loaded) = Timing.measure {
                    ManifestLoader(currentDirectory: fixture.folder).load(paths: ["links"])
                }
                guard loaded.isValid else { throw BenchError("the plan manifests are not valid") }
                let (fetch, live) = try await Timing.measure { try await fixture.client.listLinks() }
                let (diff, plan) = Timing.measure {
                    Planner.plan(
                        desired: loaded.links, live: live,
                        options: PlanOptions(server: server, generatedAt: "2026-01-01T00:00:00Z"))
                }
                guard plan.summary.update == fixture.expectedUpdates else {
                    throw BenchError("plan made \(plan.summary), expected \(fixture.expectedUpdates) updates")
                }
                let (render, _) = Timing.measure { PlanTextRenderer().render(plan) }
                stages["load", default: []].append(load)
                stages["fetch", default: []].append(fetch)
                stages["diff", default: []].append(diff)
                stages["render", default: []].append(render)
                return Timing.seconds(ContinuousClock.now - start)
            }
            add(
                Figure(
                    id: "\(prefix).library.seconds", label: "plan via the libraries (in process)", size: size,
                    value: library, unit: "s"))
            for (stage, label) in [
                ("load", "  load + check manifests"), ("fetch", "  GET /links + decode"),
                ("diff", "  diff"), ("render", "  render text"),
            ] {
                add(
                    Figure(
                        id: "\(prefix).stage.\(stage).seconds", label: label, size: size,
                        value: Timing.median(stages[stage] ?? []), unit: "s"))
            }

            let command = try await repeatMedian {
                let output = BufferSink()
                let context = CommandContext(
                    console: Console(standardOutput: output, standardError: BufferSink()), environment: [:],
                    currentDirectory: fixture.folder)
                let (seconds, code) = await Timing.measure {
                    await CommandLineTool.run(["plan", "links", "--server", server, "--no-color"], context: context)
                }
                guard code == .success else { throw BenchError("odag-sync plan (in process) exited \(code)") }
                return seconds
            }
            add(
                Figure(
                    id: "\(prefix).command.seconds", label: "CommandLineTool.run plan (in process)", size: size,
                    value: command, unit: "s"))
        }

        var peak = 0.0
        var processCPU: [Double] = []
        let process = try repeatMedian {
            let outcome = try ChildProcess.run(
                cli.path, cli.prefix + ["plan", "links", "--server", server, "--no-color"], directory: fixture.folder,
                sampleMemory: true)
            guard outcome.status == 0 else { throw BenchError("odag-sync plan exited \(outcome.status)") }
            peak = max(peak, outcome.peakRSSMegabytes)
            processCPU.append(outcome.cpuSeconds)
            return outcome.seconds
        }
        let goal: Figure.Goal? = count == 10_000 ? .atMost(1.0) : nil
        add(
            Figure(
                id: "\(prefix).process.seconds", label: "odag-sync plan (process, wall)", size: size, value: process,
                unit: "s", goal: goal,
                note: "\(Figure.fixed(process / floor, 1))× the GET floor; \(fixture.expectedUpdates) updates"
                    + (cli.note.isEmpty ? "" : "; " + cli.note),
                cpu: Timing.median(processCPU)))
        add(
            Figure(
                id: "\(prefix).process.peakRSS", label: "odag-sync plan peak RSS", size: size, value: peak, unit: "MB",
                goal: count == 10_000 ? .atMost(150) : nil, note: "VmHWM sampled every 2 ms"))
        return (process, floor)
    }

    func planSection() async throws {
        log("plan: \(options.planLinks) vs \(options.planLinks)")
        _ = try await planFigures(count: options.planLinks, detailed: true, prefix: "plan")
    }

    func scaleSection() async throws {
        log("scale: \(options.scaleSizes.map(String.init).joined(separator: ", "))")
        for count in options.scaleSizes {
            let (process, _) = try await planFigures(count: count, detailed: false, prefix: "scale.\(count)")
            add(
                Figure(
                    id: "scale.\(count).perLink", label: "  plan cost per link",
                    size: "\(Self.sizeText(count)) vs \(Self.sizeText(count))",
                    value: process / Double(count) * 1_000_000, unit: "µs"))
        }
    }

    // MARK: - Apply

    func applySection() async throws {
        let count = options.applyChanges
        let parallelism = options.parallelism
        let latency = options.applyLatencyMs
        log("apply: \(count) updates, latency \(latency) ms, parallelism \(parallelism)")
        let size = "\(count) updates, P=\(parallelism), L=\(latency) ms"
        let stateNote =
            Self.memoryFolder() == nil ? "emulator state on disk (fsync per commit)" : "emulator state in /dev/shm"
        let applyEmulator = try SeededEmulator(count: count, latencyMs: latency, name: "apply", workspace: workspace)
        defer { applyEmulator.stop() }
        let emulator = applyEmulator.emulator
        let folder = applyEmulator.folder
        guard let url = URL(string: emulator.baseURL) else { throw BenchError("bad emulator URL") }
        let client = try ODAGClient(
            configuration: ODAGClientConfiguration(baseURL: url),
            transport: try LibcurlTransport(maximumIdleHandles: max(8, parallelism)))

        let (plan, knownIds) = try await updatePlan(count, through: client, server: emulator.baseURL, what: "apply")

        let (applySeconds, applyCPU) = try await timedApply(plan, through: client, knownIds: knownIds, what: "apply")
        let rate = Double(count) / applySeconds
        let ideal = latency > 0 ? Double(parallelism) / (Double(latency) / 1000) : .infinity
        add(
            Figure(
                id: "apply.seconds", label: "apply (ApplyExecutor)", size: size, value: applySeconds, unit: "s",
                note: (latency > 0 ? "ideal \(Figure.fixed(Double(count) / ideal, 2)) s; " : "") + stateNote
                    + "; CPU is client and emulator together", cpu: applyCPU))
        add(
            Figure(
                id: "apply.rate", label: "  changes per second", size: size, value: rate, unit: "/s",
                note: "ideal P/L = \(Figure.fixed(ideal, 0)) /s"))
        if latency > 0 {
            add(
                Figure(
                    id: "apply.idealRatio", label: "  share of the ideal P/L", size: size, value: rate / ideal * 100,
                    unit: "%", goal: .atLeast(90)))
        }

        // The same requests one at a time, as a script would send them.
        let sequential = try await Timing.measure {
            for change in plan.changes {
                guard let id = change.id, let after = change.after else {
                    throw BenchError("change without id or body")
                }
                _ = try await client.updateLink(id: id, try OdagLinkUpdate(json: after))
            }
        }.seconds
        add(
            Figure(
                id: "apply.sequential.seconds", label: "sequential loop of the same PUTs",
                size: "\(count) updates, L=\(latency) ms",
                value: sequential, unit: "s", note: "\(Figure.fixed(Double(count) / sequential, 1)) /s"))
        add(
            Figure(
                id: "apply.speedup", label: "  apply speed-up over the loop", size: size,
                value: sequential / applySeconds,
                unit: "x", goal: .atLeast(6)))

        // The same apply through libcurl over the same plain http, in the same run: the figure that decides whether
        // the built-in socket client still earns its place beside libcurl.
        let curlClient = try ODAGClient(
            configuration: ODAGClientConfiguration(baseURL: url),
            transport: try LibcurlTransport(maximumIdleHandles: max(8, parallelism)))
        let curlTiming = try await timedApply(
            plan, through: curlClient, knownIds: knownIds, what: "apply through libcurl")
        addIdealShare(
            id: "apply.libcurl.idealRatio", label: "  same apply through libcurl (plain http)", size: size,
            changes: count, timing: curlTiming, ideal: ideal, note: "kept-alive connections, one handle per worker")

        // The same apply against an emulator that keeps its state in memory only (seeded through the API),
        // to show what the emulator's durable writes cost.
        var inMemory = EmulatorConfiguration()
        inMemory.latencyMs = latency
        let memoryEmulator = try Emulator.start(inMemory)
        defer { memoryEmulator.stop() }
        guard let memoryURL = URL(string: memoryEmulator.baseURL) else { throw BenchError("bad emulator URL") }
        let memoryClient = try ODAGClient(
            configuration: ODAGClientConfiguration(baseURL: memoryURL),
            transport: try LibcurlTransport(maximumIdleHandles: max(8, parallelism)))
        let seeds = (0..<count).map { index in
            DeclaredLink(
                name: SyntheticData.name(index), selectionAppId: SyntheticData.selectionApp(index),
                templateAppId: SyntheticData.templateApp(index),
                properties: SyntheticData.declaredProperties(index, maxAge: 720),
                source: ManifestSource(file: "seed", location: nil, path: "links[\(index)]"))
        }
        let seedPlan = Planner.plan(
            desired: seeds, live: [],
            options: PlanOptions(server: memoryEmulator.baseURL, generatedAt: "2026-01-01T00:00:00Z"))
        let seeded = await ApplyExecutor(service: memoryClient, parallelism: parallelism, knownIds: []).apply(seedPlan)
        guard seeded.succeeded == count else {
            throw BenchError("seeding the in-memory emulator: \(seeded.failed) failed")
        }
        let (memoryPlan, memoryKnownIds) = try await updatePlan(
            count, through: memoryClient, server: memoryEmulator.baseURL, what: "in-memory apply")
        let inMemoryTiming = try await timedApply(
            memoryPlan, through: memoryClient, knownIds: memoryKnownIds, what: "apply (in memory)")
        addIdealShare(
            id: "apply.inMemory.idealRatio", label: "  same apply, emulator state in memory only", size: size,
            changes: count, timing: inMemoryTiming, ideal: ideal, note: "seeded through the API, no state file")

        // The emulator's own ceiling: the same apply against it without latency.
        var fast = EmulatorConfiguration(statePath: folder + "/state.json")
        fast.latencyMs = 0
        emulator.stop()
        let quick = try Emulator.start(fast)
        defer { quick.stop() }
        guard let quickURL = URL(string: quick.baseURL) else { throw BenchError("bad emulator URL") }
        let quickClient = try ODAGClient(
            configuration: ODAGClientConfiguration(baseURL: quickURL),
            transport: try LibcurlTransport(maximumIdleHandles: max(8, parallelism)))
        let ceiling = try await timedApply(plan, through: quickClient, knownIds: knownIds, what: "apply (no latency)")
            .seconds
        add(
            Figure(
                id: "apply.noLatency.rate", label: "  same apply, emulator without latency",
                size: "\(count) updates, P=\(parallelism), L=0",
                value: Double(count) / ceiling, unit: "/s",
                note: "emulator + client ceiling; \(Figure.fixed(Double(count) / ceiling / ideal, 1))× the ideal P/L"))
    }

    /// The plan that updates all `count` synthetic links behind `client` (read live), and the ids live before it
    /// (the apply settles lost creates against them).
    func updatePlan(_ count: Int, through client: ODAGClient, server: String, what: String) async throws
        -> (plan: Plan, knownIds: Set<String>)
    {
        let live = try await client.listLinks()
        let plan = Planner.plan(
            desired: SyntheticData.declaredLinks(count), live: live,
            options: PlanOptions(server: server, generatedAt: "2026-01-01T00:00:00Z"))
        guard plan.summary.update == count else {
            throw BenchError("\(what) plan has \(plan.summary), expected \(count) updates")
        }
        return (plan, Set(live.compactMap(\.id)))
    }

    /// Applies `plan` through `client` (the median of a few runs): its wall and CPU seconds; throws when any change
    /// failed, naming `what`.
    func timedApply(
        _ plan: Plan, through client: ODAGClient, knownIds: Set<String>, what: String, parallelism: Int? = nil
    ) async throws -> (seconds: Double, cpu: Double) {
        var cpuSeconds: [Double] = []
        let seconds = try await repeatMedian(options.smoke ? 1 : 3) {
            let executor = ApplyExecutor(
                service: client, parallelism: parallelism ?? options.parallelism, knownIds: knownIds)
            let cpu = Timing.processCPUSeconds()
            let (seconds, report) = await Timing.measure { await executor.apply(plan) }
            cpuSeconds.append(Timing.processCPUSeconds() - cpu)
            guard report.succeeded == plan.changes.count else {
                throw BenchError("\(what): \(report.failed) of \(plan.changes.count) changes failed")
            }
            return seconds
        }
        return (seconds, Timing.median(cpuSeconds))
    }

    /// Adds the row "share of the ideal P/L" of an apply variant, with its rate and CPU; nothing without latency.
    func addIdealShare(
        id: String, label: String, size: String, changes: Int, timing: (seconds: Double, cpu: Double), ideal: Double,
        note: String
    ) {
        guard ideal.isFinite else { return }
        let rate = Double(changes) / timing.seconds
        add(
            Figure(
                id: id, label: label, size: size, value: rate / ideal * 100, unit: "%",
                note: "\(Figure.fixed(rate, 0)) /s in \(Figure.fixed(timing.seconds, 2)) s, "
                    + "\(Figure.fixed(timing.cpu * 1000, 0)) ms CPU; \(note)"))
    }

    /// A writable memory-backed folder, if the system has one.
    static func memoryFolder() -> String? {
        guard access("/dev/shm", W_OK) == 0, let mounts = ChildProcess.readProcFile("/proc/mounts") else { return nil }
        let isTmpfs = mounts.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1] == "/dev/shm" && fields[2] == "tmpfs"
        }
        return isTmpfs ? "/dev/shm" : nil
    }

    // MARK: - Start-up

    func startupSection() throws {
        log("startup: \(options.startupRuns) runs of odag-sync version")
        var times: [Double] = []
        var cpu: [Double] = []
        for _ in 0..<options.startupRuns {
            let outcome = try ChildProcess.run(cli.path, cli.prefix + ["version"])
            guard outcome.status == 0 else { throw BenchError("odag-sync version exited \(outcome.status)") }
            times.append(outcome.seconds)
            cpu.append(outcome.cpuSeconds)
        }
        var floor: [Double] = []
        for _ in 0..<options.startupRuns {
            floor.append(try ChildProcess.run("/bin/true", []).seconds)
        }
        add(
            Figure(
                id: "startup.version.seconds", label: "odag-sync version start-up (median)",
                size: "\(options.startupRuns) runs",
                value: Timing.median(times), unit: "s", goal: .atMost(0.020),
                note: "min \(Figure.fixed((times.min() ?? 0) * 1000, 1)) ms"
                    + (cli.note.isEmpty ? "" : "; " + cli.note),
                cpu: Timing.median(cpu)))
        add(
            Figure(
                id: "startup.true.seconds", label: "  spawn floor: /bin/true (median)",
                size: "\(options.startupRuns) runs",
                value: Timing.median(floor), unit: "s"))
    }

    func memoryFigures() {
        add(
            Figure(
                id: "memory.bench.peakRSS", label: "benchmark process peak RSS", size: "whole run",
                value: Timing.peakRSSMegabytes(), unit: "MB", note: "includes emulators and the diff data"))
    }
}

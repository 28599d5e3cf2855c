import Foundation
import ODAGCore
import ODAGSyncCLI

#if canImport(Glibc)
    import Glibc
#endif

// Stands in for odag-sync when it has not been built (same libraries, same code path).
if CommandLine.arguments.dropFirst().first == "--as-odag-sync" {
    exit(await CommandLineTool.main(Array(CommandLine.arguments.dropFirst(2))))
}

signal(SIGPIPE, SIG_IGN)

let options: BenchOptions
do {
    options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    let help = CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h")
    FileHandle.standardError.write(Data("\(help ? "" : "odag-sync-bench: ")\(error)\n".utf8))
    exit(help ? 0 : 64)
}

let template = NSTemporaryDirectory() + "/odag-sync-bench.XXXXXX"
var templateBytes = Array(template.utf8CString)
guard let created = mkdtemp(&templateBytes) else {
    FileHandle.standardError.write(Data("odag-sync-bench: cannot create a temporary folder\n".utf8))
    exit(1)
}
let workspace = String(cString: created)
defer {
    if options.keepWorkspace {
        FileHandle.standardError.write(Data("odag-sync-bench: kept \(workspace)\n".utf8))
    } else {
        try? FileManager.default.removeItem(atPath: workspace)
    }
}

let loadAtStart = Timing.loadAverage()
let run = BenchmarkRun(options: options, workspace: workspace) { line in
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
var failure: String?
do {
    if options.runs("validate") { try run.validateSection() }
    if options.runs("diff") { try run.diffSection() }
    if options.runs("decode") { try run.decodeSection() }
    if options.runs("plan") { try await run.planSection() }
    if options.runs("scale") { try await run.scaleSection() }
    if options.runs("apply") { try await run.applySection() }
    if options.runs("https") { try await run.httpsSection() }
    if options.runs("startup") { try run.startupSection() }
} catch {
    failure = "\(error)"
}
run.memoryFigures()

let checked = !options.smoke
let document: JSONValue = .object([
    "smoke": .bool(options.smoke),
    "cores": .int(ProcessInfo.processInfo.activeProcessorCount),
    "loadAverageAtStart": loadAtStart.map(JSONValue.double) ?? .null,
    "figures": .array(run.figures.map { $0.json(checked: checked) }),
    "error": failure.map(JSONValue.string) ?? .null,
])
if let path = options.jsonFile {
    do {
        try Data(JSONWriter.bytes(document, pretty: true) + [0x0A]).write(to: URL(fileURLWithPath: path))
    } catch {
        FileHandle.standardError.write(Data("odag-sync-bench: cannot write \(path): \(error)\n".utf8))
    }
}
if options.json {
    print(JSONWriter.string(document, pretty: true))
} else {
    print(
        "odag-sync-bench\(options.smoke ? " (smoke sizes: goals not checked)" : ""), "
            + "\(ProcessInfo.processInfo.activeProcessorCount) cores, release build, "
            + "load average \(loadAtStart.map { Figure.fixed($0, 2) } ?? "unknown") at start\n")
    print(FigureTable.render(run.figures, checked: checked), terminator: "")
}
if let failure {
    FileHandle.standardError.write(Data("odag-sync-bench: \(failure)\n".utf8))
    exit(1)
}
let missed = run.figures.filter { $0.goal != nil && $0.status(checked: checked) == "MISSED" }
if options.check && checked && !missed.isEmpty {
    FileHandle.standardError.write(Data("odag-sync-bench: \(missed.count) figure(s) missed their goal\n".utf8))
    exit(1)
}

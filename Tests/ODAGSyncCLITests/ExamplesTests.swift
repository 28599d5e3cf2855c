import Foundation
import ODAGCore
import Testing

/// Everything in `examples/` is run, so it never rots: the quick start, the multi-environment
/// project, both CI files and the cron script.
@Suite struct ExamplesTests {
    static func example(_ relative: String) -> String { OdagSyncBinary.inPackage("examples/" + relative) }

    /// A copy of `examples/multi-env` to run CI jobs and scripts in.
    static func multiEnvCopy() throws -> TemporaryFolder {
        let folder = try TemporaryFolder(prefix: "multi-env")
        for item in try FileManager.default.contentsOfDirectory(atPath: example("multi-env")) {
            try folder.copy(example("multi-env/" + item), to: item)
        }
        return folder
    }

    @Test func everyExampleFileIsCoveredHere() throws {
        let covered: Set<String> = [
            "quickstart/emulator-state.json", "quickstart/links/sales.json", "quickstart/links/finance.json",
            "multi-env/odag-sync.json", "multi-env/links/sales.json", "ci/github-actions.yml", "ci/gitlab-ci.yml",
            "ci/install-odag-sync.sh",
            "cron/odag-sync-drift.sh",
            "qseow/odag-sync.json", "qseow/links/sales.json", "qseow/emulator-state.json",
        ]
        let root = OdagSyncBinary.inPackage("examples")
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var found: Set<String> = []
        while let item = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            let path = (root as NSString).appendingPathComponent(item)
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                found.insert(item)
            }
        }
        #expect(found == covered, "a new example needs a test here")
    }

    @Test func quickStartAppliesDriftsThenPlansClean() async throws {
        let folder = try TemporaryFolder(prefix: "quickstart")
        defer { folder.remove() }
        let state = try folder.copy(Self.example("quickstart/emulator-state.json"), to: "odag-state.json")
        let links = "examples/quickstart/links"

        let apply = try await OdagSyncBinary.run(["apply", "--emulator", state, "--auto-approve", links])
        #expect(apply.code == 0, "\(apply)")
        #expect(apply.stdout.contains("Plan: 1 to create, 1 to update, 1 to replace, 0 to delete"), "\(apply.stdout)")
        #expect(apply.stdout.contains("Apply complete: 3 succeeded, 0 failed"), "\(apply.stdout)")
        let live = try #require(E2E.json(folder.read("odag-state.json"))?["links"]?.arrayValue)
        let byName = Dictionary(live.map { ($0["name"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byName.count == 4 && live.count == 4)
        #expect(byName["Quickstart Sales detail by region"]?["properties"]?["retention"]?["maxAge"] == 720)
        #expect(
            byName["Quickstart Sales detail by region"]?["properties"]?["menuLabel"]
                == "Sales detail (kept: not managed by the manifests)", "the update keeps the undeclared field")
        #expect(byName["Quickstart Sales by product"]?["templateAppId"] == "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c91")
        #expect(byName["Quickstart Finance drill"] != nil)

        let drift = try await OdagSyncBinary.run(["drift", "--emulator", state, links])
        #expect(drift.code == 2, "\(drift)")
        #expect(drift.stdout.contains("Legacy export (made by hand)"), "\(drift.stdout)")

        let plan = try await OdagSyncBinary.run(["plan", "--emulator", state, "--detailed-exitcode", links])
        #expect(plan.code == 0, "\(plan)")
        #expect(plan.stdout.contains("No changes. 3 links are up to date; 1 unmanaged."), "\(plan.stdout)")
    }

    @Test func qseowPlansAppliesAndPlansClean() async throws {
        let folder = try TemporaryFolder(prefix: "qseow-example")
        defer { folder.remove() }
        let state = try folder.copy(Self.example("qseow/emulator-state.json"), to: "odag-state.json")
        // The proxy's user is the scope's owner, so the links odag-sync creates are in scope.
        let config = [
            "--config", "examples/qseow/odag-sync.json", "--header", "X-Qlik-User: UserDirectory=CORP; UserId=svc_odag",
        ]

        let plan = try await OdagSyncBinary.run(["plan"] + config + ["--emulator", state, "--output", "json"])
        #expect(plan.code == 0, "\(plan)")
        let planned = try #require(E2E.json(plan.stdout), "\(plan)")
        #expect(planned["api"] == "qseow")
        let actions = Dictionary(
            (planned["changes"]?.arrayValue ?? []).map {
                ($0["name"]?.stringValue ?? "", $0["action"]?.stringValue ?? "")
            },
            uniquingKeysWith: { a, _ in a })
        #expect(
            actions == [
                "Sales detail by region": "update", "Sales by product": "create",
                "Sales legacy export (made by hand)": "retire",
            ], "\(plan.stdout)")
        #expect(planned["summary"]?["unchanged"] == 1, "the dynamic view is in step: \(plan.stdout)")

        let apply = try await OdagSyncBinary.run(["apply"] + config + ["--emulator", state, "--auto-approve"])
        #expect(apply.code == 0, "\(apply)")
        let live = try #require(E2E.json(folder.read("odag-state.json"))?["links"]?.arrayValue)
        let byName = Dictionary(live.map { ($0["name"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(live.count == 6, "one created, none deleted")
        #expect(byName["Sales detail by region"]?["id"] == "6d1e4b20-3c5a-4f7e-9a2b-8c0d1e2f3a01")
        #expect(byName["Sales detail by region"]?["templateApp"]?["id"] == "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c90")
        #expect(
            byName["Sales detail by region"]?["properties"]?["appOpenMethod"] != nil, "an undeclared key is kept")
        #expect(byName["Sales by product"]?["status"] == "disabled")
        #expect(byName["Sales by product"]?["owner"]?["userId"] == "svc_odag")
        #expect(byName["Sales legacy export (made by hand)"]?["status"] == "decommissioned")
        #expect(byName["Finance drill"]?["status"] == "active", "outside the scope")

        let again = try await OdagSyncBinary.run(["plan"] + config + ["--emulator", state, "--detailed-exitcode"])
        #expect(again.code == 0, "\(again)")
        let drift = try await OdagSyncBinary.run(["drift"] + config + ["--emulator", state])
        #expect(drift.code == 0, "\(drift)")
    }

    @Test func qseowReadmeStepsRunAsWritten() async throws {
        let readme = try String(contentsOfFile: OdagSyncBinary.inPackage("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "**The qseow example.**").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```sh\n").dropFirst().first)
        let steps = (block.components(separatedBy: "```").first ?? "").split(separator: "\n").map(String.init)
        #expect(steps.count == 2, "\(steps)")
        let folder = try TemporaryFolder(prefix: "qseow-readme")
        defer { folder.remove() }
        // The state file in a private folder, never in the checkout the tests run in.
        let script = steps.map {
            $0.replacingOccurrences(of: "swift run odag-sync", with: OdagSyncBinary.path)
                .replacingOccurrences(of: " .quickstart", with: " " + folder.path("quickstart"))
        }.joined(separator: " && ")
        #expect(!script.contains(" .quickstart"), "\(script)")
        let run = try await ChildProcess.run(
            "/bin/bash", ["--noprofile", "--norc", "-c", script], environment: OdagSyncBinary.environment(),
            directory: OdagSyncBinary.packageRoot)
        #expect(run.code == 0, "\(script)\n\(run)")
        #expect(run.stdout.contains("Plan: 1 to create, 1 to update, 1 to retire; 1 unchanged"), "\(run.stdout)")
    }

    @Test func qseowExampleValidatesAgainstEveryEnvironment() async throws {
        let run = try await OdagSyncBinary.run(["validate"], in: Self.example("qseow"))
        #expect(run.code == 0, "\(run)")
        #expect(run.stdout.contains("ok"), "\(run.stdout)")
    }

    @Test func quickStartManifestsValidate() async throws {
        let run = try await OdagSyncBinary.run(["validate", "examples/quickstart/links"])
        #expect(run.code == 0, "\(run)")
    }

    @Test func multiEnvValidatesAgainstEveryEnvironment() async throws {
        let run = try await OdagSyncBinary.run(["validate"], in: Self.example("multi-env"))
        #expect(run.code == 0, "\(run)")
        #expect(run.stdout.contains("ok"), "\(run.stdout)")
    }

    @Test(arguments: [
        ("dev", "11111111-1111-4111-8111-111111111111", "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c90"),
        ("test", "22222222-2222-4222-8222-222222222222", "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c90"),
        ("prod", "33333333-3333-4333-8333-333333333333", "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c9f"),
    ])
    func multiEnvPlansEachEnvironmentWithItsVariables(environment: String, selection: String, template: String)
        async throws
    {
        let server = try TestEmulator()
        let run = try await OdagSyncBinary.run(
            ["plan", "--env", environment, "--output", "json", "--detailed-exitcode"], in: Self.example("multi-env"),
            environment: ["ODAG_SERVER": server.url])
        #expect(run.code == 2, "two links to create: \(run)")
        let plan = try #require(E2E.json(run.stdout), "\(run)")
        #expect(plan["server"]?.stringValue == server.url, "ODAG_SERVER overrides the environment's server")
        #expect(plan["environment"]?.stringValue == environment)
        let creates = try #require(plan["changes"]?.arrayValue)
        #expect(creates.map { $0["name"] } == ["Sales detail by region", "Sales returns"])
        for change in creates {
            #expect(change["after"]?["selectionAppId"]?.stringValue == selection)
            #expect(change["after"]?["templateAppId"]?.stringValue == template)
        }
        #expect(try server.links().isEmpty, "plan changes nothing")
    }
}

/// The README's quick start, run exactly as written (with the built binary for `swift run
/// odag-sync` and a private folder for the clone's `.quickstart`), and its shown output
/// compared with what a terminal really shows (both streams), apart from times, new ids and the
/// order of progress lines of parallel changes.
@Suite struct ReadmeQuickStartTests {
    /// The `sh` blocks of the README's "Quick start" section, each with the `text` block after it.
    static func steps(_ readme: String) -> [(command: String, output: String?)] {
        guard let start = readme.range(of: "## Quick start") else { return [] }
        let section = readme[start.upperBound...].components(separatedBy: "\n## ").first ?? ""
        var steps: [(command: String, output: String?)] = []
        var fence: String?
        var body: [String] = []
        for line in section.components(separatedBy: "\n") {
            if let language = fence {
                if line.hasPrefix("```") {
                    let text = body.joined(separator: "\n")
                    if language == "sh" {
                        steps.append((text, nil))
                    } else if language == "text", !steps.isEmpty, steps[steps.count - 1].output == nil {
                        steps[steps.count - 1].output = text
                    }
                    fence = nil
                    body = []
                } else {
                    body.append(line)
                }
            } else if line.hasPrefix("```") {
                fence = String(line.dropFirst(3))
            }
        }
        return steps
    }

    /// `text` with times, durations and fresh ids replaced by placeholders.
    static func normalized(_ text: String) -> String {
        var result = text
        let patterns = [
            (#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, "TIME"),
            (#"→ id [0-9a-f-]{36}"#, "→ id NEW"),
            (#"\(\d+\.\d\d s\)"#, "(T s)"),
        ]
        for (pattern, replacement) in patterns {
            result = result.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        // Progress lines ("[2/3] ✓ …") come in the order changes finish, which parallel changes do not fix.
        var lines: [String] = []
        var progress: [String] = []
        for line in result.components(separatedBy: "\n") {
            if line.range(of: #"^\[\d+/\d+\] "#, options: .regularExpression) != nil {
                progress.append(line.replacingOccurrences(of: #"^\[\d+/"#, with: "[n/", options: .regularExpression))
                continue
            }
            lines += progress.sorted()
            progress = []
            lines.append(line)
        }
        lines += progress.sorted()
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func quickStartRunsAsWrittenAndPrintsWhatTheReadmeShows() async throws {
        let readme = try String(contentsOfFile: OdagSyncBinary.inPackage("README.md"), encoding: .utf8)
        let steps = Self.steps(readme)
        try #require(steps.count >= 2, "the README's quick start has an apply and a drift step")
        #expect(steps.allSatisfy { $0.output != nil }, "every quick start command shows its output")
        let folder = try TemporaryFolder(prefix: "readme")
        defer { folder.remove() }
        // The README keeps the state in the clone (never a shared /tmp path) and shows where a clone
        // at /home/you/odag-sync would have it.
        let privateFolder = folder.path("quickstart")
        let state = privateFolder + "/state.json"
        let shownState = "/home/you/odag-sync/.quickstart/state.json"
        for (index, step) in steps.enumerated() {
            #expect(!step.command.contains("/tmp"), "step \(index) uses a shared folder: \(step.command)")
            let command = step.command
                .replacingOccurrences(of: "swift run odag-sync", with: OdagSyncBinary.path)
                .replacingOccurrences(of: " .quickstart", with: " " + privateFolder)
            #expect(command.contains(state), "step \(index) does not use the quick start's state file: \(command)")
            // Both streams into one, as a terminal shows them (the README shows progress lines too).
            let run = try await ChildProcess.run(
                "/bin/bash", ["--noprofile", "--norc", "-c", "{ \(command); } 2>&1"],
                environment: OdagSyncBinary.environment(), directory: OdagSyncBinary.packageRoot)
            // The apply step succeeds; the drift step reports the hand-made link (exit 2), as the README says.
            let expectedCodes: Set<Int32> = command.contains(" drift ") ? [2] : [0]
            #expect(expectedCodes.contains(run.code), "step \(index): \(command)\n\(run)")
            guard let shown = step.output else { continue }
            let actual = run.stdout.replacingOccurrences(of: state, with: shownState)
            #expect(
                Self.normalized(actual) == Self.normalized(shown),
                "step \(index): the README shows other output than the command prints")
        }
    }
}

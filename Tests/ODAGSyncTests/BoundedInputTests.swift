import Foundation
import ODAGCore
import ODAGTestSupport
import Testing

@testable import ODAGSync

/// The project is the config file's folder: the config's paths and the links found while searching stay
/// inside it, and a search past the limits stops with a clear error.
@Suite struct BoundedInputTests {
    static let manifest = #"""
        {"links": [{"name": "Sales", "selectionAppId": "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b", "templateAppId": "9a1f3c2e-7b4d-4e8a-8c6f-2d5e1b3a7c90"}]}
        """#

    /// A project folder and a folder beside it (outside the project) holding a manifest.
    static func world(config: String) throws -> (folder: TemporaryFolder, project: String, outside: String) {
        let temporary = try TemporaryFolder(
            prefix: "project",
            files: [
                "project/odag-sync.json": config, "project/links/a.json": manifest,
                "outside/b.json": manifest.replacingOccurrences(of: "Sales", with: "Other"),
            ])
        return (temporary, temporary.path("project"), temporary.path("outside"))
    }

    static func load(_ folder: String, paths: [String] = [], limits: InputLimits = .standard) -> ValidationReport {
        var loader = ProjectLoader(currentDirectory: folder)
        loader.commandLinePaths = paths
        loader.limits = limits
        return loader.load()
    }

    @Test(arguments: [
        (#"["/"]"#, #"odag-sync.json:1:16: manifests[0]: "/" leads outside the project folder"#),
        (#"["../outside"]"#, #"odag-sync.json:1:16: manifests[0]: "../outside" leads outside the project folder"#),
    ])
    func aConfigPathOutsideTheProjectIsAnErrorAtItsPlace(manifests: String, expected: String) throws {
        let (folder, project, _) = try Self.world(config: #"{"manifests": \#(manifests)}"#)
        defer { folder.remove() }
        let report = Self.load(project)
        #expect(report.diagnostics.map(\.description).contains { $0.hasPrefix(expected) }, "\(report.diagnostics)")
        #expect(!report.isValid)
        #expect(report.files == ["odag-sync.json"], "nothing outside was read")
    }

    @Test func theSamePathOnTheCommandLineIsTheUsersChoice() throws {
        let (folder, project, outside) = try Self.world(config: #"{"manifests": ["links"]}"#)
        defer { folder.remove() }
        let report = Self.load(project, paths: ["../outside"])
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.links.map(\.name) == ["Other"])
        #expect(Self.load(project, paths: [outside]).isValid)
    }

    @Test func aConfigPathThatIsALinkOutOfTheProjectIsRefused() throws {
        let (folder, project, outside) = try Self.world(config: #"{"manifests": ["elsewhere"]}"#)
        defer { folder.remove() }
        try FileManager.default.createSymbolicLink(atPath: project + "/elsewhere", withDestinationPath: outside)
        let report = Self.load(project)
        #expect(
            report.diagnostics.map(\.description).contains {
                $0.hasPrefix(#"odag-sync.json:1:16: manifests[0]: "elsewhere" leads outside the project folder"#)
            }, "\(report.diagnostics)")
    }

    @Test func aLinkFoundWhileSearchingStaysInsideTheProject() throws {
        let (folder, project, outside) = try Self.world(config: #"{"manifests": ["links"]}"#)
        defer { folder.remove() }
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: project + "/links/out.json", withDestinationPath: outside + "/b.json")
        try manager.createSymbolicLink(atPath: project + "/links/outdir", withDestinationPath: outside)
        try manager.createDirectory(atPath: project + "/shared", withIntermediateDirectories: true)
        try Data(Self.manifest.replacingOccurrences(of: "Sales", with: "Shared").utf8).write(
            to: URL(fileURLWithPath: project + "/shared/c.json"))
        try manager.createSymbolicLink(atPath: project + "/links/in.json", withDestinationPath: "../shared/c.json")
        let report = Self.load(project)
        let real = URL(fileURLWithPath: outside).resolvingSymlinksInPath().path
        let descriptions = report.diagnostics.map(\.description)
        #expect(descriptions.count == 2, "\(descriptions)")
        #expect(
            descriptions.contains {
                $0.hasPrefix(#"links/out.json: is a symbolic link to "\#(real)/b.json", outside the project folder"#)
            }, "\(descriptions)")
        #expect(
            descriptions.contains {
                $0.hasPrefix(#"links/outdir: is a symbolic link to "\#(real)", outside the project folder"#)
            }, "\(descriptions)")
        #expect(report.links.map(\.name).sorted() == ["Sales", "Shared"], "a link inside the project is followed")
        // Given on the command line, the same folder still follows no link out of the project.
        #expect(Self.load(project, paths: ["links"]).diagnostics.count == 2)
    }

    @Test func tooManyFilesOrEntriesOrBytesStopWithAClearError() throws {
        var files = ["odag-sync.json": #"{"manifests": ["links"]}"#]
        for n in 0..<5 { files["links/m\(n).json"] = Self.manifest.replacingOccurrences(of: "Sales", with: "S\(n)") }
        files["links/notes.txt"] = "not a manifest"
        let temporary = try TemporaryFolder(prefix: "project", files: files)
        let project = temporary.root

        let fewFiles = Self.load(project, limits: InputLimits(maxFiles: 3, maxEntries: 100, maxTotalBytes: 1 << 20))
        #expect(
            fewFiles.diagnostics.map(\.description) == [
                #"odag-sync.json:1:16: manifests[0]: "links" holds more than 3 manifest files, the most odag-sync reads; is this the right path?"#
            ])
        let fewEntries = Self.load(project, limits: InputLimits(maxFiles: 100, maxEntries: 4, maxTotalBytes: 1 << 20))
        #expect(
            fewEntries.diagnostics.map(\.description) == [
                #"odag-sync.json:1:16: manifests[0]: "links" holds more than 4 files and folders, the most odag-sync searches for manifests; is this the right path?"#
            ])
        let size = Self.manifest.utf8.count
        let fewBytes = Self.load(
            project, limits: InputLimits(maxFiles: 100, maxEntries: 100, maxTotalBytes: size * 2 + 10))
        #expect(
            fewBytes.diagnostics.map(\.description) == [
                "links/m2.json: the manifests exceed \(size * 2 + 10) bytes in total, the most odag-sync reads; this file and the ones after it were not read"
            ])
        #expect(Self.load(project).isValid, "the standard limits are far above this")
        #expect(InputLimits.standard == InputLimits(maxFiles: 10_000, maxEntries: 100_000, maxTotalBytes: 268_435_456))
    }
}

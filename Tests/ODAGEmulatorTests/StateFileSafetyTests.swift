import Foundation
import ODAGCore
@testable import ODAGEmulator
import ODAGTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Another local user who can write to the state file's folder cannot make the emulator write
/// through a planted link, and rewriting the state file keeps its permissions.
@Suite struct StateFileSafetyTests {
    static let victimText = "a file the emulator must never write\n"

    func contents(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func aSymbolicLinkAtTheLockPathIsRefusedAndItsTargetUntouched() throws {
        let folder = try TemporaryFolder()
        let victim = folder.path("victim")
        try Self.victimText.write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.path(".state.json.lock"), withDestinationPath: victim)
        #expect {
            try Fixtures.makeEmulator(statePath: folder.path("state.json"))
        } throws: { error in
            "\(error)".contains("lock file") && "\(error)".contains("symbolic link")
        }
        #expect(try contents(victim) == Self.victimText)
    }

    @Test func aHardLinkAtTheLockPathIsRefusedAndItsTargetUntouched() throws {
        let folder = try TemporaryFolder()
        let victim = folder.path("victim")
        try Self.victimText.write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.linkItem(atPath: victim, toPath: folder.path(".state.json.lock"))
        #expect {
            try Fixtures.makeEmulator(statePath: folder.path("state.json"))
        } throws: { error in
            "\(error)".contains("not a plain file of this user with a single link")
        }
        #expect(try contents(victim) == Self.victimText)
    }

    @Test func aLockPathThatIsNotAPlainFileIsRefused() throws {
        let folder = try TemporaryFolder()
        #expect(mkfifo(folder.path(".state.json.lock"), 0o600) == 0)
        #expect {
            try Fixtures.makeEmulator(statePath: folder.path("state.json"))
        } throws: { error in
            "\(error)".contains("not a plain file of this user with a single link")
        }
    }

    /// The old temporary name was `.NAME.tmp-PID`: predictable, and opened with `O_CREAT|O_TRUNC`.
    @Test func symbolicLinksAtPredictableTemporaryNamesAreNeverWrittenThrough() throws {
        let folder = try TemporaryFolder()
        let victim = folder.path("victim")
        try Self.victimText.write(toFile: victim, atomically: false, encoding: .utf8)
        let path = folder.path("state.json")
        let emulator = try Fixtures.makeEmulator(statePath: path)
        defer { emulator.stop() }
        // Planted after start (which clears leftovers), before the saves below.
        for name in [".state.json.tmp-\(getpid())", ".state.json.tmp", ".state.json.tmp-\(getpid())-0"] {
            try FileManager.default.createSymbolicLink(atPath: folder.path(name), withDestinationPath: victim)
        }
        let client = try RawHTTPClient(port: emulator.port)
        for index in 0..<3 { _ = try Fixtures.createLink(client, Fixtures.makeLink(name: "l\(index)")) }
        #expect(try contents(victim) == Self.victimText)
        let saved = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(saved["links"]?.arrayValue?.count == 3)
    }

    /// Whatever name the temporary file gets, a link planted there is refused, not written through.
    @Test func aSymbolicLinkAtTheTemporaryNameIsRefused() throws {
        let folder = try TemporaryFolder()
        let victim = folder.path("victim")
        try Self.victimText.write(toFile: victim, atomically: false, encoding: .utf8)
        let path = folder.path("state.json")
        try FileManager.default.createSymbolicLink(
            atPath: folder.path(".state.json.tmp-\(getpid())-planted"), withDestinationPath: victim)
        #expect(throws: EmulatorError.self) {
            try StateFile.writeAtomically([Array("{}".utf8)], to: path, suffix: { "planted" })
        }
        #expect(try contents(victim) == Self.victimText)
        #expect(!FileManager.default.fileExists(atPath: path), "nothing was renamed into place")
    }

    @Test func aPrivateStateFileStaysPrivateWhenRewritten() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        try #"{"links": []}"#.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, 0o600) == 0)
        let emulator = try Fixtures.makeEmulator(statePath: path)
        defer { emulator.stop() }
        _ = try Fixtures.createLink(try RawHTTPClient(port: emulator.port))
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o600, "mode \(String(status.st_mode & 0o7777, radix: 8))")
        let saved = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(saved["links"]?.arrayValue?.count == 1)
    }
}

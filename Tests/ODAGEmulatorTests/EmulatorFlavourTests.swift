import Foundation
import ODAGCore
import ODAGEmulator
import ODAGTestSupport
import Testing

/// Which API flavour an emulator serves: the configuration's, else the state file's, and a state file
/// holding data of the other flavour refused.
@Suite struct EmulatorFlavourTests {
    static let documentState = """
        {"formatVersion":1,"links":[{"name":"A","selectionAppId":"11111111-1111-4111-8111-111111111111",\
        "templateAppId":"22222222-2222-4222-8222-222222222222"}],"requests":[]}
        """

    @Test func recordedFlavourReadsTheApiMember() throws {
        let folder = try TemporaryFolder()
        #expect(try Emulator.recordedFlavour(statePath: folder.path("missing.json")) == nil)
        let document = try folder.write("document.json", Self.documentState)
        #expect(try Emulator.recordedFlavour(statePath: document) == .document)
        let named = try folder.write("named.json", #"{"formatVersion":1,"api":"document","links":[]}"#)
        #expect(try Emulator.recordedFlavour(statePath: named) == .document)
        let qseow = try folder.write("qseow.json", #"{"formatVersion":1,"api":"qseow","links":[]}"#)
        #expect(try Emulator.recordedFlavour(statePath: qseow) == .qseow)
        let unknown = try folder.write("unknown.json", #"{"formatVersion":1,"api":"cloud","links":[]}"#)
        #expect(
            throws: EmulatorError.stateFileInvalid(
                path: unknown, reason: #"api: expected "document" or "qseow", found "cloud""#)
        ) {
            try Emulator.recordedFlavour(statePath: unknown)
        }
    }

    @Test func aDocumentEmulatorIsTheDefaultAndServesAFileThatNamesItsFlavour() throws {
        let folder = try TemporaryFolder()
        let plain = try Fixtures.makeEmulator()
        #expect(plain.flavour == .document)
        #expect(plain.sessionsCreated == 0)
        plain.stop()
        let named = try folder.write("named.json", #"{"formatVersion":1,"api":"document","links":[]}"#)
        let emulator = try Fixtures.makeEmulator(statePath: named) { $0.api = .document }
        defer { emulator.stop() }
        #expect(emulator.flavour == .document)
    }

    @Test func aDocumentStateFileWithLinksIsRefusedToTheQseowFlavour() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("state.json", Self.documentState)
        #expect(throws: EmulatorError.stateFileFlavourMismatch(path: path, recorded: .document, requested: .qseow)) {
            try Fixtures.makeEmulator(statePath: path) { $0.api = .qseow }
        }
        let message = EmulatorError.stateFileFlavourMismatch(path: path, recorded: .document, requested: .qseow)
            .description
        #expect(
            message == "the state file \(path) holds data of the document api flavour, not qseow; "
                + "serve it with --api document, or use another state file")
        // Refused without touching the file, and its lock is free again.
        #expect(folder.read("state.json") == Self.documentState)
        let again = try Fixtures.makeEmulator(statePath: path)
        defer { again.stop() }
        #expect(again.linkCount == 1)
    }

    @Test func aDocumentStateFileNamingAnotherFlavourInsideIsInvalid() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("state.json", #"{"formatVersion":1,"api":7,"links":[]}"#)
        #expect(
            throws: EmulatorError.stateFileInvalid(path: path, reason: #"api: expected "document" or "qseow", found 7"#)
        ) {
            try Fixtures.makeEmulator(statePath: path)
        }
    }
}

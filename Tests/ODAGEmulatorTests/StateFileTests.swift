import Foundation
import ODAGCore
import ODAGEmulator
import ODAGTestSupport
import Testing

/// The state file: round trips, seeds, errors, and "on disk before the 2xx".
@Suite struct StateFileTests {
    func read(_ path: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func aMissingFileIsCreatedAndStaleTemporaryFilesRemoved() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("new.json")
        // What an emulator killed in the middle of a save leaves behind.
        try "{\"links\":[".write(toFile: folder.path(".new.json.tmp-12345"), atomically: false, encoding: .utf8)
        try "keep".write(toFile: folder.path("other.json"), atomically: false, encoding: .utf8)
        let emulator = try Fixtures.makeEmulator(statePath: path)
        defer { emulator.stop() }
        #expect(try read(path) == ["formatVersion": 1, "links": [], "requests": []])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.root).sorted() == [
                ".new.json.lock", "new.json", "other.json",
            ])
    }

    @Test func aSecondEmulatorOnTheSameFileIsRefusedUntilTheFirstStops() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        let lockPath = folder.path(".state.json.lock")
        let first = try Fixtures.makeEmulator(statePath: path)
        #expect(FileManager.default.fileExists(atPath: lockPath))
        #expect {
            try Fixtures.makeEmulator(statePath: path)
        } throws: { error in
            guard let error = error as? EmulatorError, case .stateFileLocked(let locked, let holder) = error else {
                return false
            }
            return locked == path && holder == Int(getpid())
                && error.description == "another emulator (process \(getpid())) is serving the state file \(path); "
                    + "stop it, or use another state file"
        }
        // The refused start changed nothing: the first emulator still serves and saves.
        _ = try Fixtures.createLink(try RawHTTPClient(port: first.port))
        first.stop()
        #expect(!FileManager.default.fileExists(atPath: lockPath))
        let second = try Fixtures.makeEmulator(statePath: path)
        defer { second.stop() }
        #expect(second.linkCount == 1)
    }

    @Test func aLockFileLeftByAKilledEmulatorDoesNotBlock() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        // What `kill -9` leaves: the file, with a process id, but no lock (the kernel dropped it).
        try "999999\n".write(toFile: folder.path(".state.json.lock"), atomically: false, encoding: .utf8)
        let emulator = try Fixtures.makeEmulator(statePath: path)
        defer { emulator.stop() }
        #expect(emulator.linkCount == 0)
    }

    @Test(arguments: [true, false])
    func everyAcknowledgedChangeIsAlreadyOnDisk(sync: Bool) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        let emulator = try Fixtures.makeEmulator(statePath: path) { $0.syncStateWrites = sync }
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let link = try Fixtures.createLink(client)
        #expect(try read(path)["links"] == .array([link]))
        let id = link["id"]?.stringValue ?? ""
        let updated = try client.call("PUT", "/links/\(id)", json: ["name": "New name"]).json
        #expect(try read(path)["links"] == .array([updated ?? nil]))
        let request = try client.call("POST", "/links/\(id)/requests", json: ["selectionState": ["Region": ["N"]]]).json
        #expect(try read(path)["requests"] == .array([request ?? nil]))
        #expect(try client.call("DELETE", "/links/\(id)").status == 204)
        #expect(try read(path)["links"] == [])
        // No temporary file is left behind; the running emulator's lock file is there.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.root).sorted() == [
                ".state.json.lock", "state.json",
            ])
    }

    @Test func restartingOnTheSameFileGivesTheSameState() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        let clock = ManualClock()
        let first = try Fixtures.makeEmulator(statePath: path, clock: clock)
        let client = try RawHTTPClient(port: first.port)
        for index in 0..<5 { _ = try Fixtures.createLink(client, Fixtures.makeLink(name: "link \(index)")) }
        let linkId = try client.call("GET", "/links").json?.arrayValue?.first?["id"]?.stringValue ?? ""
        _ = try client.call("POST", "/links/\(linkId)/requests", json: ["selectionState": ["Region": ["N"]]])
        clock.advance(by: 10)
        let links = try client.call("GET", "/links").text
        let requests = try client.call("GET", "/requests").text
        first.stop()

        let second = try Fixtures.makeEmulator(statePath: path, clock: clock)
        defer { second.stop() }
        let again = try RawHTTPClient(port: second.port)
        #expect(try again.call("GET", "/links").text == links)
        #expect(try again.call("GET", "/requests").text == requests)
        #expect(second.linkCount == 5)
    }

    @Test func aRequestInProgressKeepsProgressingAfterARestart() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        let clock = ManualClock()
        let first = try Fixtures.makeEmulator(statePath: path, clock: clock)
        let client = try RawHTTPClient(port: first.port)
        let linkId = try Fixtures.createLink(client)["id"]?.stringValue ?? ""
        let id =
            try client.call("POST", "/links/\(linkId)/requests", json: ["selectionState": ["Region": ["N"]]])
            .json?["id"]?.stringValue ?? ""
        first.stop()
        clock.advance(by: 3)
        let second = try Fixtures.makeEmulator(statePath: path, clock: clock)
        defer { second.stop() }
        let request = try RawHTTPClient(port: second.port).call("GET", "/requests/\(id)").json
        #expect(request?["status"]?.stringValue == "completed")
        #expect(request?["modifiedDate"]?.stringValue == "2026-01-01T00:00:03.000Z")
    }

    @Test func aHandWrittenSeedIsCompletedAndKeepsUnknownFields() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("seed.json")
        let seed = """
            {
              "formatVersion": 1,
              "links": [
                { "name": "Seeded", "selectionAppId": "\(Fixtures.selectionAppId)",
                  "templateAppId": "\(Fixtures.templateAppId)", "serverOnly": {"x": 1},
                  "properties": { "rowEstExpr": "1", "unknownSetting": [true] } },
                { "id": "AAAAAAAA-0000-4000-8000-000000000001", "name": "Pinned",
                  "selectionAppId": "\(Fixtures.selectionAppId)", "templateAppId": "\(Fixtures.templateAppId)",
                  "owner": "CORP\\\\svc", "createdDate": "2025-05-05T05:05:05.000Z" }
              ]
            }
            """
        try seed.write(toFile: path, atomically: true, encoding: .utf8)
        let emulator = try Fixtures.makeEmulator(statePath: path)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let links = try #require(try client.call("GET", "/links").json?.arrayValue)
        #expect(links.count == 2)
        #expect(links[0]["name"]?.stringValue == "Seeded")
        #expect(ODAGUUID.isValid(links[0]["id"]?.stringValue ?? ""))
        #expect(links[0]["serverOnly"] == ["x": 1])
        #expect(links[0]["properties"]?["unknownSetting"] == [true])
        #expect(links[0]["status"]?.stringValue == "active")
        #expect(links[0]["owner"]?.stringValue == "INTERNAL\\sa_api")
        #expect(links[1]["owner"]?.stringValue == "CORP\\svc")
        #expect(links[1]["modifiedDate"]?.stringValue == "2025-05-05T05:05:05.000Z")
        #expect(try client.call("GET", "/links/aaaaaaaa-0000-4000-8000-000000000001").status == 200)
        // The filled-in ids are written back, so they survive a restart.
        #expect(try read(path)["links"]?.arrayValue?.map { $0["id"] } == links.map { $0["id"] })
    }

    @Test(arguments: [
        ("{\"links\": [", "invalid state file"),
        ("[]", "expected an object"),
        ("{\"formatVersion\": 2, \"links\": []}", "formatVersion: expected 1"),
        ("{\"links\": [{\"name\": \"x\"}]}", "links[0].selectionAppId: is required"),
        (
            "{\"links\": [{\"selectionAppId\": \"\(Fixtures.selectionAppId)\", \"templateAppId\": \"\(Fixtures.templateAppId)\"}]}",
            "links[0].name: is required"
        ),
        (
            "{\"links\": [{\"name\": \"x\", \"selectionAppId\": \"bad\", \"templateAppId\": \"\(Fixtures.templateAppId)\"}]}",
            "links[0].selectionAppId: \"bad\" is not a UUID"
        ),
        ("{\"links\": {}}", "links: expected an array"),
        ("{\"requests\": [{\"status\": \"queued\"}]}", "requests[0].id: is required"),
        (
            "{\"requests\": [{\"id\": \"\(Fixtures.unknownId)\", \"status\": \"weird\"}]}",
            "requests[0].status: expected one of"
        ),
        ("{\"linx\": []}", "linx: unknown member"),
        (
            """
            {"links": [{"id": "\(Fixtures.unknownId)", "name": "a", "selectionAppId": "\(Fixtures.selectionAppId)", "templateAppId": "\(Fixtures.templateAppId)"},
                       {"id": "\(Fixtures.unknownId)", "name": "b", "selectionAppId": "\(Fixtures.selectionAppId)", "templateAppId": "\(Fixtures.templateAppId)"}]}
            """, "links[1].id: duplicate link id"
        ),
    ])
    func aCorruptFileIsAClearErrorAtStart(content: String, expected: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            let emulator = try Fixtures.makeEmulator(statePath: path)
            emulator.stop()
            Issue.record("started on a corrupt state file")
        } catch {
            guard case .stateFileInvalid(let errorPath, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(errorPath == path)
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.description.hasPrefix("invalid state file \(path): "))
        }
        // The corrupt file is left as it was.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
    }

    @Test func aSyntaxErrorNamesLineAndColumn() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        try "{\n  \"links\": [,]\n}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: EmulatorError.self) { try Fixtures.makeEmulator(statePath: path) }
        do {
            _ = try Fixtures.makeEmulator(statePath: path)
        } catch {
            #expect(error.description.contains("2:13"), "\(error.description)")
        }
    }

    @Test func anUnwritableLocationIsAnErrorAtStart() throws {
        #expect {
            try Fixtures.makeEmulator(statePath: "/nonexistent-folder-\(UUID().uuidString)/state.json")
        } throws: { error in
            guard let error = error as? EmulatorError, case .stateFileWriteFailed = error else { return false }
            return error.description.contains("no such file or directory")
        }
    }

    @Test func parallelWritersAreAllSaved() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state.json")
        let emulator = try Fixtures.makeEmulator(statePath: path)
        defer { emulator.stop() }
        let port = emulator.port
        let errors = runOnThreads(40) { index in
            let client = try RawHTTPClient(port: port)
            for round in 0..<5 {
                _ = try Fixtures.createLink(client, Fixtures.makeLink(name: "p\(index)-\(round)"))
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        let names = Set(try read(path)["links"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
        #expect(names.count == 200)
    }

    @Test func listingTenThousandSeededLinksIsCheap() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("big.json")
        // Built as text: building 10,000 JSON values is slow in a debug build.
        let template = JSONWriter.string(Fixtures.makeLink(name: "NAME"))
        var text = "{\"formatVersion\":1,\"requests\":[],\"links\":["
        for index in 0..<10_000 {
            if index > 0 { text += "," }
            text += template.replacingOccurrences(of: "NAME", with: "link \(index)")
        }
        text += "]}"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let emulator = try Fixtures.makeEmulator(statePath: path)
        defer { emulator.stop() }
        let client = try RawHTTPClient(port: emulator.port)
        let first = try client.call("GET", "/links")
        #expect(first.text.components(separatedBy: "\"selectionAppId\"").count == 10_001)
        #expect(first.text.hasPrefix("[{") && first.text.hasSuffix("}]"))
        let start = Date()
        for _ in 0..<20 { #expect(try client.call("GET", "/links").body.count == first.body.count) }
        // Cached per version: twenty listings of ~4 MB are copies, not re-serialisations.
        #expect(Date().timeIntervalSince(start) < 5)
    }
}

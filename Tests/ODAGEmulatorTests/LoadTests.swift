import Foundation
import ODAGCore
import Synchronization
import Testing

/// Load: 64 keep-alive connections drive an `odag-sync emulator` process on 127.0.0.1 for a bounded
/// time (3 s by default; `ODAG_LOAD_SECONDS=10` for the longer run by hand). Every answer is checked,
/// and the emulator's resident memory must stay flat once warmed up, since every link made is deleted.
@Suite(.serialized)
struct LoadTests {
    static let connections = 64

    @Test func sixtyFourKeepAliveConnectionsGetCorrectAnswersWithFlatMemory() async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["ODAG_LOAD_SECONDS"] ?? "") ?? 3
        let emulator = try EmulatorChild()
        defer { emulator.stop() }
        let port = emulator.port
        let requests = Atomic<Int>(0)
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        let warmedUp = start + .milliseconds(Int(seconds * 1000 / 3))
        let baseline = Mutex<Int?>(nil)

        // The connections block on sockets, so they run on their own threads, and so does the wait for them:
        // blocking a cooperative thread for seconds would stall the other tests running in parallel.
        let errors = await offCooperativePool {
            runOnThreads(Self.connections) { index in
                let client = try RawHTTPClient(port: port)
                var round = 0
                while ContinuousClock.now < deadline {
                    try Self.round(client, name: "load \(index)-\(round)")
                    requests.add(5, ordering: .relaxed)
                    round += 1
                    // One connection samples the emulator's memory once the warm-up third has passed.
                    if index == 0, ContinuousClock.now >= warmedUp, baseline.withLock({ $0 == nil }) {
                        let rss = try emulator.residentKilobytes()
                        baseline.withLock { $0 = rss }
                    }
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        #expect(errors.isEmpty, "\(errors.prefix(5))")

        let final = try emulator.residentKilobytes()
        let warm = try #require(baseline.withLock { $0 })
        let total = requests.load(ordering: .relaxed)
        let rate = Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        print(
            "load: \(Self.connections) connections, \(total) requests in \(elapsed), \(Int(rate)) req/s; "
                + "emulator RSS \(warm) KiB after warm-up, \(final) KiB at the end, peak \(try emulator.peakKilobytes()) KiB"
        )
        #expect(total >= Self.connections * 5, "every connection completes at least one round")
        // Flat: what is left after warm-up may grow by allocator noise, not with the number of requests. Judged
        // only when the run was long enough to warm up: under ThreadSanitizer the emulator manages ~70 requests a
        // second and the sanitizer's own bookkeeping grows.
        if total >= 2000 {
            #expect(final - warm < 16 * 1024, "RSS grew from \(warm) KiB to \(final) KiB")
        }

        // Every link made was deleted again.
        let client = try RawHTTPClient(port: port)
        #expect(try client.call("GET", "/links").json?.arrayValue?.count == 0)
    }

    /// Create, read, rename, delete, then read the deleted link: five requests, each answer checked.
    static func round(_ client: RawHTTPClient, name: String) throws {
        let created = try client.call("POST", "/links", json: Fixtures.makeLink(name: name))
        guard created.status == 201, let id = created.json?["id"]?.stringValue,
            created.json?["name"]?.stringValue == name
        else {
            throw RawHTTPClientError.malformed("create \(name): \(created.status) \(created.text)")
        }
        let fetched = try client.call("GET", "/links/\(id)")
        guard fetched.status == 200, fetched.json?["id"]?.stringValue == id, fetched.json?["name"]?.stringValue == name
        else {
            throw RawHTTPClientError.malformed("get \(name): \(fetched.status) \(fetched.text)")
        }
        let renamed = name + " renamed"
        let updated = try client.call("PUT", "/links/\(id)", json: ["name": .string(renamed)])
        guard updated.status == 200, updated.json?["name"]?.stringValue == renamed,
            updated.json?["properties"]?["rowEstExpr"]?.stringValue == "Count(Orders)"
        else {
            throw RawHTTPClientError.malformed("update \(name): \(updated.status) \(updated.text)")
        }
        let deleted = try client.call("DELETE", "/links/\(id)")
        guard deleted.status == 204 || deleted.status == 200 else {
            throw RawHTTPClientError.malformed("delete \(name): \(deleted.status) \(deleted.text)")
        }
        let gone = try client.call("GET", "/links/\(id)")
        guard gone.status == 404 else {
            throw RawHTTPClientError.malformed("get after delete \(name): \(gone.status) \(gone.text)")
        }
    }
}

/// Runs blocking `work` on a thread of its own and awaits its result without holding a cooperative thread.
func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// `odag-sync emulator --port 0` as a child process, so its memory is measured on its own.
final class EmulatorChild: @unchecked Sendable {
    let port: Int
    private let process = Process()

    init() throws {
        process.executableURL = try Self.binary()
        process.arguments = ["emulator", "--port", "0", "--quiet"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Reading the first line blocks until the emulator listens: that is the synchronisation.
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first, first != UInt8(ascii: "\n") else { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on "), let url = URL(string: String(text.dropFirst(13))), let port = url.port
        else {
            process.terminate()
            throw RawHTTPClientError.malformed("the emulator did not start: \"\(text)\"")
        }
        self.port = port
    }

    /// `VmRSS` of the emulator process, in KiB.
    func residentKilobytes() throws -> Int { try status("VmRSS") }

    /// `VmHWM` (peak resident memory) of the emulator process, in KiB.
    func peakKilobytes() throws -> Int { try status("VmHWM") }

    private func status(_ field: String) throws -> Int {
        let text = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let fields = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let value = Int(fields.first ?? "") { return value }
        }
        throw RawHTTPClientError.malformed("no \(field) in /proc/\(process.processIdentifier)/status")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The built `odag-sync` executable, next to the test bundle (`swift test` builds every product there).
    static func binary() throws -> URL {
        var folders = [
            Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ]
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        for folder in folders {
            for candidate in [folder, folder.deletingLastPathComponent()] {
                let binary = candidate.appendingPathComponent("odag-sync")
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: binary.path, isDirectory: &isFolder), !isFolder.boolValue {
                    return binary
                }
            }
        }
        throw RawHTTPClientError.malformed(
            "the odag-sync binary was not found next to the tests in \(folders.map(\.path))")
    }
}

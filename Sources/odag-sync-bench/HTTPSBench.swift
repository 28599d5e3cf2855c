import Foundation
import ODAGClient
import ODAGCore
import ODAGEmulator
import ODAGSync

#if canImport(Glibc)
    import Glibc
#endif

/// The path real users take: https through a TLS terminator (nginx, as Qlik's proxy fronts the ODAG service), with a
/// server certificate from a private CA, and with client certificates; beside a Python `requests` thread pool doing
/// the same work in the same run.
extension BenchmarkRun {
    func httpsSection() async throws {
        let nginx = try NginxTerminator.locateOrInstall(log: log)
        let python = NginxTerminator.find("python3")
        let count = options.applyChanges
        let parallelism = options.parallelism
        let latency = options.applyLatencyMs
        log("https: \(count) updates through nginx, latency \(latency) ms, parallelism \(parallelism)")
        let certificates = try PrivateCA(folder: workspace + "/https-certificates")
        let seeded = try SeededEmulator(count: count, latencyMs: latency, name: "https", workspace: workspace)
        defer { seeded.stop() }
        let emulator = seeded.emulator
        let folder = seeded.folder
        let terminator = try NginxTerminator.start(
            nginx: nginx, folder: workspace + "/nginx-apply", upstream: emulator.baseURL, certificates: certificates)
        defer { terminator.stop() }

        let serverTLS = LibcurlTransport.TLSOptions(caCertPath: certificates.ca)
        let clientTLS = LibcurlTransport.TLSOptions(
            caCertPath: certificates.ca, clientCertPath: certificates.clientCert, clientKeyPath: certificates.clientKey)
        let client = try httpsClient(terminator.baseURL, tls: serverTLS, parallelism: parallelism)
        let (plan, knownIds) = try await updatePlan(
            count, through: client, server: terminator.baseURL, what: "https apply")
        let size = "\(count) updates, P=\(parallelism), L=\(latency) ms"
        let ideal = latency > 0 ? Double(parallelism) / (Double(latency) / 1000) : .infinity

        let ours = try await timedApply(plan, through: client, knownIds: knownIds, what: "https apply")
        addHTTPSShare(
            id: "https.apply.idealRatio", label: "https apply through nginx (private CA)", size: size, changes: count,
            timing: ours, ideal: ideal, goal: 90, note: "libcurl in process, HTTP/1.1 kept alive")
        let mutualClient = try httpsClient(terminator.mutualBaseURL, tls: clientTLS, parallelism: parallelism)
        let mutual = try await timedApply(
            plan, through: mutualClient, knownIds: knownIds, what: "https apply with a client certificate")
        addHTTPSShare(
            id: "https.apply.clientCert.idealRatio", label: "  same, with a client certificate", size: size,
            changes: count, timing: mutual, ideal: ideal, goal: 90, note: "nginx verifies the client certificate")

        guard let python else { throw BenchError("the https section needs python3 (with requests) for its peer") }
        let work = folder + "/work.json"
        try Self.writePeerWork(plan, to: work)
        let script = workspace + "/requests_peer.py"
        try Self.peerScript.write(toFile: script, atomically: true, encoding: .utf8)
        let peer = try repeatMedian(options.smoke ? 1 : 3) {
            try Self.runPeer(
                python: python, script: script,
                arguments: [terminator.baseURL, certificates.ca, work, String(parallelism)], folder: folder)
        }
        add(
            Figure(
                id: "https.apply.pythonPeer.seconds", label: "  Python requests, \(parallelism) threads, same PUTs",
                size: size, value: peer, unit: "s",
                note: "a Session per thread; \(Figure.fixed(Double(count) / peer / ideal * 100, 0)) % of P/L"))
        add(
            Figure(
                id: "https.apply.speedupOverPython", label: "  odag-sync over the Python peer", size: size,
                value: peer / ours.seconds, unit: "x", goal: .atLeast(2)))
        let mutualPeer = try repeatMedian(options.smoke ? 1 : 3) {
            try Self.runPeer(
                python: python, script: script,
                arguments: [
                    terminator.mutualBaseURL, certificates.ca, work, String(parallelism), certificates.clientCert,
                    certificates.clientKey,
                ], folder: folder)
        }
        add(
            Figure(
                id: "https.apply.clientCert.speedupOverPython", label: "  same with client certificates, over Python",
                size: size, value: mutualPeer / mutual.seconds, unit: "x", goal: .atLeast(2),
                note: "Python \(Figure.fixed(mutualPeer, 2)) s"))
        emulator.stop()
        terminator.stop()

        // The plan before the large apply: run after it, the plan took four times as long (the large apply's
        // emulator and nginx are stopped, but the machine takes a while to settle).
        try await httpsPlan(nginx: nginx, certificates: certificates)
        try await largeHTTPSApply(nginx: nginx, certificates: certificates, tls: serverTLS)
    }

    /// The large apply: more updates at a higher parallelism.
    private func largeHTTPSApply(nginx: String, certificates: PrivateCA, tls: LibcurlTransport.TLSOptions)
        async throws
    {
        let count = options.httpsLargeChanges
        let parallelism = options.httpsLargeParallelism
        let latency = options.applyLatencyMs
        log("https: \(count) updates, parallelism \(parallelism)")
        let seeded = try SeededEmulator(count: count, latencyMs: latency, name: "https-large", workspace: workspace)
        defer { seeded.stop() }
        let emulator = seeded.emulator
        let terminator = try NginxTerminator.start(
            nginx: nginx, folder: workspace + "/nginx-large", upstream: emulator.baseURL, certificates: certificates)
        defer { terminator.stop() }
        let client = try httpsClient(terminator.baseURL, tls: tls, parallelism: parallelism)
        let (plan, knownIds) = try await updatePlan(
            count, through: client, server: terminator.baseURL, what: "large https apply")
        let timing = try await timedApply(
            plan, through: client, knownIds: knownIds, what: "large https apply", parallelism: parallelism)
        let ideal = latency > 0 ? Double(parallelism) / (Double(latency) / 1000) : .infinity
        addHTTPSShare(
            id: "https.applyLarge.idealRatio", label: "https apply, more updates, higher parallelism",
            size: "\(count) updates, P=\(parallelism), L=\(latency) ms", changes: count, timing: timing, ideal: ideal,
            goal: 85, note: "private CA")
    }

    /// `odag-sync plan` as a process against a large live set over https.
    private func httpsPlan(nginx: String, certificates: PrivateCA) async throws {
        let count = options.planLinks
        log("https: plan \(count) vs \(count)")
        let fixture = try planFixture(count: count)
        defer { fixture.emulator.stop() }
        let terminator = try NginxTerminator.start(
            nginx: nginx, folder: workspace + "/nginx-plan", upstream: fixture.emulator.baseURL,
            certificates: certificates)
        defer { terminator.stop() }
        var peak = 0.0
        var cpu: [Double] = []
        let seconds = try repeatMedian {
            let outcome = try ChildProcess.run(
                cli.path,
                cli.prefix + [
                    "plan", "links", "--server", terminator.baseURL, "--ca-cert", certificates.ca, "--no-color",
                ], directory: fixture.folder, sampleMemory: true)
            guard outcome.status == 0 else { throw BenchError("odag-sync plan over https exited \(outcome.status)") }
            peak = max(peak, outcome.peakRSSMegabytes)
            cpu.append(outcome.cpuSeconds)
            return outcome.seconds
        }
        let size = "\(Self.sizeText(count)) vs \(Self.sizeText(count))"
        let large = count >= 10_000
        add(
            Figure(
                id: "https.plan.process.seconds", label: "odag-sync plan over https (process, wall)", size: size,
                value: seconds, unit: "s", goal: large ? .atMost(1.0) : nil,
                note: "\(fixture.expectedUpdates) updates; through nginx, --ca-cert", cpu: Timing.median(cpu)))
        add(
            Figure(
                id: "https.plan.process.peakRSS", label: "odag-sync plan over https peak RSS", size: size, value: peak,
                unit: "MB", goal: large ? .atMost(150) : nil, note: "VmHWM sampled every 2 ms"))
    }

    private func httpsClient(_ base: String, tls: LibcurlTransport.TLSOptions, parallelism: Int) throws
        -> ODAGClient
    {
        guard let url = URL(string: base) else { throw BenchError("bad URL \(base)") }
        return try ODAGClient(
            configuration: ODAGClientConfiguration(baseURL: url),
            transport: try LibcurlTransport(tls: tls, maximumIdleHandles: max(8, parallelism)))
    }

    private func addHTTPSShare(
        id: String, label: String, size: String, changes: Int, timing: (seconds: Double, cpu: Double), ideal: Double,
        goal: Double, note: String
    ) {
        let rate = Double(changes) / timing.seconds
        add(
            Figure(
                id: id, label: label, size: size, value: ideal.isFinite ? rate / ideal * 100 : rate,
                unit: ideal.isFinite ? "%" : "/s", goal: ideal.isFinite ? .atLeast(goal) : nil,
                note: "\(Figure.fixed(rate, 0)) /s in \(Figure.fixed(timing.seconds, 2)) s, "
                    + "\(Figure.fixed(timing.cpu * 1000, 0)) ms CPU (client, emulator); \(note)"))
    }

    /// The PUTs of `plan` as the peer sends them: `[{"id": …, "body": "…"}]`, the bodies the client sends.
    static func writePeerWork(_ plan: Plan, to path: String) throws {
        let items = try plan.changes.map { change -> JSONValue in
            guard let id = change.id, let after = change.after else { throw BenchError("change without id or body") }
            let body = JSONWriter.string(try OdagLinkUpdate(json: after).json)
            return .object(["id": .string(id), "body": .string(body)])
        }
        try Data(JSONWriter.bytes(.array(items))).write(to: URL(fileURLWithPath: path))
    }

    /// Runs the Python peer and returns the seconds it measured around its work (interpreter start excluded).
    static func runPeer(python: String, script: String, arguments: [String], folder: String) throws -> Double {
        let output = folder + "/peer-output.txt"
        let errors = folder + "/peer-errors.txt"
        let outcome = try ChildProcess.run(python, [script] + arguments, stdoutPath: output, stderrPath: errors)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard outcome.status == 0, let seconds = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            let said = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw BenchError(
                "the Python requests peer failed (exit \(outcome.status)): \(said.suffix(400)); it needs python3"
                    + " with the requests package")
        }
        return seconds
    }

    /// A thread pool of `requests` Sessions doing the same PUTs: what a competent script would do. The CA is given
    /// per request: a session's `verify` loses to `REQUESTS_CA_BUNDLE` and `CURL_CA_BUNDLE` in the environment.
    static let peerScript = """
        import json, sys, threading, time
        from concurrent.futures import ThreadPoolExecutor
        import requests

        base, ca, work_file, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        cert = (sys.argv[5], sys.argv[6]) if len(sys.argv) > 6 else None
        work = json.load(open(work_file))
        local = threading.local()
        KEY = "abcdefghijklmnop"

        def session():
            s = getattr(local, "session", None)
            if s is None:
                s = requests.Session()
                s.cert = cert
                local.session = s
            return s

        def put(item):
            r = session().put(
                f"{base}/links/{item['id']}?Xrfkey={KEY}", data=item["body"].encode(), timeout=60, verify=ca,
                headers={"X-Qlik-Xrfkey": KEY, "Content-Type": "application/json", "Accept": "application/json"})
            if r.status_code != 200:
                raise SystemExit(f"PUT answered {r.status_code}")

        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(put, work))
        print(time.perf_counter() - start)
        """
}

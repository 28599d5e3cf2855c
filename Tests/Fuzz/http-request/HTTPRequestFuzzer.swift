// libFuzzer entry point for the emulator's HTTP/1.1 request parser, compiled into one module with the
// ODAGEmulator sources. The input is the byte stream a client sends on one connection: it is parsed as
// the server does (pipelined requests, one after another), each complete request is routed through the
// emulator's API against an in-memory store seeded with one link and one request, and the parser's
// contracts are checked. Built by Tests/Fuzz/run-fuzzers; not part of the SwiftPM package.
import Foundation
import ODAGCore

private let linkId = "11111111-1111-4111-8111-111111111111"
private let requestId = "22222222-2222-4222-8222-222222222222"
private let seedState = Array(
    """
    {"formatVersion":1,"links":[{"id":"\(linkId)","name":"Sales","selectionAppId":"4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b",
    "templateAppId":"4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5c","properties":{"bindings":[{"selectionField":"Region",
    "templateField":"Region","selectionType":"selected"}],"rowEstExpr":"Count(x)"}}],
    "requests":[{"id":"\(requestId)","linkId":"\(linkId)","status":"completed","generatedAppId":"33333333-3333-4333-8333-333333333333"}]}
    """.utf8)
private let clock = ManualClock()

private let defaultParser = HTTPRequestParser()
private let smallParser = HTTPRequestParser(limits: .init(maxHeaderBytes: 256, maxHeaderCount: 6, maxBodyBytes: 512))

@_cdecl("LLVMFuzzerTestOneInput")
public func httpRequestFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let loaded: StateFile.Loaded
    do {
        loaded = try StateFile.decode(seedState, path: "seed.json", defaultOwner: "CORP\\fuzz", now: clock.now())
    } catch {
        fatalError("seed state does not load: \(error)")
    }
    let store = EmulatorStore(contents: loaded.contents, clock: clock, queuedDuration: 1, loadingDuration: 1)
    let persister = StatePersister(path: nil, initialVersion: 0) { store.snapshot() }
    let router = EmulatorRouter(store: store, persister: persister, defaultOwner: "CORP\\fuzz")

    for parser in [defaultParser, smallParser] {
        var start = 0
        var served = 0
        while start < bytes.count && served < 16 {
            let slice = bytes[start...]
            switch parser.parse(slice) {
            case .complete(let request, let consumed):
                guard consumed > 0, consumed <= slice.count else {
                    fatalError("complete request consumed \(consumed) of \(slice.count) bytes")
                }
                checkPrefixes(parser, Array(slice.prefix(consumed)), request: request)
                if parser.limits == defaultParser.limits {
                    let response = router.handle(request)
                    guard (100...599).contains(response.status) else { fatalError("status \(response.status)") }
                }
                _ = request.keepAlive
                _ = request.queryValue("xrfkey")
                _ = EmulatorRouter.owner(fromQlikUser: request.headers["X-Qlik-User"])
                start += consumed
                served += 1
            case .incomplete(let progress):
                guard progress.minimumBytes > slice.count else {
                    fatalError("incomplete asks for \(progress.minimumBytes) bytes but has \(slice.count)")
                }
                start = bytes.count
            case .failure(let error):
                guard [400, 413, 501, 505].contains(error.status) else { fatalError("failure status \(error.status)") }
                start = bytes.count
            }
        }
    }
    return 0
}

/// A request that parses complete from `bytes` must parse the same from a copy whose indices do not
/// start at zero, and every strict prefix must be incomplete (never a failure or a different request),
/// since the server parses whatever has arrived so far.
private func checkPrefixes(_ parser: HTTPRequestParser, _ bytes: [UInt8], request: HTTPServerRequest) {
    let shifted = ([0x00, 0x00, 0x00] + bytes)[3...]
    guard case .complete(let again, let consumed) = parser.parse(shifted), again == request, consumed == bytes.count
    else {
        fatalError("a slice with a non-zero start index parses differently")
    }
    // Fed in pieces with a cursor, as the server does, it parses to the same request in linear work.
    for piece in [1, 3, 64] {
        var cursor = HTTPRequestParser.Cursor()
        var length = 0
        var result = HTTPRequestParser.Result.incomplete(
            .init(headersComplete: false, expectsContinue: false, minimumBytes: 1))
        while length < bytes.count {
            length = min(bytes.count, length + piece)
            result = parser.parse(bytes[0..<length], resuming: &cursor)
            if case .incomplete = result { continue }
            break
        }
        guard case .complete(let resumed, let used) = result, resumed == request, used == bytes.count else {
            fatalError("fed in pieces of \(piece) bytes, the request parses differently: \(result)")
        }
        guard cursor.work <= 3 * bytes.count + 8 else {
            fatalError("fed in pieces of \(piece) bytes, the parser did \(cursor.work) work for \(bytes.count) bytes")
        }
    }
    // Checking every prefix would be quadratic; a few cuts find the same bugs.
    for cut in Set([0, 1, bytes.count / 3, bytes.count / 2, bytes.count - 2, bytes.count - 1])
    where cut >= 0 && cut < bytes.count {
        switch parser.parse(bytes[0..<cut]) {
        case .incomplete(let progress):
            guard progress.minimumBytes > cut else {
                fatalError("prefix \(cut): minimumBytes \(progress.minimumBytes)")
            }
        case .complete(_, let used):
            fatalError("prefix of \(cut) of \(bytes.count) bytes is already a complete request of \(used) bytes")
        case .failure(let error):
            fatalError("prefix of \(cut) of \(bytes.count) bytes fails (\(error.message)) but the whole request parses")
        }
    }
}

// libFuzzer entry point for how the built-in HTTP client (SocketTransport) reads answers: finding the end of a
// head, parsing it, choosing the body framing, and decoding a chunked body. The chunked decoder is fed the input
// whole and again in small pieces; when the whole input decodes completely, the pieces must give the same body.
// Compiled into one module with the ODAGClient sources; built by Tests/Fuzz/run-fuzzers, not part of the package.

@_cdecl("LLVMFuzzerTestOneInput")
public func httpResponseFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let end = HTTP1ResponseHead.end(in: bytes, start: 0, searchFrom: 0) {
        precondition(end >= 4 && end <= bytes.count, "head end \(end) outside the input")
        if let head = try? HTTP1ResponseHead.parse(bytes[0..<end]) {
            precondition((100...999).contains(head.status), "status \(head.status)")
            _ = head.keepsConnectionOpen
            for method in ["GET", "HEAD", "PUT"] {
                if case .length(let length)? = try? head.framing(requestMethod: method) {
                    precondition(length >= 0, "negative length")
                }
            }
        }
    }

    var whole = ChunkedBodyDecoder()
    var wholeBody: [UInt8] = []
    let wholeStop = try? whole.consume(bytes, from: 0, into: &wholeBody)

    var pieces = ChunkedBodyDecoder()
    var piecesBody: [UInt8] = []
    var buffer: [UInt8] = []
    var consumed = 0
    let step = Int(bytes.first ?? 0) % 7 + 1
    var offset = 0
    var failed = false
    while offset < bytes.count && !pieces.isComplete && !failed {
        let next = min(bytes.count, offset + step)
        buffer.append(contentsOf: bytes[offset..<next])
        offset = next
        do {
            let index = try pieces.consume(buffer, from: 0, into: &piecesBody)
            buffer.removeFirst(index)
            consumed += index
        } catch {
            failed = true
        }
    }
    if let wholeStop, whole.isComplete {
        precondition(pieces.isComplete && !failed, "decoded whole but not in pieces")
        precondition(piecesBody == wholeBody, "the bodies differ")
        precondition(consumed == wholeStop, "stopped at \(consumed), whole at \(wholeStop)")
    }
    return 0
}

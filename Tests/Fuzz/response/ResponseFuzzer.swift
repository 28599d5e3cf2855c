// libFuzzer entry point for decoding server responses as the client does: `JSONParser.parse` (strict, and
// with duplicate keys allowed as for error bodies), then every model reader the 14 operations use, and a
// write-and-read-back of each decoded model. Compiled into one module with the ODAGCore sources.
// Built by Tests/Fuzz/run-fuzzers; not part of the SwiftPM package.

@_cdecl("LLVMFuzzerTestOneInput")
public func responseFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let lenient = try? JSONParser.parse(bytes, options: .init(allowDuplicateKeys: true)) {
        for key in ["message", "detail", "title", "error"] { _ = lenient[key]?.stringValue }
    }
    let json: JSONValue
    do {
        json = try JSONParser.parse(bytes)
    } catch {
        _ = error.description
        return 0
    }
    decodeAll(json)
    // Members and elements are decoded on their own too, as list answers are.
    switch json {
    case .array(let elements): elements.prefix(4).forEach(decodeAll)
    case .object(let members): members.values.prefix(4).forEach(decodeAll)
    default: break
    }
    return 0
}

private func decodeAll(_ json: JSONValue) {
    if let links = try? OdagLink.list(json: json) {
        for link in links { roundTrip(link.json, { (v) throws(ModelError) in try OdagLink(json: v) }, link) }
    }
    if let link = try? OdagLink(json: json, path: "link") {
        roundTrip(link.json, { (v) throws(ModelError) in try OdagLink(json: v) }, link)
    }
    if let requests = try? OdagRequest.list(json: json) {
        for request in requests {
            roundTrip(request.json, { (v) throws(ModelError) in try OdagRequest(json: v) }, request)
        }
    }
    if let request = try? OdagRequest(json: json) {
        roundTrip(request.json, { (v) throws(ModelError) in try OdagRequest(json: v) }, request)
    }
    if let create = try? OdagLinkCreate(json: json) {
        roundTrip(create.json, { (v) throws(ModelError) in try OdagLinkCreate(json: v) }, create)
    }
    if let update = try? OdagLinkUpdate(json: json) {
        roundTrip(update.json, { (v) throws(ModelError) in try OdagLinkUpdate(json: v) }, update)
    }
    if let properties = try? OdagLinkProperties(json: json) {
        roundTrip(properties.json, { (v) throws(ModelError) in try OdagLinkProperties(json: v) }, properties)
    }
    _ = try? OdagBinding(json: json)
    _ = try? OdagRetention(json: json)
    _ = try? OdagRequestCreate(json: json)
    _ = try? OdagRequestUpdate(json: json)
    _ = try? OdagRenameApp(json: json)
    _ = try? OdagAbout(json: json)
    do {
        _ = try OdagLink(json: json, path: "links[0]")
    } catch {
        _ = error.description
    }
}

/// A decoded model written back as JSON and read again must give the same model, or a
/// read-modify-write would change what the server holds.
private func roundTrip<T: Equatable>(_ written: JSONValue, _ read: (JSONValue) throws(ModelError) -> T, _ original: T) {
    let text = JSONWriter.bytes(written)
    let reparsed: JSONValue
    do { reparsed = try JSONParser.parse(text) } catch { fatalError("written model does not parse: \(error)") }
    let again: T
    do { again = try read(reparsed) } catch { fatalError("written model does not decode: \(error)") }
    if again != original && !hasNonFinite(reparsed) && !hasNonFinite(written) {
        fatalError("model changed in a write and read back: \(String(decoding: text, as: UTF8.self))")
    }
}

private func hasNonFinite(_ value: JSONValue) -> Bool {
    switch value {
    case .double(let d): return !d.isFinite
    case .array(let elements): return elements.contains(where: hasNonFinite)
    case .object(let members): return members.values.contains(where: hasNonFinite)
    default: return false
    }
}

// libFuzzer entry point for the manifest reader: the strict positional JSON parser and the manifest
// checks, compiled into one module with the ODAGSync sources (so internal checkers are reachable).
// Built by Tests/Fuzz/run-fuzzers; not part of the SwiftPM package.
import ODAGCore

private let resolver = VariableResolver(
    variables: ["salesSelectionApp": "4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b", "empty": "", "dollar": "${x}"],
    processEnvironment: ["HOME": "/root", "QLIK": "a5b6c7d8-0000-4000-8000-000000000001"],
    environment: "prod")
private let scope = LinkScope(namePrefix: "Sales ", owners: ["CORP\\svc_odag"])

@_cdecl("LLVMFuzzerTestOneInput")
public func manifestFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    // The parser on its own, with both option sets the project uses.
    do {
        let document = try JSONParser.parseDocument(bytes)
        _ = document.location(of: "")
        _ = document.location(of: "links[0]")
        _ = document.keyLocation(of: "links[0].name")
        // What the writer produces must read back as the same value.
        let written = JSONWriter.bytes(document.value, pretty: true)
        let reread: JSONValue
        do { reread = try JSONParser.parse(written) } catch {
            fatalError("writer output does not parse: \(error)")
        }
        if !containsNonFinite(document.value) && reread != document.value {
            fatalError("writer round trip changed the value")
        }
    } catch {
        _ = error.description
    }
    _ = try? JSONParser.parse(bytes, options: .init(allowDuplicateKeys: true, maxDepth: 16))

    // The manifest checks, twice over the same file so the cross-file rules (duplicate names and
    // pinned ids) run too, against a scope and a resolver with variables.
    let file = ManifestFile(file: "links/fuzz.json", bytes: bytes)
    let result = ManifestLoader.check([file, file], resolver: resolver, scope: scope)
    let unbounded = ManifestLoader.check([file], resolver: VariableResolver(), scope: LinkScope())
    for diagnostic in result.diagnostics + unbounded.diagnostics {
        _ = diagnostic.description
    }
    for link in result.links + unbounded.links {
        _ = link.name.utf8.count
    }
    return 0
}

private func containsNonFinite(_ value: JSONValue) -> Bool {
    switch value {
    case .double(let d): return !d.isFinite
    case .array(let elements): return elements.contains(where: containsNonFinite)
    case .object(let members): return members.values.contains(where: containsNonFinite)
    default: return false
    }
}

import ODAGCore

/// One manifest file read from disk: its parsed value, or the syntax error that stopped the parse.
///
/// Files are parsed once and then checked against as many sets of variables as there are environments;
/// positions are recorded only when a diagnostic or a caller needs one (see ``SourcePositions``).
public struct ManifestFile: Sendable {
    /// The file, as given or relative to the current folder.
    public var file: String
    /// The parsed value, when the file is valid JSON.
    public var value: JSONValue?
    /// Where the file's values are.
    public let positions: SourcePositions
    /// Why the file could not be read or parsed, when it could not.
    public var failure: Diagnostic?
    /// Where each element of the root's `links` array starts, by index. Found while parsing, so that a declared
    /// link can carry its own position and nothing of the file (its bytes, for ``positions``) outlives loading.
    let linkLocations: [SourceLocation?]

    /// Parses `bytes` as the manifest `file` (strict JSON; a UTF-8 byte-order mark is accepted).
    public init(file: String, bytes: [UInt8]) {
        self.file = file
        self.positions = SourcePositions(bytes: bytes)
        do {
            // Depth 2: the root's members and the elements of `links`, which is cheap beside the parse.
            let document = try JSONParser.parseDocument(bytes, positionDepth: 2)
            value = document.value
            if case .array(let elements)? = document.value["links"] {
                linkLocations = elements.indices.map {
                    document.location(of: JSONPath.appending(index: $0, to: "links"))
                }
            } else {
                linkLocations = []
            }
            failure = nil
        } catch {
            value = nil
            linkLocations = []
            let isBlank = bytes.allSatisfy { [0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains($0) }
            let message = isBlank ? "the file is empty; expected an object with a \"links\" array" : error.message
            failure = .error(file: file, location: error.location, message)
        }
    }

    /// A file that could not be read at all.
    public init(file: String, failure: Diagnostic) {
        self.file = file
        self.value = nil
        self.positions = SourcePositions(bytes: [])
        self.failure = failure
        self.linkLocations = []
    }
}

import ODAGCore
import Synchronization

/// Where the values of one JSON file are, looked up by JSON path.
///
/// Recording positions costs about three times as much as parsing (a path string and a table entry for
/// every value), and most files never need one: a valid manifest needs none until a later step quotes a
/// link's place. So a manifest is parsed plainly, and the positions are recorded by a second parse the
/// first time one is asked for, then kept.
public final class SourcePositions: Sendable {
    private let bytes: [UInt8]
    private let document: Mutex<JSONDocument?>

    /// Positions recorded on first use from `bytes`, which must be the text that was parsed.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.document = Mutex(nil)
    }

    /// Positions from a document already parsed with them.
    public init(document: JSONDocument) {
        self.bytes = []
        self.document = Mutex(document)
    }

    /// Where the value at `path` starts.
    public func location(of path: String) -> SourceLocation? {
        withDocument { $0?.location(of: path) }
    }

    /// Where the key of the member at `path` starts.
    public func keyLocation(of path: String) -> SourceLocation? {
        withDocument { $0?.keyLocation(of: path) }
    }

    private func withDocument<T>(_ body: (JSONDocument?) -> T) -> T {
        document.withLock { document in
            if document == nil, !bytes.isEmpty { document = try? JSONParser.parseDocument(bytes) }
            return body(document)
        }
    }
}

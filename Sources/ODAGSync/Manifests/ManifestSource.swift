import ODAGCore

/// Where a declared link was written: its file, its JSON path and the position of its object.
///
/// The position is looked up when first asked for (see ``SourcePositions``); two sources are equal when
/// they name the same file and path.
public struct ManifestSource: Sendable, Hashable, CustomStringConvertible {
    /// The manifest file, as given or relative to the current folder.
    public var file: String
    /// The link's JSON path in the file (`links[3]`).
    public var path: String
    private let positions: SourcePositions?
    private let fixedLocation: SourceLocation?

    /// Creates a source reference at a known position.
    public init(file: String, location: SourceLocation?, path: String) {
        self.file = file
        self.path = path
        self.positions = nil
        self.fixedLocation = location
    }

    /// Creates a source reference whose position is looked up in `positions` when needed.
    public init(file: String, path: String, positions: SourcePositions) {
        self.file = file
        self.path = path
        self.positions = positions
        self.fixedLocation = nil
    }

    /// Where the link's object starts.
    public var location: SourceLocation? {
        positions?.location(of: path) ?? fixedLocation
    }

    /// `file:line:column (path)`, as other messages quote it.
    public var description: String {
        var text = file
        if let location { text += ":\(location.line):\(location.column)" }
        return text + " (\(path))"
    }

    /// Whether both name the same file and path.
    public static func == (lhs: ManifestSource, rhs: ManifestSource) -> Bool {
        lhs.file == rhs.file && lhs.path == rhs.path
    }

    /// Hashes the file and path.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(path)
    }
}

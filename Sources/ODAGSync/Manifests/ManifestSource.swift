import ODAGCore

/// Where a declared link was written: its file, the position of its object and its JSON path.
public struct ManifestSource: Sendable, Hashable, CustomStringConvertible {
    /// The manifest file, as given or relative to the current folder.
    public var file: String
    /// Where the link's object starts.
    public var location: SourceLocation?
    /// The link's JSON path in the file (`links[3]`).
    public var path: String

    /// Creates a source reference.
    public init(file: String, location: SourceLocation?, path: String) {
        self.file = file
        self.location = location
        self.path = path
    }

    /// `file:line:column (path)`, as other messages quote it.
    public var description: String {
        var text = file
        if let location { text += ":\(location.line):\(location.column)" }
        return text + " (\(path))"
    }
}

/// The declared links found in a set of manifest files, with every problem found on the way.
public struct ManifestLoadResult: Sendable {
    /// The valid declared links, in file order and then in the order each file lists them.
    public var links: [DeclaredLink]
    /// Every problem found, sorted by file, line and column.
    public var diagnostics: [Diagnostic]
    /// How many manifest files were read.
    public var fileCount: Int
    /// How many link entries the manifests list, valid or not.
    public var linkCount: Int

    /// Creates a result.
    public init(links: [DeclaredLink], diagnostics: [Diagnostic], fileCount: Int, linkCount: Int) {
        self.links = links
        self.diagnostics = diagnostics
        self.fileCount = fileCount
        self.linkCount = linkCount
    }

    /// Whether no error was found.
    public var isValid: Bool { !diagnostics.contains { $0.isError } }
}

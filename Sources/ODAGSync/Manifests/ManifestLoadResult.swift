import ODAGCore

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
    /// The project's flavour: the one the config names, else the one the manifests' fields show; `nil`
    /// when neither tells (no config `api` and no link that shows one). Plan and apply check it against
    /// the server's.
    public var flavour: APIFlavour?

    /// Creates a result.
    public init(
        links: [DeclaredLink], diagnostics: [Diagnostic], fileCount: Int, linkCount: Int, flavour: APIFlavour? = nil
    ) {
        self.links = links
        self.diagnostics = diagnostics
        self.fileCount = fileCount
        self.linkCount = linkCount
        self.flavour = flavour
    }

    /// Whether no error was found.
    public var isValid: Bool { !diagnostics.contains { $0.isError } }
}

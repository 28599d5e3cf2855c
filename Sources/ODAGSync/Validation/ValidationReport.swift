import ODAGCore

/// The outcome of `odag-sync validate`: every problem found, what was read, and what it declares.
public struct ValidationReport: Sendable {
    /// Every problem, sorted by file, line and column.
    public var diagnostics: [Diagnostic]
    /// The files read: the config file (when there is one) and each manifest, in that order.
    public var files: [String]
    /// How many link entries the manifests list, valid or not.
    public var linkCount: Int
    /// The settings checked: the selected environment's, else every environment's (sorted by name),
    /// else the top level's.
    public var configs: [ResolvedConfig]
    /// The valid declared links under the first of ``configs``.
    public var links: [DeclaredLink]
    /// The project's flavour under the first of ``configs``: its `api`, else the one the manifests show;
    /// `nil` when neither tells. Plan and apply check it against the server's.
    public var flavour: APIFlavour?

    /// Creates a report.
    public init(
        diagnostics: [Diagnostic], files: [String], linkCount: Int, configs: [ResolvedConfig], links: [DeclaredLink],
        flavour: APIFlavour? = nil
    ) {
        self.diagnostics = diagnostics
        self.files = files
        self.linkCount = linkCount
        self.configs = configs
        self.links = links
        self.flavour = flavour
    }

    /// How many files were read (the config file included).
    public var fileCount: Int { files.count }
    /// Whether no error was found (warnings allowed).
    public var isValid: Bool { errorCount == 0 }
    /// How many diagnostics are errors.
    public var errorCount: Int { diagnostics.filter(\.isError).count }
    /// How many diagnostics are warnings.
    public var warningCount: Int { diagnostics.count - errorCount }
    /// How many of the files read have at least one error.
    public var filesWithErrors: Int {
        let read = Set(files)
        return Set(diagnostics.lazy.filter { $0.isError && read.contains($0.file) }.map(\.file)).count
    }
}

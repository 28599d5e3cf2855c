/// How much a project may make odag-sync read, so that a wrong path (`"manifests": ["/"]`) or a hostile
/// checkout ends in a clear error instead of a scan of the whole disk or an exhausted memory.
public struct InputLimits: Sendable, Hashable {
    /// The most manifest files read.
    public var maxFiles: Int
    /// The most files and folders looked at while searching folders for manifests.
    public var maxEntries: Int
    /// The most bytes of manifests read, all files together.
    public var maxTotalBytes: Int

    /// The limits every command uses: 10,000 manifest files, 100,000 entries searched, 256 MiB.
    public static let standard = InputLimits(maxFiles: 10_000, maxEntries: 100_000, maxTotalBytes: 256 << 20)

    /// Creates limits.
    public init(maxFiles: Int, maxEntries: Int, maxTotalBytes: Int) {
        self.maxFiles = maxFiles
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
    }

    /// `bytes` for a message: in MiB when it is a whole number of them.
    static func describe(bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}

/// Limits on how many deletes a plan may make before apply refuses it (SPEC §7).
public struct SafetyLimits: Sendable, Hashable {
    /// The default for ``maxDeletePercent``.
    public static let defaultMaxDeletePercent = 30.0

    /// The most links a plan may delete; `nil` for no limit.
    public var maxDeletes: Int?
    /// The largest share (0–100) of the links in scope a plan may delete, applied when at least 10 are in scope.
    public var maxDeletePercent: Double

    /// Creates limits.
    public init(maxDeletes: Int? = nil, maxDeletePercent: Double = SafetyLimits.defaultMaxDeletePercent) {
        self.maxDeletes = maxDeletes
        self.maxDeletePercent = maxDeletePercent
    }
}

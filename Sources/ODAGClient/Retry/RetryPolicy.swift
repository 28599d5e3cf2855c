/// When and how long to wait before sending a failed request again.
///
/// Transient failures (connection errors, timeouts and the statuses in ``retryableStatuses``) are retried up to
/// ``maxAttempts`` attempts in all, after exponential backoff with full jitter: before retry *n* the client waits a
/// random time between zero and `min(maxDelay, baseDelay × 2^(n−1))`. A `Retry-After` answer is honoured instead,
/// capped at ``maxRetryAfter``.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; `1` never retries.
    public var maxAttempts: Int
    /// The backoff ceiling before the first retry, in seconds.
    public var baseDelay: Double
    /// The largest backoff ceiling, in seconds.
    public var maxDelay: Double
    /// The longest `Retry-After` wait honoured, in seconds; longer requests are cut to this.
    public var maxRetryAfter: Double
    /// The statuses that count as transient.
    public var retryableStatuses: Set<Int>

    /// Creates a policy.
    public init(
        maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 8, maxRetryAfter: Double = 30,
        retryableStatuses: Set<Int> = [429, 502, 503, 504]
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay.isFinite ? max(0, baseDelay) : 0
        self.maxDelay = maxDelay.isFinite ? max(0, maxDelay) : 0
        self.maxRetryAfter = maxRetryAfter.isFinite ? max(0, maxRetryAfter) : 0
        self.retryableStatuses = retryableStatuses
    }

    /// Four attempts, backoff from 0.5 s up to 8 s, `Retry-After` up to 30 s.
    public static let `default` = RetryPolicy()

    /// One attempt: never retry.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The backoff ceiling before retry number `retry` (1 for the first retry), in seconds.
    public func backoffCeiling(beforeRetry retry: Int) -> Double {
        let exponent = Double(max(0, min(retry - 1, 62)))
        return min(maxDelay, baseDelay * pow2(exponent))
    }

    /// How long to wait before retry number `retry`, in seconds: the server's `Retry-After` (capped) when given,
    /// else a random time up to the backoff ceiling.
    public func delay(beforeRetry retry: Int, retryAfter: Double?, random: RandomSource) -> Double {
        if let retryAfter, retryAfter.isFinite {
            return min(max(0, retryAfter), maxRetryAfter)
        }
        return backoffCeiling(beforeRetry: retry) * random.unitInterval()
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 {
            result *= 2
            remaining -= 1
        }
        return result
    }
}

import Testing

@testable import ODAGClient

@Suite("RetryPolicy")
struct RetryPolicyTests {
    @Test("the backoff ceiling doubles from the base and stops at the maximum")
    func ceilings() {
        let policy = RetryPolicy(baseDelay: 0.5, maxDelay: 4)
        #expect((1...6).map { policy.backoffCeiling(beforeRetry: $0) } == [0.5, 1, 2, 4, 4, 4])
        #expect(policy.backoffCeiling(beforeRetry: 1000) == 4)
    }

    @Test("the delay is a random share of the ceiling (full jitter)")
    func fullJitter() {
        let policy = RetryPolicy(baseDelay: 1, maxDelay: 8)
        let zero = RandomSource { 0 }
        let top = RandomSource { UInt64.max }
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, random: zero) == 0)
        let high = policy.delay(beforeRetry: 3, retryAfter: nil, random: top)
        #expect(high < 4 && high > 3.99)
    }

    @Test("Retry-After wins over backoff and is capped")
    func retryAfter() {
        let policy = RetryPolicy(maxRetryAfter: 20)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 7, random: .seeded(1)) == 7)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 3600, random: .seeded(1)) == 20)
        #expect(policy.delay(beforeRetry: 1, retryAfter: -5, random: .seeded(1)) == 0)
    }

    @Test("defaults: 4 attempts, transient statuses 429 502 503 504; never is one attempt")
    func defaults() {
        #expect(RetryPolicy.default.maxAttempts == 4)
        #expect(RetryPolicy.default.retryableStatuses == [429, 502, 503, 504])
        #expect(RetryPolicy.never.maxAttempts == 1)
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test("non-finite or negative settings become zero")
    func sanitised() {
        let policy = RetryPolicy(baseDelay: .nan, maxDelay: -1, maxRetryAfter: .infinity)
        #expect(policy.baseDelay == 0 && policy.maxDelay == 0 && policy.maxRetryAfter == 0)
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, random: .seeded(1)) == 0)
    }
}

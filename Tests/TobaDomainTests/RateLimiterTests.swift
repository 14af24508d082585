import Testing
import TobaStore
@testable import TobaDomain

@Suite struct RateLimiterTests {
    let limit = Settings.RateLimit(count: 2, seconds: 60)
    let now = Timestamp(seconds: 1_800_000_000)

    @Test func aLongKeyIsCountedUnderItsDigestAndStillLimits() {
        let limiter = RateLimiter()
        let junk = "login-email:" + String(repeating: "x", count: 100_000) + "@example.com"
        limiter.record(junk, limit: limit, now: now)
        limiter.record(junk, limit: limit, now: now)
        #expect(limiter.retryAfter(junk, limit: limit, now: now) == 60)
        #expect(limiter.retryAfter(junk + "y", limit: limit, now: now) == nil)
        #expect(RateLimiter.stored(junk).utf8.count < 200)
        limiter.reset(junk)
        #expect(limiter.retryAfter(junk, limit: limit, now: now) == nil)
    }

    @Test func shortKeysAreKeptAsTheyAre() {
        #expect(RateLimiter.stored("login-ip:203.0.113.7") == "login-ip:203.0.113.7")
    }
}

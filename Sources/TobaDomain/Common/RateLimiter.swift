import Synchronization
import TobaStore

/// In-memory sliding-window counters (per process, PROTOCOL.md §6), read and written only in
/// arrival order on the writer, driven by the service clock.
public final class RateLimiter: Sendable {
    private let events = Mutex<[String: [Int64]]>([:])

    public init() {}

    /// Seconds until one more event under `key` is allowed, or nil when it is allowed now.
    public func retryAfter(_ key: String, limit: Settings.RateLimit, now: Timestamp) -> Int64? {
        events.withLock { events in
            let windowStart = now.microseconds - limit.seconds * 1_000_000
            var list = events[key, default: []].filter { $0 > windowStart }
            events[key] = list.isEmpty ? nil : list
            guard list.count >= limit.count else { return nil }
            list.sort()
            let oldestThatMustExpire = list[list.count - limit.count]
            let waitMicros = oldestThatMustExpire + limit.seconds * 1_000_000 - now.microseconds
            return max(1, (waitMicros + 999_999) / 1_000_000)
        }
    }

    public func record(_ key: String, now: Timestamp) {
        events.withLock { events in
            events[key, default: []].append(now.microseconds)
            if events.count > 100_000 { events = events.filter { !$0.value.isEmpty } }
        }
    }

    public func reset(_ key: String) {
        events.withLock { _ = $0.removeValue(forKey: key) }
    }

    /// Throws `rate_limited` when over the limit; otherwise records the event when `record`.
    public func enforce(_ key: String, limit: Settings.RateLimit, now: Timestamp, record shouldRecord: Bool) throws(DomainError) {
        if let wait = retryAfter(key, limit: limit, now: now) { throw DomainError.rateLimited(retryAfterSeconds: wait) }
        if shouldRecord { record(key, now: now) }
    }
}

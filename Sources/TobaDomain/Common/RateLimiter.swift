import Crypto
import Synchronization
package import TobaStore

/// In-memory sliding-window counters (per process, PROTOCOL.md §6), read and written only in
/// arrival order on the writer, driven by the service clock. A key is forgotten once its window
/// has passed, so a flood of distinct keys (failed logins for made-up emails) cannot grow memory
/// beyond what one window holds.
///
/// The windows agree with what was committed: on the ordered writer every change registers its
/// undo with the group's `GroupJournal`, so a request that rolls back takes its `record`s and
/// `reset`s with it (its `recordFailure`s stay: the failed attempt is what counts), and a group
/// that does not commit takes everything it did.
package final class RateLimiter: Sendable {
    struct Events {
        var times: [Int64] = []
        /// When the newest event leaves its window: after that the key holds nothing.
        var keepUntil: Int64 = 0
    }

    struct State {
        var keys: [String: Events] = [:]
        /// The key count at which stale keys are swept next (doubles, so sweeping stays amortised O(1)).
        var sweepAt = RateLimiter.firstSweep
    }

    static let firstSweep = 10_000
    private let state = Mutex(State())

    package init() {}

    /// Keys as stored: a long key (a junk email of 100 kB) is kept as its SHA-256, so memory per
    /// key stays small whatever the input.
    static func stored(_ key: String) -> String {
        guard key.utf8.count > 96 else { return key }
        return "sha256:" + SHA256.hash(data: Array(key.utf8)).map { String($0, radix: 16) }.joined(separator: ".")
    }

    /// Seconds until one more event under `key` is allowed, or nil when it is allowed now.
    package func retryAfter(_ key: String, limit: Settings.RateLimit, now: Timestamp) -> Int64? {
        let key = Self.stored(key)
        return state.withLock { state in
            let window = limit.seconds * 1_000_000
            let list = state.keys[key]?.times.filter { $0 > now.microseconds - window } ?? []
            state.keys[key]?.times = list
            guard list.count >= limit.count else { return nil }
            let oldestThatMustExpire = list.sorted()[list.count - limit.count]
            return max(1, (oldestThatMustExpire + window - now.microseconds + 999_999) / 1_000_000)
        }
    }

    /// Records an event. Made by a request that then fails, it is undone with the request.
    package func record(_ key: String, limit: Settings.RateLimit, now: Timestamp) {
        add(key, limit: limit, now: now, outlivesRequest: false)
    }

    /// Records a failed attempt (a wrong password, an unknown code): it counts even though the
    /// request that made it fails, as long as the request's group commits.
    package func recordFailure(_ key: String, limit: Settings.RateLimit, now: Timestamp) {
        add(key, limit: limit, now: now, outlivesRequest: true)
    }

    /// Forgets every event of `key`; undone if the request that reset it fails.
    package func reset(_ key: String) {
        let key = Self.stored(key)
        guard let removed = state.withLock({ $0.keys.removeValue(forKey: key) }) else { return }
        GroupJournal.current?.register { [self] in restore(removed, under: key) }
    }

    private func add(_ key: String, limit: Settings.RateLimit, now: Timestamp, outlivesRequest: Bool) {
        let key = Self.stored(key)
        state.withLock { state in
            let window = limit.seconds * 1_000_000
            var events = state.keys[key] ?? Events()
            events.times = events.times.filter { $0 > now.microseconds - window } + [now.microseconds]
            events.keepUntil = max(events.keepUntil, now.microseconds + window)
            state.keys[key] = events
            if state.keys.count >= state.sweepAt {
                state.keys = state.keys.filter { $0.value.keepUntil > now.microseconds }
                state.sweepAt = max(Self.firstSweep, 2 * state.keys.count)
            }
        }
        let time = now.microseconds
        GroupJournal.current?.register(outlivesRequest: outlivesRequest) { [self] in removeEvent(at: time, under: key) }
    }

    // MARK: Undo (see `GroupJournal`)

    private func removeEvent(at time: Int64, under key: String) {
        state.withLock { state in
            guard var events = state.keys[key], let index = events.times.lastIndex(of: time) else { return }
            events.times.remove(at: index)
            state.keys[key] = events
        }
    }

    private func restore(_ removed: Events, under key: String) {
        state.withLock { state in
            var events = state.keys[key] ?? Events()
            events.times = removed.times + events.times
            events.keepUntil = max(events.keepUntil, removed.keepUntil)
            state.keys[key] = events
        }
    }

    /// Throws `rate_limited` when over the limit; otherwise records the event when `record`.
    package func enforce(_ key: String, limit: Settings.RateLimit, now: Timestamp, record shouldRecord: Bool) throws(DomainError) {
        if let wait = retryAfter(key, limit: limit, now: now) { throw DomainError.rateLimited(retryAfterSeconds: wait) }
        if shouldRecord { record(key, limit: limit, now: now) }
    }
}

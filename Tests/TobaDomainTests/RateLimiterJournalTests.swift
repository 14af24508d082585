import Foundation
import GRDB
import Logging
import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// The limiter agrees with what was committed (PROTOCOL.md §4: a failed request leaves no trace;
/// §6: failed attempts count). The writer's journal is driven by hand here, then by a real
/// OrderedWriter whose group fails at COMMIT.
@Suite struct RateLimiterJournalTests {
    let limit = Settings.RateLimit(count: 3, seconds: 60)
    let now = Timestamp(seconds: 1_800_000_000)

    /// How many more events `key` takes before it is limited.
    func room(_ limiter: RateLimiter, _ key: String) -> Int {
        var count = 0
        while limiter.retryAfter(key, limit: limit, now: now) == nil, count < 10 {
            limiter.record(key, limit: limit, now: now)
            count += 1
        }
        return count
    }

    /// Runs each body as one request of a group (rolled back when it `fails`), as the ordered
    /// writer does, then commits or aborts the group.
    func group(commits: Bool = true, requests: [(fails: Bool, body: () throws -> Void)]) {
        let journal = GroupJournal()
        GroupJournal.$current.withValue(journal) {
            for request in requests {
                journal.requestBegan()
                do { try request.body() } catch {}
                if request.fails { journal.requestRolledBack() }
            }
        }
        if !commits { journal.groupAborted() }
    }

    @Test func recordsOfARequestThatRollsBackAreUndone() {
        let limiter = RateLimiter()
        group(requests: [
            (fails: true, body: { limiter.record("k", limit: limit, now: now) }),
            (fails: true, body: { try limiter.enforce("k", limit: limit, now: now, record: true) }),
            (fails: false, body: { limiter.record("kept", limit: limit, now: now) }),
        ])
        #expect(room(limiter, "k") == 3)
        #expect(room(limiter, "kept") == 2)
    }

    @Test func aResetOfARequestThatRollsBackIsUndone() {
        let limiter = RateLimiter()
        limiter.record("k", limit: limit, now: now)
        limiter.record("k", limit: limit, now: now)
        group(requests: [(fails: true, body: { limiter.reset("k") })])
        #expect(room(limiter, "k") == 1)
    }

    @Test func aFailedAttemptOutlivesItsOwnRequestButNotAnAbortedGroup() {
        let limiter = RateLimiter()
        group(requests: [(fails: true, body: {
            limiter.recordFailure("k", limit: limit, now: now)
            limiter.record("k", limit: limit, now: now)
        })])
        #expect(room(limiter, "k") == 2, "the failure counts, the plain record does not")
        let other = RateLimiter()
        group(commits: false, requests: [(fails: true, body: { other.recordFailure("k", limit: limit, now: now) })])
        #expect(room(other, "k") == 3)
    }

    @Test func everythingAGroupDidIsUndoneWhenItDoesNotCommit() {
        let limiter = RateLimiter()
        limiter.record("reset", limit: limit, now: now)
        group(commits: false, requests: [
            (fails: false, body: { limiter.record("a", limit: limit, now: now) }),
            (fails: false, body: { limiter.reset("reset") }),
            (fails: true, body: { limiter.recordFailure("b", limit: limit, now: now) }),
        ])
        #expect(room(limiter, "a") == 3)
        #expect(room(limiter, "reset") == 2)
        #expect(room(limiter, "b") == 3)
    }

    @Test func aGroupRetriedOneByOneRecordsEachOfItsRequestsOnce() throws {
        // Given a writer wired to the limiter, and a database where a foreign key is checked at COMMIT
        let limiter = RateLimiter()
        let queue = try AppDatabase.open(path: ":memory:", durability: .normal)
        try #require(queue.sqliteWriter).write { db in
            try db.execute(sql: """
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE child (parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                """)
        }
        let writer = OrderedWriter<Outcome>(database: queue, logger: Logger(label: "test"))
        let (limit, now) = (self.limit, self.now)
        let attempt: OrderedWriter<Outcome>.Effect = { _ in
            limiter.record("k", limit: limit, now: now)
            return .value(true)
        }
        let broken: OrderedWriter<Outcome>.Effect = { db in
            limiter.record("k", limit: limit, now: now)
            try db.execute(sql: "INSERT INTO child (parent_id) VALUES (42)")
            return .value(true)
        }
        // When the group fails at COMMIT and its requests are tried again one by one
        let results = writer.runGroup([attempt, broken, attempt])
        // Then the two that committed count once each, and the broken one not at all
        #expect(results.map { if case .success = $0 { true } else { false } } == [true, false, true])
        #expect(room(limiter, "k") == 1)
    }
}

import Foundation
import GRDB
import Logging
import Synchronization
import Testing
import TobaRPC
@testable import TobaStore

/// The ordered writer when the storage fails (PROTOCOL.md §4, §7): a full disk, a lock held by
/// another process, a group whose COMMIT fails. Each request gets its own answer; nothing is
/// answered success unless it committed.
@Suite struct OrderedWriterTests {
    /// A migrated database file in a fresh directory, with a scratch table `t` and a parent/child
    /// pair whose foreign key is checked only at COMMIT.
    static func database(busyTimeoutSeconds: Double = 30) throws -> AppDatabase {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toba-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try AppDatabase.open(
            path: directory.appendingPathComponent("db.sqlite").path, durability: .normal, busyTimeoutSeconds: busyTimeoutSeconds)
        try #require(database.sqliteWriter).write { db in
            try db.execute(sql: """
                CREATE TABLE t (tag TEXT NOT NULL, payload BLOB);
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE child (id INTEGER PRIMARY KEY,
                                    parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                INSERT INTO parent (id) VALUES (1);
                """)
        }
        return database
    }

    static func insert(_ tag: String, bytes: Int = 0) -> OrderedWriter<Outcome>.Effect {
        { db in
            try db.execute(sql: "INSERT INTO t (tag, payload) VALUES (?, zeroblob(?))", arguments: [tag, bytes])
            return .value(.string(tag))
        }
    }

    static func child(parent: Int) -> OrderedWriter<Outcome>.Effect {
        { db in
            try db.execute(sql: "INSERT INTO child (parent_id) VALUES (?)", arguments: [parent])
            return .value("child")
        }
    }

    static func tags(_ database: AppDatabase) throws -> [String] {
        try #require(database.sqliteWriter).read { db in try String.fetchAll(db, sql: "SELECT tag FROM t ORDER BY rowid") }
    }

    static func answer(_ result: Result<Outcome, any Error>) -> String? {
        if case .success(.value(let value)) = result { return value.stringValue }
        return nil
    }

    static func storageKind(_ result: Result<Outcome, any Error>) -> StorageFailure.Kind? {
        if case .failure(let error) = result { return (error as? StorageFailure)?.kind }
        return nil
    }

    @Test func aFullDatabaseFailsOnlyTheRequestThatDidNotFitAsStorageFull() throws {
        // Given a database that may grow by only a few pages
        let database = try Self.database()
        try #require(database.sqliteWriter).writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages + 8)")
        }
        let writer = OrderedWriter<Outcome>(database: database, logger: Logger(label: "test"))
        // When a group holds a small write, one of 1 MB and another small one
        let results = writer.runGroup([Self.insert("a"), Self.insert("huge", bytes: 1_000_000), Self.insert("b")])
        // Then the large one is storage_full and the small ones committed with their answers
        #expect(results.count == 3)
        #expect(Self.answer(results[0]) == "a")
        #expect(Self.storageKind(results[1]) == .full)
        #expect(Self.answer(results[2]) == "b")
        #expect(try Self.tags(database) == ["a", "b"])
    }

    @Test func aDeferredForeignKeyFailingAtCommitFailsOnlyItsOwnRequest() throws {
        // Given a group whose middle request breaks a foreign key checked only at COMMIT
        let database = try Self.database()
        let writer = OrderedWriter<Outcome>(database: database, logger: Logger(label: "test"))
        // When the group is applied
        let results = writer.runGroup([Self.insert("a"), Self.child(parent: 99), Self.insert("b"), Self.child(parent: 1)])
        // Then only that request failed; the others committed and got their real answers
        #expect(Self.answer(results[0]) == "a")
        guard case .failure(let error) = results[1] else {
            Issue.record("the broken request succeeded")
            return
        }
        #expect(StorageFailure.classify(error) == nil, "a broken constraint is a bug, not the storage failing")
        #expect(Self.answer(results[2]) == "b")
        #expect(Self.answer(results[3]) == "child")
        #expect(try Self.tags(database) == ["a", "b"])
        #expect(try #require(database.sqliteWriter).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child") } == 1)
    }

    @Test func aLockHeldByAnotherConnectionPastTheBusyTimeoutIsStorageBusyAndNothingRuns() throws {
        // Given another connection holding the write lock, and a busy timeout of 0.2 s
        let database = try Self.database(busyTimeoutSeconds: 0.2)
        let other = try DatabaseQueue(path: database.path)
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? other.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    holding.signal()
                    release.wait()
                    return .commit
                }
            }
            done.signal()
        }
        holding.wait()
        let writer = OrderedWriter<Outcome>(database: database, logger: Logger(label: "test"))
        let ran = Mutex(0)
        let counted: OrderedWriter<Outcome>.Effect = { db in
            ran.withLock { $0 += 1 }
            return try Self.insert("x")(db)
        }
        // When a group arrives
        let results = writer.runGroup([counted, counted, counted])
        // Then every request is storage_busy, with a retry hint, and none ran
        #expect(results.map(Self.storageKind) == [.busy, .busy, .busy])
        if case .failure(let error as StorageFailure) = results[0] {
            #expect(error.reason == "storage_busy")
            #expect(error.retryAfterSeconds != nil)
            #expect(error.resultCode == 5)
        }
        #expect(ran.withLock { $0 } == 0)
        // And once the lock is released the next group commits
        release.signal()
        done.wait()
        #expect(writer.runGroup([Self.insert("after")]).map(Self.answer) == ["after"])
        #expect(try Self.tags(database) == ["after"])
    }

    @Test func changesRegisteredWithTheJournalAreUndoneWithWhatDidNotCommit() throws {
        // Given effects that note in memory what they did, registering the undo with the journal
        let database = try Self.database()
        let writer = OrderedWriter<Outcome>(database: database, logger: Logger(label: "test"))
        let memory = Mutex<[String]>([])
        struct Refused: Error {}
        func noting(_ tag: String, outlivesRequest: Bool = false, then effect: OrderedWriter<Outcome>.Effect? = nil,
                    fails: Bool = false) -> OrderedWriter<Outcome>.Effect {
            { db in
                memory.withLock { $0.append(tag) }
                GroupJournal.current?.register(outlivesRequest: outlivesRequest) {
                    memory.withLock { notes in _ = notes.remove(at: notes.lastIndex(of: tag)!) }
                }
                if fails { throw Refused() }
                return try effect?(db) ?? .value(.string(tag))
            }
        }
        // When a group commits with a failing request, one of whose notes outlives it
        _ = writer.runGroup([noting("a"), noting("failed", fails: true), noting("attempt", outlivesRequest: true, fails: true)])
        // Then the failed request's note is gone, the attempt's stays
        #expect(memory.withLock { $0 } == ["a", "attempt"])
        // When a group fails at COMMIT and its requests are tried again one by one
        memory.withLock { $0 = [] }
        let results = writer.runGroup([noting("b"), noting("broken", outlivesRequest: true, then: Self.child(parent: 99)), noting("c")])
        // Then what committed is noted once, and nothing of the broken request stays
        #expect(results.map(Self.answer) == ["b", nil, "c"])
        #expect(memory.withLock { $0 } == ["b", "c"])
        // And outside the writer there is no journal: changes are final at once
        #expect(GroupJournal.current == nil)
    }
}

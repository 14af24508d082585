import GRDB
import Logging
import Synchronization

/// The single ordered writer with group commit. A group is one `BEGIN IMMEDIATE` transaction;
/// each effect runs in its own savepoint, so a failing request leaves no trace while its
/// neighbours commit. `runGroup` returns only after `COMMIT` returned, i.e. once the group is
/// durable under the connection's `synchronous` setting. `Answer` is what an effect produces
/// (the executable's pipeline answers); the writer knows nothing of it.
///
/// When the group's transaction fails as a whole (a deferred foreign key at `COMMIT`, a full
/// disk that made SQLite roll everything back), its requests are tried again one by one, each in
/// its own transaction: one request's failure fails only that request. When the transaction
/// could not even begin (the lock is held by another process past the busy timeout), nothing ran
/// and every request gets that storage failure. No request is ever answered success unless its
/// transaction committed, and in-memory state follows the same rule (`GroupJournal`).
public final class OrderedWriter<Answer: Sendable>: Sendable {
    public typealias Effect = @Sendable (any SQLConnection) throws -> Answer

    private let writer: any DatabaseWriter
    private let logger: Logger
    /// The writer's one connection, kept across groups with its caches.
    private let connection = Mutex<SQLiteConnection?>(nil)

    public init(database: AppDatabase, logger: Logger) {
        self.writer = database.writer
        self.logger = logger
    }

    public func runGroup(_ effects: [Effect]) -> [Result<Answer, any Error>] {
        switch attempt(effects) {
        case .committed(let results):
            return results
        case .notBegun(let error):
            let failure = settled(error, groupSize: effects.count)
            return effects.map { _ in .failure(failure) }
        case .aborted(let error) where effects.count == 1:
            return [.failure(settled(error, groupSize: 1))]
        case .aborted(let error):
            logger.warning("group transaction failed; trying its requests one by one",
                           metadata: ["size": "\(effects.count)", "error": "\(Self.loggable(error))"])
            return retryOneByOne(effects)
        }
    }

    /// Each effect in its own transaction. Once the lock is found busy past the timeout, the rest
    /// are answered busy without waiting again for each.
    private func retryOneByOne(_ effects: [Effect]) -> [Result<Answer, any Error>] {
        var results: [Result<Answer, any Error>] = []
        var busy: StorageFailure?
        for effect in effects {
            if let busy {
                results.append(.failure(busy))
                continue
            }
            switch attempt([effect]) {
            case .committed(let single):
                results += single
            case .notBegun(let error), .aborted(let error):
                let failure = settled(error, groupSize: 1)
                if let storage = failure as? StorageFailure, storage.kind == .busy { busy = storage }
                results.append(.failure(failure))
            }
        }
        return results
    }

    private enum Attempt {
        case committed([Result<Answer, any Error>])
        /// `BEGIN` failed: no effect ran.
        case notBegun(any Error)
        /// The transaction began but did not commit: every effect's work was rolled back.
        case aborted(any Error)
    }

    private func attempt(_ effects: [Effect]) -> Attempt {
        let journal = GroupJournal()
        var run = Run()
        do {
            try writer.writeWithoutTransaction { db in
                // Bound here, on the thread that runs the effects.
                try GroupJournal.$current.withValue(journal) {
                    try db.inTransaction(.immediate) {
                        run.began = true
                        try apply(effects, db, journal: journal, into: &run)
                        return .commit
                    }
                }
            }
        } catch {
            let reason = error is GroupAborted ? (run.cause ?? error) : error
            journal.groupAborted()
            return run.began ? .aborted(reason) : .notBegun(reason)
        }
        return .committed(run.results)
    }

    private struct Run {
        var results: [Result<Answer, any Error>] = []
        var began = false
        /// The error of the effect during which SQLite rolled the whole transaction back.
        var cause: (any Error)?
    }

    /// Each effect in its own savepoint of the open transaction. The savepoint statements are
    /// prepared once and cached, like every other statement: a cheap request costs three
    /// statement steps, not three compilations.
    private func apply(_ effects: [Effect], _ db: Database, journal: GroupJournal, into run: inout Run) throws {
        let connection = self.connection(db)
        let begin = try db.cachedStatement(sql: "SAVEPOINT toba_request")
        let release = try db.cachedStatement(sql: "RELEASE SAVEPOINT toba_request")
        let rollback = try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT toba_request")
        run.results.reserveCapacity(effects.count)
        for effect in effects {
            journal.requestBegan()
            do {
                try begin.execute()
                let outcome: Answer
                do {
                    outcome = try effect(connection)
                } catch {
                    if db.isInsideTransaction {
                        try rollback.execute()
                        try release.execute()
                    }
                    throw error
                }
                try release.execute()
                run.results.append(.success(outcome))
            } catch {
                journal.requestRolledBack()
                guard db.isInsideTransaction else {
                    // SQLite rolled the whole transaction back (disk full, I/O error): nothing
                    // after this point may pretend to be part of the group.
                    run.cause = error
                    throw GroupAborted()
                }
                run.results.append(.failure(settled(error, groupSize: 1)))
            }
        }
    }

    private func connection(_ db: Database) -> SQLiteConnection {
        connection.withLock { kept in
            if let kept, kept.db === db { return kept }
            let made = SQLiteConnection(db)
            kept = made
            return made
        }
    }

    /// Effects that only read, in order, in one deferred transaction: it takes no write lock, so
    /// (WAL) it never waits for another process's writer, and it sees every committed group.
    public func runReads(_ effects: [Effect]) -> [Result<Answer, any Error>] {
        do {
            return try writer.writeWithoutTransaction { db in
                let connection = self.connection(db)
                var results: [Result<Answer, any Error>] = []
                results.reserveCapacity(effects.count)
                try db.inTransaction(.deferred) {
                    for effect in effects { results.append(Result { try effect(connection) }) }
                    return .commit
                }
                return results
            }
        } catch {
            let failure = settled(error, groupSize: effects.count)
            return effects.map { _ in .failure(failure) }
        }
    }

    /// The error a request of a failed transaction is answered with: a storage failure (1008,
    /// logged here with SQLite's codes) or the original error (a bug: the error mapping logs it).
    private func settled(_ error: any Error, groupSize: Int) -> any Error {
        guard let failure = StorageFailure.classify(error) else { return error }
        logger.error("storage failure; the request had no effect", metadata: [
            "reason": "\(failure.reason)", "requests": "\(groupSize)",
            "sqliteCode": "\(failure.resultCode)", "sqliteExtendedCode": "\(failure.extendedResultCode)",
            "sqliteMessage": "\(failure.message)",
        ])
        return failure
    }

    /// What may be logged of an error: SQLite's codes and message, never a statement's arguments.
    static func loggable(_ error: any Error) -> String {
        if let failure = StorageFailure.classify(error) { return failure.description }
        if let error = error as? DatabaseError {
            return "SQLite error \(error.resultCode.rawValue) (extended \(error.extendedResultCode.rawValue)): \(error.message ?? "")"
        }
        return "\(error)"
    }
}

/// The group's transaction could not be committed: none of its requests took effect.
struct GroupAborted: Error {}

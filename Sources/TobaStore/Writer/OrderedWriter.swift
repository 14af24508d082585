import Foundation
package import Logging

/// The single ordered writer with group commit. A group is one write transaction (SQLite
/// `BEGIN IMMEDIATE`, PostgreSQL `SERIALIZABLE`); each effect runs in its own savepoint, so a
/// failing request leaves no trace while its neighbours commit. `runGroup` returns only after
/// `COMMIT` returned, i.e. once the group is durable under the connection's durability setting.
/// On PostgreSQL, where each savepoint statement is a round trip, a request's savepoint is taken
/// only before its first statement that may write: a request that only reads costs none. Should a
/// statement fail before any savepoint (the transaction is then unusable), the group runs again
/// with a savepoint around every request.
/// `Answer` is what an effect produces (the executable's pipeline answers); the writer knows
/// nothing of it.
///
/// When the group's transaction fails as a whole (a deferred foreign key at `COMMIT`, a full
/// disk that made SQLite roll everything back), its requests are tried again one by one, each in
/// its own transaction: one request's failure fails only that request. When another sidecar's
/// transaction conflicts with the group on PostgreSQL (serialization failure, deadlock, a unique
/// key taken meanwhile), the group is run again, up to `conflictRetries` times, then one by one.
/// When the transaction could not even begin (the lock is held by another process past the busy
/// timeout, the server is out of reach) or the connection was lost during it, nothing is known to
/// have committed and every request gets that storage failure. No request is ever answered
/// success unless its transaction committed, and in-memory state follows the same rule
/// (`GroupJournal`).
package final class OrderedWriter<Answer: Sendable>: Sendable {
    package typealias Effect = @Sendable (any SQLConnection) throws -> Answer

    private let database: AppDatabase
    private let logger: Logger
    /// How often a group in conflict with another sidecar's transaction is run again.
    static var conflictRetries: Int { 8 }

    package init(database: AppDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    package func runGroup(_ effects: [Effect]) -> [Result<Answer, any Error>] {
        switch attemptResolvingConflicts(effects) {
        case .committed(let results):
            return results
        case .notBegun(let error):
            let failure = settled(error, groupSize: effects.count)
            return effects.map { _ in .failure(failure) }
        case .aborted(let error) where effects.count == 1 || StorageFailure.classify(error)?.kind == .unavailable:
            // A lost connection: whether COMMIT took effect is unknown, so nothing is run again.
            let failure = settled(error, groupSize: effects.count)
            return effects.map { _ in .failure(failure) }
        case .aborted(let error):
            logger.warning("group transaction failed; trying its requests one by one",
                           metadata: ["size": "\(effects.count)", "error": "\(Self.loggable(error))"])
            return retryOneByOne(effects)
        }
    }

    /// Each effect in its own transaction. Once the storage is found busy past the timeout or out
    /// of reach, the rest are answered so without waiting again for each.
    private func retryOneByOne(_ effects: [Effect]) -> [Result<Answer, any Error>] {
        var results: [Result<Answer, any Error>] = []
        var unavailable: StorageFailure?
        for effect in effects {
            if let unavailable {
                results.append(.failure(unavailable))
                continue
            }
            switch attemptResolvingConflicts([effect]) {
            case .committed(let single):
                results += single
            case .notBegun(let error), .aborted(let error):
                let failure = settled(error, groupSize: 1)
                if let storage = failure as? StorageFailure, storage.kind == .busy || storage.kind == .unavailable {
                    unavailable = storage
                }
                results.append(.failure(failure))
            }
        }
        return results
    }

    /// How a group ended once conflicts were resolved.
    private enum Settled {
        case committed([Result<Answer, any Error>])
        case notBegun(any Error)
        case aborted(any Error)
    }

    private enum Attempt {
        case committed([Result<Answer, any Error>])
        /// A statement failed before its request's deferred savepoint was taken: nothing
        /// committed; the group must run again with a savepoint around every request.
        case needsSavepoints
        /// `BEGIN` failed: no effect ran.
        case notBegun(any Error)
        /// The transaction began but did not commit: every effect's work was rolled back.
        case aborted(any Error)
    }

    /// Runs the group again while it loses to a concurrent transaction (PostgreSQL), with a
    /// random pause that grows, and once more when the connection was found lost before BEGIN
    /// (nothing ran: a server restarted meanwhile is reconnected to at once).
    private func attemptResolvingConflicts(_ effects: [Effect]) -> Settled {
        var conflicts = 0
        var reconnected = false
        var eagerSavepoints = false
        while true {
            let outcome = attempt(effects, eagerSavepoints: eagerSavepoints)
            switch outcome {
            case .needsSavepoints:
                eagerSavepoints = true
            case .committed(let results):
                return .committed(results)
            case .aborted(let error) where StorageFailure.isConflict(error) && conflicts < Self.conflictRetries:
                conflicts += 1
                Self.pause(afterConflicts: conflicts)
            case .notBegun(let error) where !reconnected && StorageFailure.classify(error)?.kind == .unavailable:
                reconnected = true
            case .notBegun(let error):
                return .notBegun(error)
            case .aborted(let error):
                return .aborted(error)
            }
        }
    }

    private static func pause(afterConflicts count: Int) {
        let ceiling = UInt32(min(50_000, 500 << count))
        usleep(UInt32.random(in: 100...ceiling))
    }

    private func attempt(_ effects: [Effect], eagerSavepoints: Bool) -> Attempt {
        let journal = GroupJournal()
        var run = Run()
        run.eagerSavepoints = eagerSavepoints
        do {
            try database.withWriterConnection { connection in
                // Bound here, on the thread that runs the effects.
                try GroupJournal.$current.withValue(journal) {
                    try connection.begin(.write)
                    run.began = true
                    do {
                        try apply(effects, connection, journal: journal, into: &run)
                        try connection.commit()
                    } catch {
                        try? connection.rollback()
                        throw error
                    }
                }
            }
        } catch {
            let reason = error is GroupAborted ? (run.cause ?? error) : error
            journal.groupAborted()
            if error is SavepointsNeeded { return .needsSavepoints }
            return run.began ? .aborted(reason) : .notBegun(reason)
        }
        return .committed(run.results)
    }

    private struct Run {
        var results: [Result<Answer, any Error>] = []
        var began = false
        /// Each request's savepoint opened at its start, also on PostgreSQL (after a statement
        /// failed before a deferred one).
        var eagerSavepoints = false
        /// The error of the effect during which the whole transaction was lost.
        var cause: (any Error)?
    }

    /// Each effect in its own savepoint of the open transaction (`beginRequest`: on SQLite a
    /// cached statement, on PostgreSQL opened only before the request's first write unless the
    /// group runs with `eagerSavepoints`), so a failing request leaves no trace.
    private func apply(_ effects: [Effect], _ connection: any TransactionalConnection, journal: GroupJournal, into run: inout Run) throws {
        run.results.reserveCapacity(effects.count)
        for effect in effects {
            journal.requestBegan()
            do {
                try connection.beginRequest(eager: run.eagerSavepoints)
                let outcome = try effect(connection)
                try connection.endRequest()
                run.results.append(.success(outcome))
            } catch {
                journal.requestRolledBack()
                guard connection.isInsideTransaction, !StorageFailure.endsTransaction(error) else {
                    // The engine rolled the whole transaction back (SQLite: disk full, I/O error),
                    // the connection is gone, or the group lost to another transaction: nothing
                    // after this point may pretend to be part of the group.
                    run.cause = error
                    throw GroupAborted()
                }
                let undone: Bool
                do {
                    undone = try connection.undoRequest()
                } catch {
                    run.cause = error
                    throw GroupAborted()
                }
                // A statement failed before the request's savepoint (PostgreSQL): run again with them.
                guard undone else { throw SavepointsNeeded() }
                run.results.append(.failure(settled(error, groupSize: 1)))
            }
        }
    }

    /// Effects that only read, in order, in one read-only transaction: it takes no write lock, so
    /// it never waits for another process's writer, and it sees every committed group.
    package func runReads(_ effects: [Effect]) -> [Result<Answer, any Error>] {
        do {
            return try database.withWriterConnection { connection in
                var results: [Result<Answer, any Error>] = []
                results.reserveCapacity(effects.count)
                try connection.inTransaction(.read) {
                    for effect in effects { results.append(Result { try effect(connection) }) }
                }
                return results
            }
        } catch {
            let failure = settled(error, groupSize: effects.count)
            return effects.map { _ in .failure(failure) }
        }
    }

    /// The error a request of a failed transaction is answered with: a storage failure (1008,
    /// logged here with the engine's codes) or the original error (a bug: the error mapping logs it).
    private func settled(_ error: any Error, groupSize: Int) -> any Error {
        guard let failure = StorageFailure.classify(error) else { return error }
        logger.error("storage failure; the request had no effect", metadata: failure.logMetadata.merging([
            "reason": "\(failure.reason)", "requests": "\(groupSize)",
        ]) { $1 })
        return failure
    }

    /// What may be logged of an error: the engine's codes and message, never a statement's arguments.
    static func loggable(_ error: any Error) -> String {
        if let failure = StorageFailure.classify(error) { return failure.description }
        if let error = error as? PostgreSQLError { return error.description }
        return "\(error)"
    }
}

/// The group's transaction could not be committed: none of its requests took effect.
struct GroupAborted: Error {}

/// A statement failed before its request's deferred savepoint: the group runs again with savepoints.
struct SavepointsNeeded: Error {}

/// A connection the storage layer drives through transactions (the ordered writer, migrations,
/// commands): `SQLConnection` plus the transaction statements, spelt by each engine. The domains
/// never see it.
package protocol TransactionalConnection: SQLConnection {
    /// Opens a transaction: for writing (SQLite `BEGIN IMMEDIATE`, PostgreSQL `SERIALIZABLE`),
    /// or for reading only (SQLite `BEGIN DEFERRED`, PostgreSQL `REPEATABLE READ READ ONLY`):
    /// a snapshot that never waits for another process's write lock.
    func begin(_ mode: TransactionMode) throws
    func commit() throws
    /// Rolls back the open transaction; nothing when none is open.
    func rollback() throws
    var isInsideTransaction: Bool { get }
    /// A request of the group starts: its savepoint (`toba_request`) is opened. SQLite opens it
    /// at once (a cached statement in-process). PostgreSQL, where a savepoint is a round trip,
    /// opens it right before the request's first statement that may write, unless `eager`: a
    /// request that only reads costs none.
    func beginRequest(eager: Bool) throws
    /// The request succeeded: its savepoint, if one was opened, is released.
    func endRequest() throws
    /// The request failed: what it did is rolled back to its savepoint. False when that cannot
    /// be done (PostgreSQL: a statement failed before the savepoint was opened, which leaves the
    /// whole transaction unusable); the group must then run again with `eager` savepoints.
    func undoRequest() throws -> Bool
}

package enum TransactionMode: Sendable {
    case write
    case read
}

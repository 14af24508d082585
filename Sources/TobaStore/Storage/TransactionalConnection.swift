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
    /// The one savepoint a request runs in (`toba_request`).
    func savepoint() throws
    func releaseSavepoint() throws
    func rollbackToSavepoint() throws
    var isInsideTransaction: Bool { get }
    /// Whether a savepoint costs a round trip to a server (PostgreSQL): the ordered writer then
    /// takes a request's savepoint only right before its first statement that may write.
    var savepointsAreCostly: Bool { get }
    /// Arms the request savepoint: the next statement that may write first runs `SAVEPOINT`.
    func deferSavepoint()
    /// Disarms it: whether the savepoint was taken since `deferSavepoint`, and whether a
    /// statement failed meanwhile.
    func settleDeferredSavepoint() -> (taken: Bool, failed: Bool)
}

package enum TransactionMode: Sendable {
    case write
    case read
}

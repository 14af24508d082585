import GRDB
package import Logging

/// The storage itself failed (PROTOCOL.md §7, 1008 Unavailable): busy past its timeout, full,
/// read-only, I/O, corrupt, or the PostgreSQL server out of reach. The request had no effect and
/// may be retried. Carries the engine's codes and message for the log, never the statement or
/// its arguments (they may hold secrets).
package struct StorageFailure: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// Locked by another connection or process past the busy timeout, or a conflict with
        /// another sidecar's transaction that kept recurring (`storage_busy`).
        case busy
        /// The disk or the database's page limit is full (`storage_full`).
        case full
        /// The connection to the PostgreSQL server is lost or cannot be made (`storage_unavailable`).
        case unavailable
        /// Read-only, I/O error, corruption or another failure of the storage (`storage_error`).
        case failing
    }

    package let kind: Kind
    /// SQLite's result code, or 0 for PostgreSQL.
    package let resultCode: Int32
    /// SQLite's extended result code, or 0 for PostgreSQL.
    package let extendedResultCode: Int32
    /// PostgreSQL's SQLSTATE (e.g. `53100`), empty for SQLite and for a lost connection.
    package let sqlState: String
    /// The engine's own message (e.g. "database or disk is full"): no SQL, no arguments.
    package let message: String

    package init(kind: Kind, resultCode: Int32 = 0, extendedResultCode: Int32 = 0, sqlState: String = "", message: String) {
        self.kind = kind
        self.resultCode = resultCode
        self.extendedResultCode = extendedResultCode
        self.sqlState = sqlState
        self.message = message
    }

    /// The `data.reason` of the error answered for it.
    package var reason: String {
        switch kind {
        case .busy: "storage_busy"
        case .full: "storage_full"
        case .unavailable: "storage_unavailable"
        case .failing: "storage_error"
        }
    }

    /// How long a client should wait before retrying, where that applies (a lock held elsewhere,
    /// a server being reconnected to).
    package var retryAfterSeconds: Int64? { kind == .busy || kind == .unavailable ? 1 : nil }

    package var description: String {
        if !sqlState.isEmpty { return "PostgreSQL error \(sqlState): \(message)" }
        if kind == .unavailable { return "PostgreSQL unavailable: \(message)" }
        return "SQLite error \(resultCode) (extended \(extendedResultCode)): \(message)"
    }

    /// The engine's codes and message as log metadata: SQLite's result codes, or PostgreSQL's
    /// SQLSTATE.
    package var logMetadata: Logger.Metadata {
        if !sqlState.isEmpty || kind == .unavailable {
            return ["postgresSQLState": "\(sqlState)", "postgresMessage": "\(message)"]
        }
        return ["sqliteCode": "\(resultCode)", "sqliteExtendedCode": "\(extendedResultCode)", "sqliteMessage": "\(message)"]
    }

    /// The storage failure `error` is, or nil for anything else (a constraint a rule should have
    /// checked, a malformed statement: bugs, answered as internal errors).
    package static func classify(_ error: any Error) -> StorageFailure? {
        if let failure = error as? StorageFailure { return failure }
        if let failure = error as? PostgreSQLError { return failure.storageFailure }
        guard let error = error as? DatabaseError else { return nil }
        let kind: Kind
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            kind = .busy
        case .SQLITE_FULL:
            kind = .full
        case .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_CANTOPEN, .SQLITE_NOMEM,
             .SQLITE_PROTOCOL, .SQLITE_PERM, .SQLITE_NOLFS, .SQLITE_INTERRUPT, .SQLITE_SCHEMA, .SQLITE_ABORT:
            kind = .failing
        default:
            return nil
        }
        return StorageFailure(
            kind: kind, resultCode: error.resultCode.rawValue, extendedResultCode: error.extendedResultCode.rawValue,
            message: error.message ?? "")
    }

    /// Whether `error` ends the whole transaction it happened in, so that no later statement of
    /// the group may run: SQLite rolled back by itself, the PostgreSQL connection is gone, or the
    /// server found the transaction in conflict with another one (it must be run again).
    static func endsTransaction(_ error: any Error) -> Bool {
        if let error = error as? PostgreSQLError { return error.endsTransaction }
        return false
    }

    /// Whether running the same transaction again may succeed: PostgreSQL's serialization
    /// failures and deadlocks, and a unique key taken by another sidecar between a rule's check
    /// and its insert (running again, the check sees the key and answers as the rules say).
    static func isConflict(_ error: any Error) -> Bool {
        (error as? PostgreSQLError)?.isConflict ?? false
    }
}

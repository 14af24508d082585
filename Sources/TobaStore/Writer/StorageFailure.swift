import GRDB

/// The storage itself failed (PROTOCOL.md §7, 1008 Unavailable): busy past its timeout, full,
/// read-only, I/O, corrupt. The request had no effect and may be retried. Carries SQLite's codes
/// and message for the log, never the statement or its arguments (they may hold secrets).
public struct StorageFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Locked by another connection or process past the busy timeout (`storage_busy`).
        case busy
        /// The disk or the database's page limit is full (`storage_full`).
        case full
        /// Read-only, I/O error, corruption or another failure of the storage (`storage_error`).
        case failing
    }

    public let kind: Kind
    public let resultCode: Int32
    public let extendedResultCode: Int32
    /// SQLite's own message (e.g. "database or disk is full"): no SQL, no arguments.
    public let message: String

    /// The `data.reason` of the error answered for it.
    public var reason: String {
        switch kind {
        case .busy: "storage_busy"
        case .full: "storage_full"
        case .failing: "storage_error"
        }
    }

    /// How long a client should wait before retrying, where that applies (a lock held elsewhere).
    public var retryAfterSeconds: Int64? { kind == .busy ? 1 : nil }

    public var description: String {
        "SQLite error \(resultCode) (extended \(extendedResultCode)): \(message)"
    }

    /// The storage failure `error` is, or nil for anything else (a constraint a rule should have
    /// checked, a malformed statement: bugs, answered as internal errors).
    public static func classify(_ error: any Error) -> StorageFailure? {
        if let failure = error as? StorageFailure { return failure }
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
}

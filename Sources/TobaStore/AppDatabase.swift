import Foundation
import GRDB

/// The database of one process: a WAL `DatabasePool` on a file, or a private in-memory database
/// for `:memory:`. Opened once per process; migrated at open.
public struct AppDatabase: Sendable {
    public enum Durability: String, Sendable {
        /// `synchronous=FULL`: a commit survives power loss once it returns.
        case full
        /// `synchronous=NORMAL`: a commit survives a crash of the process, not of the machine.
        case normal
    }

    public let writer: any DatabaseWriter
    /// The path as given (`:memory:` for the in-memory database).
    public let path: String

    public var isInMemory: Bool { path == ":memory:" }

    /// Opens (creating if needed) and migrates the database.
    /// - Throws: `StoreError.newerSchema` when the file was migrated by a newer release.
    public static func open(path: String, durability: Durability, busyTimeoutSeconds: Double = 30) throws -> AppDatabase {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeoutSeconds)
        config.foreignKeysEnabled = true
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        let writer: any DatabaseWriter
        if path == ":memory:" {
            writer = try DatabaseQueue(configuration: config)
        } else {
            writer = try DatabasePool(path: path, configuration: config)
        }
        let database = AppDatabase(writer: writer, path: path)
        try database.migrate()
        return database
    }

    func migrate() throws {
        let migrator = Schema.migrator
        if try writer.read({ db in try migrator.hasBeenSuperseded(db) }) {
            throw StoreError.newerSchema
        }
        try migrator.migrate(writer)
    }

    /// The number of migrations applied to this database.
    public func schemaVersion() throws -> Int {
        try writer.read { db in try Schema.migrator.appliedIdentifiers(db).count }
    }

    public func journalMode() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "unknown" }
    }

    /// The size of the database file plus its WAL in bytes (in memory: its pages).
    /// `db` is the connection in use (the in-memory database has no file to measure).
    public func sizeBytes(_ db: Database) -> Int64 {
        guard !isInMemory else {
            let pages = (try? Int64.fetchOne(db, sql: "PRAGMA page_count")) ?? 0
            let size = (try? Int64.fetchOne(db, sql: "PRAGMA page_size")) ?? 0
            return (pages ?? 0) * (size ?? 0)
        }
        var total: Int64 = 0
        for file in [path, path + "-wal"] {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: file),
               let size = attributes[.size] as? NSNumber {
                total += size.int64Value
            }
        }
        return total
    }

    /// Checkpoints the WAL and closes the connections.
    public func close() throws {
        if let pool = writer as? DatabasePool {
            try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try pool.close()
        } else if let queue = writer as? DatabaseQueue {
            try queue.close()
        }
    }
}

public enum StoreError: Error, CustomStringConvertible {
    case newerSchema

    public var description: String {
        switch self {
        case .newerSchema: "the database was migrated by a newer release of toba-register"
        }
    }
}

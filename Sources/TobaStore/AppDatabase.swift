import Foundation
import GRDB
import Synchronization

/// The database of one process: a WAL `DatabasePool` on a file, or a private in-memory database
/// for `:memory:`. Opened once per process; migrated at open.
public struct AppDatabase: Sendable {
    public enum Durability: String, Sendable {
        /// `synchronous=FULL`: a commit survives power loss once it returns.
        case full
        /// `synchronous=NORMAL`: a commit survives a crash of the process, not of the machine.
        case normal
    }

    /// The engine's handle: only the storage layer sees it (the ordered writer, migrations).
    package let writer: any DatabaseWriter
    /// The path as given (`:memory:` for the in-memory database).
    public let path: String

    public var isInMemory: Bool { path == ":memory:" }

    /// Opens (creating if needed) and migrates the database.
    /// - Throws: `StoreError.newerSchema` when the file was migrated by a newer release.
    public static func open(path: String, durability: Durability, busyTimeoutSeconds: Double = 30) throws -> AppDatabase {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeoutSeconds)
        config.foreignKeysEnabled = true
        let writer: any DatabaseWriter
        if path == ":memory:" {
            writer = try DatabaseQueue(configuration: config)
        } else {
            writer = try openPool(path: path, configuration: config, patienceSeconds: busyTimeoutSeconds)
        }
        // Set on the one writing connection once it is open: GRDB's WAL set-up runs after
        // `prepareDatabase` and sets `synchronous = NORMAL`, which would undo `full`.
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        let database = AppDatabase(writer: writer, path: path)
        try database.migrate()
        return database
    }

    /// Opening a new file switches it to WAL, a lock change for which SQLite calls no busy
    /// handler: when several processes start together on a new file, the losers retry.
    private static func openPool(path: String, configuration: Configuration, patienceSeconds: Double) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(patienceSeconds)
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(20_000)
            }
        }
    }

    /// Migrates, also when other processes open the same new file at the same moment: GRDB reads
    /// the applied migrations before it takes the write lock, so the loser of that race fails on
    /// tables the winner has just created. It tries again as long as the applied migrations grew
    /// meanwhile (someone made progress); a failure without progress is a real one.
    func migrate() throws {
        let migrator = Schema.migrator
        var applied = try schemaVersion()
        while true {
            if try writer.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StoreError.newerSchema
            }
            do {
                try migrator.migrate(writer)
                return
            } catch {
                let now = try schemaVersion()
                guard now > applied else { throw error }
                applied = now
            }
        }
    }

    /// Reads in a transaction of its own (a snapshot; never waits for a writer, WAL).
    public func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try writer.read { db in try body(SQLiteConnection(db)) }
    }

    /// Writes in a transaction of its own, outside the ordered pipeline (start-up tasks, the
    /// periodic sweep, commands).
    public func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try writer.write { db in try body(SQLiteConnection(db)) }
    }

    /// The `synchronous` mode of the writing connection as SQLite reports it (`FULL`, `NORMAL`, …).
    public func synchronousMode() throws -> String {
        let value = try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        switch value {
        case 0: return "OFF"
        case 1: return "NORMAL"
        case 2: return "FULL"
        case 3: return "EXTRA"
        default: return "unknown"
        }
    }

    /// The number of migrations applied to this database.
    public func schemaVersion() throws -> Int {
        try writer.read { db in try Schema.migrator.appliedIdentifiers(db).count }
    }

    public func journalMode() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "unknown" }
    }

    /// The last file size measured and when (monotonic nanoseconds).
    private let measuredSize = MeasuredSize()

    /// The size of the database file plus its WAL in bytes (in memory: its pages), measured at
    /// most every 100 ms: a health check per request must not cost two `stat` calls each.
    /// `db` is the connection in use (the in-memory database has no file to measure).
    public func sizeBytes(_ db: any SQLConnection) -> Int64 {
        guard !isInMemory else {
            let pages = (try? Int64.fetchOne(db, sql: "PRAGMA page_count")) ?? nil
            let size = (try? Int64.fetchOne(db, sql: "PRAGMA page_size")) ?? nil
            return (pages ?? 0) * (size ?? 0)
        }
        return measuredSize.value(within: 100_000_000) {
            var total: Int64 = 0
            for file in [path, path + "-wal"] {
                var info = stat()
                if stat(file, &info) == 0 { total += Int64(info.st_size) }
            }
            return total
        }
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

/// A value measured now and then: reused while younger than a given age.
final class MeasuredSize: Sendable {
    private let state = Mutex<(at: UInt64, value: Int64)?>(nil)

    func value(within nanoseconds: UInt64, measure: () -> Int64) -> Int64 {
        let now = DispatchTime.now().uptimeNanoseconds
        if let last = state.withLock({ $0 }), now &- last.at < nanoseconds { return last.value }
        let value = measure()
        state.withLock { $0 = (now, value) }
        return value
    }
}

import Foundation
package import GRDB
package import Logging
import Synchronization

/// The database of one process: on SQLite a WAL `DatabasePool` on a file, or a private in-memory
/// database for `:memory:`; on PostgreSQL (`postgres://…`) one connection to the server, shared
/// with every other sidecar that names the same database. Opened once per process; migrated at open.
package struct AppDatabase: Sendable {
    package enum Durability: String, Sendable {
        /// SQLite `synchronous=FULL`, PostgreSQL `synchronous_commit=on`: a commit survives power
        /// loss once it returns.
        case full
        /// SQLite `synchronous=NORMAL`, PostgreSQL `synchronous_commit=off`: a commit survives a
        /// crash of the process, not of the machine.
        case normal
    }

    /// The engine and its handle: only the storage layer sees it (the ordered writer, migrations).
    package enum Engine: Sendable {
        case sqlite(any DatabaseWriter, SQLiteConnectionCache)
        case postgres(PostgreSQLServer)
    }

    package let engine: Engine
    /// The path as given (`:memory:` for the in-memory database), or the PostgreSQL URL without
    /// its password.
    package let path: String

    package var isInMemory: Bool { path == ":memory:" }
    package var isPostgreSQL: Bool {
        if case .postgres = engine { return true }
        return false
    }

    /// The SQLite handle, nil on PostgreSQL (tests and the SQLite-only paths of the dump tools).
    package var sqliteWriter: (any DatabaseWriter)? {
        if case .sqlite(let writer, _) = engine { return writer }
        return nil
    }

    /// Opens (creating if needed) and migrates the database named by `location`: a SQLite path,
    /// `:memory:`, or a `postgres://` / `postgresql://` URL (password also from `PGPASSWORD`).
    /// - Throws: `StoreError.newerSchema` when the database was migrated by a newer release;
    ///   `PostgreSQLLocationError`, `PostgreSQLError` or `PostgreSQLSchemaError` for a URL,
    ///   server or schema that cannot be used.
    package static func open(
        location: String, durability: Durability, busyTimeoutSeconds: Double = 30,
        environment: [String: String] = [:], logger: Logger = Logger(label: "toba-register")
    ) throws -> AppDatabase {
        guard PostgreSQLLocation.isURL(location) else {
            return try open(path: location, durability: durability, busyTimeoutSeconds: busyTimeoutSeconds)
        }
        let url = try PostgreSQLLocation(url: location, environment: environment)
        let server = PostgreSQLServer(location: url, durability: durability, busyTimeoutSeconds: busyTimeoutSeconds, logger: logger)
        let database = AppDatabase(engine: .postgres(server), path: url.description)
        do {
            try database.migrate()
        } catch {
            server.close()
            throw error
        }
        return database
    }

    /// Opens (creating if needed) and migrates a SQLite database.
    /// - Throws: `StoreError.newerSchema` when the file was migrated by a newer release.
    package static func open(path: String, durability: Durability, busyTimeoutSeconds: Double = 30) throws -> AppDatabase {
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
        let database = AppDatabase(engine: .sqlite(writer, SQLiteConnectionCache()), path: path)
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

    func migrate() throws {
        switch engine {
        case .sqlite(let writer, _):
            try Self.migrateSQLite(writer)
        case .postgres(let server):
            try server.withConnection { connection in try PostgreSQLMigration.run(connection) }
        }
    }

    /// Migrates, also when other processes open the same new file at the same moment: GRDB reads
    /// the applied migrations before it takes the write lock, so the loser of that race fails on
    /// tables the winner has just created. It tries again as long as the applied migrations grew
    /// meanwhile (someone made progress); a failure without progress is a real one.
    private static func migrateSQLite(_ writer: any DatabaseWriter) throws {
        let migrator = Schema.migrator
        func applied() throws -> Int { try writer.read { db in try migrator.appliedIdentifiers(db).count } }
        var count = try applied()
        while true {
            if try writer.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StoreError.newerSchema
            }
            do {
                try migrator.migrate(writer)
                return
            } catch {
                let now = try applied()
                guard now > count else { throw error }
                count = now
            }
        }
    }

    /// Runs `body` on the connection the ordered writer uses, outside any transaction: the body
    /// opens and ends its own (`TransactionalConnection`). One caller at a time.
    package func withWriterConnection<T>(_ body: (any TransactionalConnection) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let writer, let cache):
            try writer.writeWithoutTransaction { db in try body(cache.connection(db)) }
        case .postgres(let server):
            try server.withConnection { connection in try body(connection) }
        }
    }

    /// Reads in a transaction of its own (a snapshot; never waits for a writer).
    package func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let writer, _):
            try writer.read { db in try body(SQLiteConnection(db)) }
        case .postgres(let server):
            try server.withConnection { connection in try connection.inTransaction(.read) { try body(connection) } }
        }
    }

    /// Writes in a transaction of its own, outside the ordered pipeline (start-up tasks, the
    /// periodic sweep, commands). On PostgreSQL a transaction in conflict with another sidecar's
    /// is run again, up to five times.
    package func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let writer, _):
            return try writer.write { db in try body(SQLiteConnection(db)) }
        case .postgres(let server):
            var attempt = 0
            while true {
                do {
                    return try server.withConnection { connection in try connection.inTransaction(.write) { try body(connection) } }
                } catch let error as PostgreSQLError where error.isConflict && attempt < 5 {
                    attempt += 1
                    usleep(UInt32.random(in: 1_000...(10_000 << attempt)))
                }
            }
        }
    }

    /// How commits are made durable: SQLite's `synchronous` mode (`FULL`, `NORMAL`, …) or
    /// PostgreSQL's `synchronous_commit` for this connection (`on`, `off`).
    package func synchronousMode() throws -> String {
        switch engine {
        case .sqlite(let writer, _):
            let value = try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            switch value {
            case 0: return "OFF"
            case 1: return "NORMAL"
            case 2: return "FULL"
            case 3: return "EXTRA"
            default: return "unknown"
            }
        case .postgres(let server):
            return try server.withConnection { connection in
                try String.fetchOne(connection, sql: "SHOW synchronous_commit") ?? "unknown"
            }
        }
    }

    /// The number of migrations applied to this database.
    package func schemaVersion() throws -> Int {
        switch engine {
        case .sqlite(let writer, _):
            try writer.read { db in try Schema.migrator.appliedIdentifiers(db).count }
        case .postgres:
            try read { db in try PostgreSQLMigration.appliedCount(db) }
        }
    }

    /// SQLite's journal mode (`wal`, `memory`), or `postgresql`.
    package func journalMode() throws -> String {
        switch engine {
        case .sqlite(let writer, _):
            try writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "unknown" }
        case .postgres:
            "postgresql"
        }
    }

    /// The last size measured and when (monotonic nanoseconds).
    private let measuredSize = MeasuredSize()

    /// The size of the database file plus its WAL in bytes (in memory: its pages; on PostgreSQL
    /// `pg_database_size`), measured at most every 100 ms: a health check per request must not
    /// cost two `stat` calls or a round trip each. `db` is the connection in use.
    package func sizeBytes(_ db: any SQLConnection) -> Int64 {
        if isPostgreSQL {
            return measuredSize.value(within: 100_000_000) {
                ((try? Int64.fetchOne(db, sql: "SELECT pg_database_size(current_database())")) ?? nil) ?? 0
            }
        }
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

    /// Checkpoints the WAL and closes the connections; on PostgreSQL closes the connection.
    package func close() throws {
        switch engine {
        case .sqlite(let writer, _):
            if let pool = writer as? DatabasePool {
                _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                try pool.close()
            } else if let queue = writer as? DatabaseQueue {
                try queue.close()
            }
        case .postgres(let server):
            server.close()
        }
    }
}

/// The ordered writer's one SQLite connection, kept across groups with its statement caches.
package final class SQLiteConnectionCache: Sendable {
    private let kept = Mutex<SQLiteConnection?>(nil)

    package init() {}

    func connection(_ db: Database) -> SQLiteConnection {
        kept.withLock { kept in
            if let kept, kept.db === db { return kept }
            let made = SQLiteConnection(db)
            kept = made
            return made
        }
    }
}

extension TransactionalConnection {
    /// `body` in a transaction of `mode`: committed when it returns, rolled back when it throws.
    package func inTransaction<T>(_ mode: TransactionMode, _ body: () throws -> T) throws -> T {
        try begin(mode)
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            try? rollback()
            throw error
        }
    }
}

package enum StoreError: Error, CustomStringConvertible {
    case newerSchema

    package var description: String {
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

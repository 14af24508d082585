import Foundation
import GRDB
import TobaRPC
import TobaTestSupport

/// The storage the end-to-end tests run the sidecar on. SQLite by default; PostgreSQL when
/// `TOBA_TEST_BACKEND=postgres`, on the server `TOBA_TEST_POSTGRES_URL` names (a role that may
/// create databases; `scripts/pg-cluster.sh start` makes one). On PostgreSQL every sidecar
/// started on `:memory:` gets a database of its own instead, made fresh from an empty one, so
/// the same tests run unchanged on both engines. `scripts/test.sh` runs both passes.
enum TestBackend {
    /// The server URL when this run is the PostgreSQL pass, else nil.
    static var postgresURL: String? { PostgreSQLTestServer.url }

    static var isPostgreSQL: Bool { postgresURL != nil }

    /// A new, empty database on the test server: its URL. The sidecar migrates it when it starts.
    static func freshDatabase() throws -> String { try PostgreSQLTestServer.freshDatabase() }

    /// Runs SQL through `psql` on `url` and returns what it printed (unaligned, tuples only).
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String { try PostgreSQLTestServer.psql(url, sql) }

    /// The arguments a sidecar or command runs with on this pass: `--db :memory:` becomes a fresh
    /// PostgreSQL database; a PostgreSQL database gets the key file `directory/secret.key` unless
    /// one is given (a fleet shares one key file; the sidecars of one test share theirs).
    static func adapt(_ arguments: [String], directory: URL) throws -> [String] {
        guard let index = arguments.firstIndex(of: "--db"), index + 1 < arguments.count else { return arguments }
        var adapted = arguments
        if isPostgreSQL && arguments[index + 1] == ":memory:" {
            adapted[index + 1] = try freshDatabase()
        }
        if adapted[index + 1].hasPrefix("postgres"), !adapted.contains("--secret-key-file") {
            adapted += ["--secret-key-file", directory.appendingPathComponent("secret.key").path]
        }
        return adapted
    }

    /// A database for sidecars that share one (several processes, a command then a sidecar):
    /// the file `name` in `directory` on the SQLite pass, a fresh database on the PostgreSQL pass.
    static func sharedDatabase(in directory: URL, name: String = "toba.sqlite") throws -> String {
        isPostgreSQL ? try freshDatabase() : directory.appendingPathComponent(name).path
    }

    /// The first column of every row as text (NULL as `""`), on a database a test's sidecars used,
    /// once they stopped: through GRDB on a SQLite file, through `psql` on PostgreSQL.
    static func texts(_ location: String, _ sql: String) throws -> [String] {
        if location.hasPrefix("postgres") {
            let printed = try psql(location, sql)
            return printed.isEmpty ? [] : printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return try SidecarDatabase.read(URL(fileURLWithPath: location)) { db in
            try String?.fetchAll(db, sql: sql).map { $0 ?? "" }
        }
    }

    /// `SELECT COUNT(*)` (or another single integer) on a database a test's sidecars used, once
    /// they stopped: through GRDB on a SQLite file, through `psql` on PostgreSQL.
    static func integer(_ location: String, _ sql: String) throws -> Int? {
        if location.hasPrefix("postgres") { return Int(try psql(location, sql)) }
        return try SidecarDatabase.read(URL(fileURLWithPath: location)) { db in try Int.fetchOne(db, sql: sql) }
    }
}

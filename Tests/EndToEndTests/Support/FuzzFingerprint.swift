import Foundation
import GRDB
import TobaTestSupport

/// What a database holds, as a digest, read through a connection of its own while the sidecar
/// runs, and a version that moves whenever something may have been committed since, so that the
/// digest is recomputed only then.
///
/// - SQLite: a read-only connection to the file (WAL); the version is `PRAGMA data_version`,
///   which moves whenever another connection committed.
/// - PostgreSQL: one `psql` kept open for the run (starting one costs ~0.2 s here, thousands of
///   checks would take minutes). The version is the text of `pg_current_snapshot()`
///   (`xmin:xmax:xip`): a transaction that commits after one snapshot either was in progress then
///   (listed in `xip`, and no longer listed after) or started later (its id reaches `xmax`, which
///   then grows), so an equal snapshot means nothing was committed in between. It is
///   cluster-wide: other databases' transactions move it too, which only costs a needless digest.
///   (`pg_stat_user_tables` counters are no use: they are reported asynchronously.) The digest
///   is an md5 over every table of `public`, each one's rows as text, sorted.
final class FuzzFingerprint {
    private enum Engine {
        case sqlite(DatabaseQueue)
        case postgreSQL(PsqlSession)
    }

    private let engine: Engine

    /// `location`: a SQLite file's path or a PostgreSQL URL.
    init(location: String) throws {
        if location.hasPrefix("postgres") {
            engine = .postgreSQL(try PsqlSession(url: location))
        } else {
            var config = Configuration()
            config.readonly = true
            engine = .sqlite(try DatabaseQueue(path: location, configuration: config))
        }
    }

    func version() throws -> String {
        switch engine {
        case .sqlite(let queue):
            return try queue.inDatabase { String(try Int.fetchOne($0, sql: "PRAGMA data_version") ?? 0) }
        case .postgreSQL(let session):
            return try session.value("SELECT pg_current_snapshot()::text")
        }
    }

    func digest() throws -> String {
        switch engine {
        case .sqlite(let queue):
            return try queue.read { db in
                var hasher = Hasher()
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                for table in tables {
                    hasher.combine(table)
                    let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \"\(table)\"")
                    while let row = try rows.next() {
                        for value in row.databaseValues { hasher.combine(value) }
                    }
                }
                return String(hasher.finalize())
            }
        case .postgreSQL(let session):
            // `query_to_xml` runs the per-table query that plain SQL cannot name dynamically.
            return try session.value("""
                SELECT md5(string_agg(tablename || ':' || query_to_xml(format(
                    'SELECT md5(coalesce(string_agg(t::text, E''\\n'' ORDER BY t::text), '''')) FROM public.%I t', tablename),
                    false, true, '')::text, ',' ORDER BY tablename))
                FROM pg_tables WHERE schemaname = 'public'
                """)
        }
    }

    func close() throws {
        switch engine {
        case .sqlite(let queue): try queue.close()
        case .postgreSQL(let session): session.close()
        }
    }
}

/// A `psql` process kept open: one query at a time on its stdin, its answer read up to a marker
/// line it is told to echo after each query. Errors are read from the same pipe.
private final class PsqlSession {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()
    private static let marker = "--fuzz-fingerprint-end--"

    init(url: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-X", "-q", "-A", "-t"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// The one line `sql` printed (a query ending without `;`).
    func value(_ sql: String) throws -> String {
        input.fileHandleForWriting.write(Data("\(sql);\n\\echo \(Self.marker)\n".utf8))
        var lines: [String] = []
        while true {
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if line == Self.marker {
                    guard lines.count == 1 else { throw PostgreSQLTestError("psql answered \(lines) to \(sql)") }
                    return lines[0]
                }
                lines.append(line)
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw PostgreSQLTestError("psql ended: \(lines) \(String(decoding: buffer, as: UTF8.self))") }
            buffer.append(chunk)
        }
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

import Foundation
import GRDB
import TobaRPC

/// One column of the schema as SQLite describes it, and the values another program could have
/// left in it (PROTOCOL.md §10).
struct CorruptibleColumn {
    let table: String
    let name: String
    let type: String
    let nullable: Bool
    let json: Bool

    /// A value written into every row of the column. `readable` values are forms Django or
    /// PostgreSQL write, which must read fine: no request may fail with `storage_error` for them.
    struct Value {
        let label: String
        let value: DatabaseValue
        let readable: Bool
    }

    var uuid: Bool { type.lowercased() == "char(32)" }

    /// The hostile value first (always tried), then the others (`all`: the long form).
    func values(all: Bool) -> [Value] {
        let type = type.lowercased()
        var hostile: [Value] = []
        var readable: [Value] = []
        if type.contains("int") {
            hostile = [Value(label: "text", value: "garbage".databaseValue, readable: false),
                       Value(label: "beyond 64 bits", value: 1e20.databaseValue, readable: false)]
        } else if type == "bool" {
            hostile = [Value(label: "text", value: "garbage".databaseValue, readable: false)]
            readable = [Value(label: "t", value: "t".databaseValue, readable: true)]
        } else if type == "datetime" {
            hostile = [Value(label: "text", value: "garbage".databaseValue, readable: false)]
            readable = [Value(label: "PostgreSQL form", value: "2024-01-01 00:00:00+00".databaseValue, readable: true)]
        } else if uuid {
            hostile = [Value(label: "x", value: "x".databaseValue, readable: false)]
        } else if json {
            hostile = [Value(label: "invalid JSON", value: "{not json".databaseValue, readable: false)]
        } else {
            hostile = [Value(label: "bytes", value: Data([0xff, 0xfe, 0x00, 0x41]).databaseValue, readable: false),
                       Value(label: "integer", value: 42.databaseValue, readable: true)]
        }
        if nullable { hostile.append(Value(label: "NULL", value: .null, readable: true)) }
        return all ? hostile + readable : Array(hostile.prefix(1)) + readable
    }

    /// Every column of every table of `database` but SQLite's and GRDB's bookkeeping and the
    /// integer primary keys (SQLite's rowids, which hold nothing but integers).
    static func all(in database: URL) throws -> [CorruptibleColumn] {
        try SidecarDatabase.read(database) { db in
            var columns: [CorruptibleColumn] = []
            let tables = try Row.fetchAll(db, sql: """
                SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name
                """)
            for table in tables {
                let name: String = table["name"]
                let sql: String = table["sql"]
                let info = try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", arguments: [name])
                let primaryKeys = info.filter { ($0["pk"] as Int) > 0 }.count
                for column in info {
                    let columnName: String = column["name"]
                    let type: String = column["type"]
                    if primaryKeys == 1, (column["pk"] as Int) == 1, type.lowercased() == "integer" { continue }
                    columns.append(CorruptibleColumn(
                        table: name, name: columnName, type: type, nullable: (column["notnull"] as Int) == 0,
                        json: sql.contains("JSON_VALID(\"\(columnName)\")")))
                }
            }
            return columns
        }
    }

    /// Writes `value` into the column of every row (row by row, so a unique column keeps the
    /// rows it cannot take twice), with foreign keys and checks off as another program's
    /// writes would be. Returns how many rows took it.
    func write(_ value: DatabaseValue, into database: URL) throws -> Int {
        let queue = try DatabaseQueue(path: database.path)
        defer { try? queue.close() }
        return try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            var changed = 0
            for rowid in try Int64.fetchAll(db, sql: "SELECT rowid FROM \"\(table)\"") {
                do {
                    try db.execute(sql: "UPDATE \"\(table)\" SET \"\(name)\" = ? WHERE rowid = ?", arguments: [value, rowid])
                    changed += db.changesCount
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT || error.resultCode == .SQLITE_MISMATCH {
                    continue
                }
            }
            return changed
        }
    }
}

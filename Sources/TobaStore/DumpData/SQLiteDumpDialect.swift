package import GRDB

/// `import` and `export` on SQLite: `PRAGMA defer_foreign_keys`, the AUTOINCREMENT counters of
/// `sqlite_sequence`, `PRAGMA foreign_key_list` and `foreign_key_check`.
struct SQLiteDumpDialect: DumpDialect {
    func deferForeignKeys(_ db: any SQLConnection) throws {
        try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
    }

    /// The table's AUTOINCREMENT counter is forgotten with its rows (``continueSequences(_:_:)`` sets it again).
    func emptied(_ table: String, _ db: any SQLConnection) throws {
        try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [table])
    }

    let temporarySchema = "temp"
    let temporaryTableOptions = ""

    func foreignKeys(_ db: any SQLConnection) throws -> [DumpForeignKey] {
        try db.fetchRows(sql: """
            SELECT m."name" AS "table", f."from" AS "column", f."table" AS "parent", f."to" AS "parentColumn"
            FROM sqlite_master m JOIN pragma_foreign_key_list(m."name") f
            WHERE m."type" = 'table'
            ORDER BY m."name", f."from"
            """, arguments: []).map { row in
            let parent: String = try row.read("parent")
            // `to` is NULL for a reference to the parent's primary key.
            let parentColumn = try row.read("parentColumn", as: String?.self) ?? SchemaCatalog.tables[parent]?.primaryKey ?? "id"
            return DumpForeignKey(table: try row.read("table"), column: try row.read("column"), parent: parent, parentColumn: parentColumn)
        }
    }

    /// Each AUTOINCREMENT counter of `tables` continues after the table's largest id, also when
    /// it had gone further before (SQLite's counters are part of the transaction).
    func continueSequences(_ tables: Set<String>, _ db: any SQLConnection) throws {
        let counted = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'
            """)
        for table in counted where tables.contains(table) {
            let key = SchemaCatalog.tables[table]?.primaryKey ?? "id"
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [table])
            try db.execute(sql: """
                INSERT INTO sqlite_sequence (name, seq) SELECT ?, MAX("\(key)") FROM "\(table)" HAVING MAX("\(key)") IS NOT NULL
                """, arguments: [table])
        }
    }

    func checkForeignKeys(_ db: any SQLConnection) throws {
        let broken = try db.fetchRows(sql: "PRAGMA foreign_key_check", arguments: [])
        guard !broken.isEmpty else { return }
        let described = try broken.prefix(5).map { row -> String in
            let table: String = try row.read("table")
            let column = try String.fetchOne(db, sql: #"SELECT "from" FROM pragma_foreign_key_list(?) WHERE id = ?"#,
                                             arguments: [table, try row.read("fkid", as: Int64?.self)]) ?? "?"
            let key = DumpForeignKey(table: table, column: column, parent: try row.read("parent"), parentColumn: "")
            // The rowid is the primary key of tables keyed by an integer; others are not named.
            let integerKey = SchemaCatalog.tables[table].flatMap { $0[column: $0.primaryKey] }?.kind == .integer
            return DumpForeignKey.describe(key, row: integerKey ? try row.read("rowid", as: Int64?.self) : nil)
        }
        throw DumpForeignKey.unresolved(described, total: broken.count)
    }

    func commit(_ db: any TransactionalConnection) throws {
        try db.commit()
    }

    func refusal(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError else { return nil }
        return error.message ?? "the database refused the row"
    }

    func sortKey(_ column: ColumnInfo) -> String {
        "\"\(column.name)\""
    }
}

extension DumpImport {
    /// Imports into a SQLite database opened without `AppDatabase` (a bare migrated queue in tests).
    package static func run(
        _ writer: any DatabaseWriter, reader: inout DumpArrayReader, progress: (Int64) -> Void = { _ in }
    ) throws -> DumpImportSummary {
        try writer.writeWithoutTransaction { db in
            try run(SQLiteConnection(db), dialect: SQLiteDumpDialect(), reader: &reader, progress: progress)
        }
    }
}

/// `import` and `export` on PostgreSQL: `SET CONSTRAINTS`, temporary tables dropped at commit,
/// foreign keys from `pg_constraint`, identity sequences moved forward, text sorted as bytes.
struct PostgreSQLDumpDialect: DumpDialect {
    /// The schema's foreign keys are `DEFERRABLE INITIALLY DEFERRED` already (ours and Django's);
    /// this makes sure of it for the transaction.
    func deferForeignKeys(_ db: any SQLConnection) throws {
        try db.execute(sql: "SET CONSTRAINTS ALL DEFERRED")
    }

    /// Identity sequences are not reset with the rows: they only ever move forward.
    func emptied(_ table: String, _ db: any SQLConnection) throws {}

    let temporarySchema = "pg_temp"
    let temporaryTableOptions = " ON COMMIT DROP"

    /// The current schema's single-column foreign keys (`relname` and `attname` sort as bytes).
    func foreignKeys(_ db: any SQLConnection) throws -> [DumpForeignKey] {
        try db.fetchRows(sql: """
            SELECT t."relname" AS "table", a."attname" AS "column", p."relname" AS "parent", pa."attname" AS "parentColumn"
            FROM pg_constraint c
            JOIN pg_class t ON t."oid" = c."conrelid"
            JOIN pg_class p ON p."oid" = c."confrelid"
            JOIN pg_attribute a ON a."attrelid" = c."conrelid" AND a."attnum" = c."conkey"[1]
            JOIN pg_attribute pa ON pa."attrelid" = c."confrelid" AND pa."attnum" = c."confkey"[1]
            WHERE c."contype" = 'f' AND cardinality(c."conkey") = 1
              AND c."connamespace" = (SELECT n."oid" FROM pg_namespace n WHERE n."nspname" = current_schema())
            ORDER BY 1, 2
            """, arguments: []).map { row in
            DumpForeignKey(table: try row.read("table"), column: try row.read("column"),
                           parent: try row.read("parent"), parentColumn: try row.read("parentColumn"))
        }
    }

    /// Every identity sequence moves past its table's largest id, never backwards (another
    /// sidecar may hold ids it drew and has not committed). `setval` is not undone by a
    /// rollback, so this runs last, once the references have been checked.
    func continueSequences(_ tables: Set<String>, _ db: any SQLConnection) throws {
        try PostgreSQLSchema.resetSequences(db)
    }

    /// Checks the deferred foreign keys now (`SET CONSTRAINTS ALL IMMEDIATE`, which checks only
    /// the rows this transaction changed); when one fails, names the references as SQLite's
    /// check does, found by one query per foreign key.
    func checkForeignKeys(_ db: any SQLConnection) throws {
        try db.execute(sql: "SAVEPOINT dump_check")
        do {
            try db.execute(sql: "SET CONSTRAINTS ALL IMMEDIATE")
            try db.execute(sql: "RELEASE SAVEPOINT dump_check")
        } catch let error as PostgreSQLError where error.sqlState == Self.foreignKeyViolation {
            try db.execute(sql: "ROLLBACK TO SAVEPOINT dump_check")
            throw try unresolvedReferences(db) ?? DumpDataError("references that do not resolve: \(error.message)")
        }
    }

    /// A reference that was checked but broke before the commit (another sidecar removed a row
    /// meanwhile) fails here, in the same words.
    func commit(_ db: any TransactionalConnection) throws {
        do {
            try db.commit()
        } catch let error as PostgreSQLError where error.sqlState == Self.foreignKeyViolation {
            throw DumpDataError("references that do not resolve: \(error.message)")
        }
    }

    func refusal(_ error: any Error) -> String? {
        guard let error = error as? PostgreSQLError, !error.connectionLost else { return nil }
        return error.message
    }

    /// Text keys (`django_session.session_key`) in byte order, as SQLite sorts them, whatever
    /// the database's collation: an export is the same on both engines.
    func sortKey(_ column: ColumnInfo) -> String {
        column.kind == .text ? "\"\(column.name)\" COLLATE \"C\"" : "\"\(column.name)\""
    }

    private static let foreignKeyViolation = "23503"

    /// The references that do not resolve (at most five named), or nil when there are none.
    private func unresolvedReferences(_ db: any SQLConnection) throws -> DumpDataError? {
        var described: [String] = []
        var total = 0
        for key in try foreignKeys(db) {
            let missing = #"""
                FROM "\#(key.table)" c WHERE c."\#(key.column)" IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM "\#(key.parent)" p WHERE p."\#(key.parentColumn)" = c."\#(key.column)")
                """#
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) " + missing) ?? 0
            guard count > 0 else { continue }
            total += count
            guard described.count < 5 else { continue }
            let primaryKey = SchemaCatalog.tables[key.table].flatMap { $0[column: $0.primaryKey] }
            if let primaryKey, primaryKey.kind == .integer {
                let rows = try Int64.fetchAll(db, sql: "SELECT c.\"\(primaryKey.name)\" " + missing
                                              + " ORDER BY 1 LIMIT \(5 - described.count)")
                described += rows.map { DumpForeignKey.describe(key, row: $0) }
            } else {
                described += Array(repeating: DumpForeignKey.describe(key, row: nil), count: min(count, 5 - described.count))
            }
        }
        return total == 0 ? nil : DumpForeignKey.unresolved(described, total: total)
    }
}

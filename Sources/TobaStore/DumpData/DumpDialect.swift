/// The few statements of `import` and `export` that SQLite and PostgreSQL spell differently
/// (``SQLiteDumpDialect``, ``PostgreSQLDumpDialect``); everything else runs as written on
/// `any SQLConnection`.
protocol DumpDialect: Sendable {
    /// Foreign keys are checked when the import's transaction ends, not after each statement.
    func deferForeignKeys(_ db: any SQLConnection) throws
    /// Bookkeeping once the rows of `table` were deleted.
    func emptied(_ table: String, _ db: any SQLConnection) throws
    /// The schema temporary tables live in (`temp`, `pg_temp`).
    var temporarySchema: String { get }
    /// What follows a temporary table's column list (PostgreSQL: dropped at commit).
    var temporaryTableOptions: String { get }
    /// Every single-column foreign key of the database's tables, by table and column.
    func foreignKeys(_ db: any SQLConnection) throws -> [DumpForeignKey]
    /// New rows of `tables`, which were given explicit ids, get ids after the largest.
    func continueSequences(_ tables: Set<String>, _ db: any SQLConnection) throws
    /// Fails, naming at most five, when a reference does not resolve.
    func checkForeignKeys(_ db: any SQLConnection) throws
    /// Commits; what the database finds only then fails as a `DumpDataError`.
    func commit(_ db: any TransactionalConnection) throws
    /// The database's words for a statement it refused (a row that breaks a key, a value too
    /// long); nil for a failure that is not the row's (a lost connection).
    func refusal(_ error: any Error) -> String?
    /// `column` as ORDER BY and comparisons sort it: text in byte order on both engines.
    func sortKey(_ column: ColumnInfo) -> String
}

extension DumpDialect {
    /// A temporary table of this transaction, made anew: `columns` is its column list.
    func createTemporaryTable(_ name: String, columns: String, _ db: any SQLConnection) throws {
        try dropTemporaryTable(name, db)
        try db.execute(sql: "CREATE TEMP TABLE \"\(name)\" (\(columns))\(temporaryTableOptions)")
    }

    func dropTemporaryTable(_ name: String, _ db: any SQLConnection) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS \(temporarySchema).\"\(name)\"")
    }
}

/// A foreign key: `table.column` refers to `parent.parentColumn`.
struct DumpForeignKey: Sendable, Equatable {
    let table: String
    let column: String
    let parent: String
    let parentColumn: String

    /// "feedback_feedback.user_id of row 99 refers to a missing users_user row": the row is
    /// named by its key when the table is keyed by an integer.
    static func describe(_ key: DumpForeignKey, row: Int64?) -> String {
        "\(key.table).\(key.column)\(row.map { " of row \($0)" } ?? "") refers to a missing \(key.parent) row"
    }

    /// The error for `described` references that do not resolve, out of `total`.
    static func unresolved(_ described: [String], total: Int) -> DumpDataError {
        let more = total > described.count ? " (and \(total - described.count) more)" : ""
        return DumpDataError("references that do not resolve: " + described.joined(separator: "; ") + more)
    }
}

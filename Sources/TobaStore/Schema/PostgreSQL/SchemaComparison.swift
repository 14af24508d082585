/// The tables a PostgreSQL database already has, compared with the schema (`SchemaCatalog` for
/// columns, `PostgreSQLSchema.tables` for identities and what may be created): a pure function of
/// `information_schema` rows, so that `migrate` decides by it and the tests can drive it.
///
/// A database is adopted when every column of every table is there with a type the service
/// reads and writes, the same nullability, a default on each identity id, and no extra column
/// that an insert of ours would leave NULL against a `NOT NULL`.
struct SchemaComparison: Sendable {
    /// Tables of the schema the database lacks, in creation order.
    let absentTables: [String]
    /// What is wrong with the tables that exist.
    let mismatches: [SchemaMismatch]
    /// None of the schema's Django tables exists (only our bookkeeping tables may): the schema
    /// is to be created, not adopted.
    let isFresh: Bool

    /// Why `migrate` must refuse the database: every mismatch, and, unless the database is
    /// fresh, every absent table that is not ours to create.
    var refusals: [SchemaMismatch] {
        guard !isFresh else { return mismatches }
        let creatable = Set(PostgreSQLSchema.tables.filter(\.createdWhenMissing).map(\.name))
        let missing = absentTables.filter { !creatable.contains($0) }
        return missing.map { SchemaMismatch(table: $0, problem: .tableMissing) } + mismatches
    }

    init(found: [ExistingColumn]) {
        let byTable = Dictionary(grouping: found, by: \.table)
        var absent: [String] = []
        var mismatches: [SchemaMismatch] = []
        for table in PostgreSQLSchema.tables {
            guard let columns = byTable[table.name] else {
                absent.append(table.name)
                continue
            }
            mismatches += Self.compare(table, SchemaCatalog.table(table.name), columns)
        }
        absentTables = absent
        self.mismatches = mismatches
        isFresh = PostgreSQLSchema.tables.allSatisfy { $0.createdWhenMissing || byTable[$0.name] == nil }
    }

    private static func compare(_ table: PostgreSQLTable, _ info: TableInfo, _ found: [ExistingColumn]) -> [SchemaMismatch] {
        let byName = Dictionary(found.map { ($0.column, $0) }, uniquingKeysWith: { first, _ in first })
        var mismatches: [SchemaMismatch] = []
        func refuse(_ column: String, _ problem: SchemaMismatch.Problem) {
            mismatches.append(SchemaMismatch(table: info.name, column: column, problem: problem))
        }
        for expected in info.columns {
            guard let column = byName[expected.name] else {
                refuse(expected.name, .columnMissing)
                continue
            }
            if !expected.accepts(column) {
                refuse(expected.name, .type(expected: expected.postgreSQLType, found: column.typeDescription))
            } else if column.isNullable != expected.nullable {
                refuse(expected.name, .nullability(expectedNullable: expected.nullable))
            } else if expected.name == table.identity, !column.hasDefault {
                refuse(expected.name, .noIdentityDefault)
            }
        }
        for column in found where info[column: column.column] == nil && !column.isNullable && !column.hasDefault {
            refuse(column.column, .unknownRequired)
        }
        return mismatches
    }
}

extension ColumnInfo {
    /// The type `PostgreSQLSchema` creates a column of this kind in (the first one `accepts`), for messages.
    var postgreSQLType: String {
        switch kind {
        case .integer: "integer"
        case .text: maxLength.map { "character varying(\($0))" } ?? "text"
        case .bool: "boolean"
        case .timestamp: "timestamp with time zone"
        case .uuid: "uuid"
        case .json: "jsonb"
        case .inet: "inet"
        }
    }

    /// Whether a column found in the database holds every value of this column the service writes,
    /// and reads back as this kind. Integers of any width (Django's `smallint`, `integer` and
    /// `bigint` fields); text unlimited or at least as long as the schema's `varchar(n)`; JSON as
    /// `jsonb`, `json` or text (Django's older JSON fields, and the document's own `TEXT`).
    func accepts(_ column: ExistingColumn) -> Bool {
        switch kind {
        case .integer: ["smallint", "integer", "bigint"].contains(column.dataType)
        case .text: column.dataType == "text" || textFits(column)
        case .bool: column.dataType == "boolean"
        case .timestamp: column.dataType == "timestamp with time zone"
        case .uuid: column.dataType == "uuid"
        case .json: ["jsonb", "json", "text"].contains(column.dataType)
        case .inet: column.dataType == "inet"
        }
    }

    private func textFits(_ column: ExistingColumn) -> Bool {
        guard column.dataType == "character varying" || column.dataType == "character" else { return false }
        guard let found = column.maxLength else { return true }
        guard let maxLength else { return false }
        return found >= maxLength
    }
}

extension ExistingColumn {
    /// `character varying(100)`, `integer`: the found type as a message names it.
    var typeDescription: String {
        maxLength.map { "\(dataType)(\($0))" } ?? dataType
    }
}

/// A column of a table the database already has, as `information_schema.columns` describes it:
/// what `SchemaComparison` needs to decide whether the service can use the table.
struct ExistingColumn: Sendable, Equatable {
    let table: String
    let column: String
    /// `information_schema.columns.data_type`: `integer`, `character varying`, `jsonb`, …
    let dataType: String
    let isNullable: Bool
    /// `character_maximum_length`: n of `varchar(n)` or `char(n)`; nil for any other type.
    let maxLength: Int?
    /// Filled in when an insert leaves it out: an identity, a serial's `nextval(…)` default, any
    /// other default, or a generated column.
    let hasDefault: Bool
}

extension PostgreSQLSchema {
    /// The columns of the schema's tables that exist in the current schema (`search_path`), in
    /// table order. Casts keep `information_schema`'s domain types out of the engine's decoding.
    static func existingColumns(_ db: any SQLConnection) throws -> [ExistingColumn] {
        let names = tables.map { "'\($0.name)'" }.joined(separator: ", ")
        let rows = try db.fetchRows(sql: """
            SELECT c.table_name::text AS "table", c.column_name::text AS "column", c.data_type::text AS "type",
                   c.is_nullable = 'YES' AS "nullable", c.character_maximum_length::integer AS "length",
                   (c.is_identity = 'YES' OR c.column_default IS NOT NULL OR c.is_generated = 'ALWAYS') AS "filled"
            FROM information_schema.columns AS c
            JOIN information_schema.tables AS t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name IN (\(names))
            ORDER BY c.table_name, c.ordinal_position
            """, arguments: [])
        return try rows.map { row in
            ExistingColumn(
                table: try row.read("table"), column: try row.read("column"), dataType: try row.read("type"),
                isNullable: try row.read("nullable"), maxLength: try row.read("length"),
                hasDefault: try row.read("filled"))
        }
    }
}

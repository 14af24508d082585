import Foundation
import Testing
@testable import TobaStore

/// The PostgreSQL DDL against the catalog, and the adoption check over `information_schema` rows,
/// without a server (the statements themselves were run on PostgreSQL 15, see protocol/storage.md).
@Suite struct PostgreSQLSchemaTests {
    @Test func everyCatalogTableHasOneDefinition() {
        let names = PostgreSQLSchema.tables.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Set(names) == Set(SchemaCatalog.tables.keys))
    }

    @Test func columnsAreTheCatalogsInOrderWithTheMappedTypes() {
        for table in PostgreSQLSchema.tables {
            let info = SchemaCatalog.table(table.name)
            let declared = DeclaredColumn.parse(table)
            #expect(declared.map(\.name) == info.columns.map(\.name), "\(table.name)")
            for column in declared {
                guard let expected = info[column: column.name] else { continue }
                #expect(column.type == Self.mappedType(expected, in: table.name), "\(table.name).\(column.name)")
                #expect(column.nullable == expected.nullable, "\(table.name).\(column.name)")
                #expect(expected.accepts(column.asFound), "\(table.name).\(column.name): adoption refuses our own type")
            }
        }
    }

    @Test func identitiesAreTheGeneratedPrimaryKeys() {
        for table in PostgreSQLSchema.tables {
            let generated = DeclaredColumn.parse(table).filter(\.isIdentity).map(\.name)
            #expect(generated == (table.identity.map { [$0] } ?? []), "\(table.name)")
            if let identity = table.identity {
                #expect(SchemaCatalog.table(table.name).primaryKey == identity)
            }
        }
        #expect(PostgreSQLSchema.tables.first { $0.name == "landing_swiper" }?.identity == "order")
    }

    @Test func statementsRunOneAtATimeWithoutPlaceholders() {
        let statements = PostgreSQLSchema.tables.flatMap { $0.create + $0.foreignKeys } + PostgreSQLSchema.resetSequenceStatements
        #expect(statements.count == 132 + 29)
        for statement in statements {
            #expect(!statement.contains(";"), "\(statement)")
            #expect(!statement.contains("?"), "\(statement)")
        }
    }

    @Test func foreignKeysAreDeferredAndAddedOnceEveryTableExists() {
        for table in PostgreSQLSchema.tables {
            #expect(!table.create.contains { $0.contains("REFERENCES") }, "\(table.name)")
            for statement in table.foreignKeys {
                #expect(statement.hasPrefix("ALTER TABLE \"\(table.name)\""))
                #expect(statement.hasSuffix("REFERENCES \"\(Self.referenced(statement))\" (\"id\") DEFERRABLE INITIALLY DEFERRED"))
            }
        }
    }

    @Test func onlyOurBookkeepingTablesAreCreatedIfMissing() {
        let creatable = PostgreSQLSchema.tables.filter(\.createdWhenMissing).map(\.name)
        #expect(creatable == ["django_migrations", "toba_idempotency"])
        for table in PostgreSQLSchema.tables where table.createdWhenMissing {
            #expect(table.create.allSatisfy { $0.contains("IF NOT EXISTS") }, "\(table.name)")
        }
    }

    @Test func sequencesAreResetForEveryIdentityTableOnly() {
        let statements = PostgreSQLSchema.resetSequenceStatements
        #expect(statements.count == PostgreSQLSchema.tables.filter { $0.identity != nil }.count)
        #expect(statements.contains { $0.contains(#"pg_get_serial_sequence('"landing_swiper"', 'order')"#) })
        #expect(!statements.contains { $0.contains("users_user_profile") || $0.contains("django_session") })
    }

    // MARK: adoption

    @Test func anEmptyDatabaseIsFresh() {
        let comparison = SchemaComparison(found: [])
        #expect(comparison.isFresh)
        #expect(comparison.refusals.isEmpty)
        #expect(comparison.absentTables == PostgreSQLSchema.tables.map(\.name))
    }

    @Test func aDatabaseWithOnlyDjangoMigrationsIsFresh() {
        let comparison = SchemaComparison(found: Self.found(["django_migrations"]))
        #expect(comparison.isFresh)
        #expect(comparison.refusals.isEmpty)
        #expect(!comparison.absentTables.contains("django_migrations"))
    }

    @Test func theSchemaAsCreatedIsAdopted() {
        let comparison = SchemaComparison(found: Self.found())
        #expect(!comparison.isFresh)
        #expect(comparison.absentTables.isEmpty)
        #expect(comparison.refusals.isEmpty)
    }

    @Test func aDjangoDatabaseWithoutOurTableIsAdoptedAndGetsIt() {
        let comparison = SchemaComparison(found: Self.found().filter { $0.table != "toba_idempotency" })
        #expect(comparison.refusals.isEmpty)
        #expect(comparison.absentTables == ["toba_idempotency"])
    }

    @Test func aMissingDjangoTableIsRefusedByName() {
        let comparison = SchemaComparison(found: Self.found().filter { $0.table != "store_product" })
        #expect(comparison.refusals.map(\.description) == [#"table "store_product" is missing"#])
    }

    @Test func aColumnOfAnotherTypeIsRefusedByName() {
        let found = Self.found(replacing: "users_user", "email") { _ in Self.column("users_user", "email", "integer") }
        #expect(SchemaComparison(found: found).refusals.map(\.description) == [
            #"table "users_user" column "email": expected character varying(254), found integer"#,
        ])
    }

    @Test func textTooShortIsRefusedAndLongerTextIsAdopted() {
        let short = Self.found(replacing: "users_user", "email") { _ in
            Self.column("users_user", "email", "character varying", length: 100)
        }
        #expect(SchemaComparison(found: short).refusals.map(\.description) == [
            #"table "users_user" column "email": expected character varying(254), found character varying(100)"#,
        ])
        for (type, length) in [("character varying", 300), ("character varying", nil), ("text", nil)] as [(String, Int?)] {
            let wide = Self.found(replacing: "users_user", "email") { _ in
                Self.column("users_user", "email", type, length: length)
            }
            #expect(SchemaComparison(found: wide).refusals.isEmpty, "\(type)")
        }
        let narrowed = Self.found(replacing: "django_session", "session_data") { _ in
            Self.column("django_session", "session_data", "character varying", length: 4000)
        }
        #expect(SchemaComparison(found: narrowed).refusals.map(\.description) == [
            #"table "django_session" column "session_data": expected text, found character varying(4000)"#,
        ])
    }

    @Test func djangosOtherFieldTypesAreAdopted() {
        var found = Self.found(replacing: "store_product", "id") { _ in
            ExistingColumn(table: "store_product", column: "id", dataType: "bigint", isNullable: false, maxLength: nil,
                           hasDefault: true)
        }
        found = found.map { column in
            guard column.table == "store_product", column.column == "extra_data" else { return column }
            return Self.column("store_product", "extra_data", "text", nullable: true)
        }
        #expect(SchemaComparison(found: found).refusals.isEmpty)
    }

    @Test func nullabilityMustMatch() {
        let found = Self.found(replacing: "users_user", "last_login") { _ in
            Self.column("users_user", "last_login", "timestamp with time zone", nullable: false)
        }
        #expect(SchemaComparison(found: found).refusals.map(\.description) == [
            #"table "users_user" column "last_login": expected NULL allowed, found NOT NULL"#,
        ])
    }

    @Test func aMissingColumnIsRefusedByName() {
        let found = Self.found().filter { !($0.table == "vouchers_invitation" && $0.column == "code_l") }
        #expect(SchemaComparison(found: found).refusals.map(\.description) == [
            #"table "vouchers_invitation" column "code_l" is missing"#,
        ])
    }

    @Test func anIdentityWithoutADefaultIsRefused() {
        let found = Self.found(replacing: "auth_group", "id") { _ in Self.column("auth_group", "id", "integer") }
        #expect(SchemaComparison(found: found).refusals.map(\.description) == [
            #"table "auth_group" column "id": expected an identity or serial default, found none"#,
        ])
    }

    @Test func anExtraColumnIsRefusedOnlyWhenOurInsertsWouldFail() {
        let optional = Self.found() + [Self.column("users_user", "nickname", "text", nullable: true)]
        #expect(SchemaComparison(found: optional).refusals.isEmpty)
        let defaulted = Self.found() + [
            ExistingColumn(table: "users_user", column: "tier", dataType: "integer", isNullable: false, maxLength: nil,
                           hasDefault: true),
        ]
        #expect(SchemaComparison(found: defaulted).refusals.isEmpty)
        let required = Self.found() + [Self.column("users_user", "username", "character varying", length: 150)]
        #expect(SchemaComparison(found: required).refusals.map(\.description) == [
            #"table "users_user" column "username" is not in the schema and is NOT NULL without a default"#,
        ])
    }

    @Test func theErrorNamesEveryMismatch() {
        let found = Self.found()
            .filter { $0.table != "feedback_feedback" }
            .map { $0.table == "payments_product" && $0.column == "id" ? Self.column("payments_product", "id", "integer") : $0 }
        let error = PostgreSQLSchemaError(mismatches: SchemaComparison(found: found).refusals)
        #expect(error.reason == "schema_mismatch")
        #expect(error.description.hasSuffix(
            #"left unchanged: table "feedback_feedback" is missing; table "payments_product" column "id": expected uuid, found integer"#))
    }

    // MARK: helpers

    /// `information_schema.columns` as PostgreSQL reports the schema's own DDL (of `tables`, or all).
    static func found(_ tables: Set<String>? = nil) -> [ExistingColumn] {
        PostgreSQLSchema.tables
            .filter { tables?.contains($0.name) ?? true }
            .flatMap { table in DeclaredColumn.parse(table).map(\.asFound) }
    }

    static func found(replacing table: String, _ column: String, with make: (ExistingColumn) -> ExistingColumn) -> [ExistingColumn] {
        found().map { $0.table == table && $0.column == column ? make($0) : $0 }
    }

    static func column(_ table: String, _ column: String, _ type: String, length: Int? = nil, nullable: Bool = false) -> ExistingColumn {
        ExistingColumn(table: table, column: column, dataType: type, isNullable: nullable, maxLength: length, hasDefault: false)
    }

    /// The type Django's PostgreSQL backend gives a column of the catalog's kind; JSON kept as
    /// text where the document says TEXT (`socialaccount_socialaccount.extra_data`) or where the
    /// bytes must survive (`toba_idempotency.result`).
    static func mappedType(_ column: ColumnInfo, in table: String) -> String {
        switch column.kind {
        case .integer:
            if table == "push_notifications_gcmdevice", column.name == "device_id" { return "bigint" }
            if table == "django_admin_log", column.name == "action_flag" { return "smallint" }
            return "integer"
        case .text: return column.maxLength.map { "varchar(\($0))" } ?? "text"
        case .bool: return "boolean"
        case .timestamp: return "timestamp with time zone"
        case .uuid: return "uuid"
        case .json: return ["socialaccount_socialaccount", "toba_idempotency"].contains(table) ? "text" : "jsonb"
        case .inet: return "inet"
        }
    }

    static func referenced(_ statement: String) -> String {
        let after = statement.components(separatedBy: #"REFERENCES ""#).last ?? ""
        return String(after.prefix { $0 != "\"" })
    }
}

/// A column line of a `CREATE TABLE` statement: `"name" type NULL|NOT NULL …`.
private struct DeclaredColumn {
    let table: String
    let name: String
    let type: String
    let nullable: Bool
    let isIdentity: Bool

    static func parse(_ table: PostgreSQLTable) -> [DeclaredColumn] {
        let lines = table.create[0].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.filter { $0.hasPrefix("\"") }.map { line in
            let name = String(line.dropFirst().prefix { $0 != "\"" })
            let rest = line.dropFirst(name.count + 3)
            let type = rest.components(separatedBy: " NOT NULL")[0].components(separatedBy: " NULL")[0]
            return DeclaredColumn(
                table: table.name, name: name, type: type, nullable: !rest.contains("NOT NULL"),
                isIdentity: rest.contains("GENERATED BY DEFAULT AS IDENTITY"))
        }
    }

    /// How `information_schema.columns` reports it.
    var asFound: ExistingColumn {
        let (dataType, length): (String, Int?) =
            if type.hasPrefix("varchar(") { ("character varying", Int(type.dropFirst(8).dropLast())) } else { (type, nil) }
        return ExistingColumn(
            table: table, column: name, dataType: dataType, isNullable: nullable, maxLength: length, hasDefault: isIdentity)
    }
}

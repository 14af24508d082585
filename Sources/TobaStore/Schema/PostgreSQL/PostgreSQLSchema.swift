/// The schema on PostgreSQL (PROTOCOL.md §10): every table of migration `0001_initial`, with the
/// same names, columns in the same order, keys, checks and indexes, in the schema document's own
/// types, as Django 5.2's PostgreSQL backend creates them (generated with Django and kept as
/// strings, like the SQLite DDL): identity ids, `timestamp with time zone`, `uuid`, `jsonb`,
/// `inet`, `boolean`, `varchar(n)`, foreign keys `DEFERRABLE INITIALLY DEFERRED`, and the
/// `varchar_pattern_ops` `_like` indexes Django adds to indexed text columns.
///
/// Statements run one at a time (the extended protocol takes one per message), without
/// placeholders in DDL. Frozen once shipped, like the SQLite migration it mirrors.
package enum PostgreSQLSchema {
    /// What `migrate` found.
    package enum Outcome: Sendable, Equatable {
        /// None of the schema's Django tables existed: every table was created.
        case created
        /// The tables existed (made by Django) and match the schema: adopted and seeded.
        case adopted
        /// This migration was applied before: only checked (and our own missing tables made).
        case upToDate
    }

    /// The name `toba_register`'s migration is recorded under in `django_migrations`: the
    /// PostgreSQL tables here are the state that SQLite's `0001_initial` leaves.
    static let tobaMigration = "0001_initial"

    /// Every table, in creation order.
    static let tables: [PostgreSQLTable] =
        djangoTables + accountTables + socialTables + deviceTables + commerceTables + contentTables + [idempotencyTable]

    /// Creates the schema in a database that has none of its Django tables, or adopts one whose
    /// tables and columns match (`SchemaComparison`), creating only our own bookkeeping tables it
    /// lacks; never drops, alters or rewrites what is there. Records the migrations in
    /// `django_migrations` (each once), then calls `seed`, which must insert only the seed rows
    /// that are missing, then moves every identity sequence past the ids seeded or found.
    ///
    /// Run it inside one transaction that holds the migration advisory lock, so that sidecars
    /// starting together on one database migrate one after another and a failure changes nothing.
    /// - Throws: `PostgreSQLSchemaError` naming each table or column that does not match.
    @discardableResult
    package static func migrate(_ db: any SQLConnection, seed: (any SQLConnection) throws -> Void) throws -> Outcome {
        let comparison = SchemaComparison(found: try existingColumns(db))
        guard comparison.refusals.isEmpty else { throw PostgreSQLSchemaError(mismatches: comparison.refusals) }
        let migratedBefore = try isRecorded(db)

        let absent = Set(comparison.absentTables)
        let missing = tables.filter { absent.contains($0.name) }
        for statement in missing.flatMap(\.create) + missing.flatMap(\.foreignKeys) {
            try db.execute(sql: statement)
        }
        if comparison.isFresh {
            for migration in InitialMigration.mirroredMigrations {
                try record(db, app: migration.app, name: migration.name)
            }
        }
        guard !migratedBefore else { return .upToDate }
        // Seeded once, when the schema is created or adopted: later the operator's rows (a
        // dump imported without some seed rows, a group deleted) stay as they are, as on SQLite.
        try record(db, app: DjangoMigrations.tobaApp, name: tobaMigration)
        try seed(db)
        try resetSequences(db)
        return comparison.isFresh ? .created : .adopted
    }

    /// Whether `toba_register 0001_initial` is already recorded (`django_migrations` may not exist yet).
    private static func isRecorded(_ db: any SQLConnection) throws -> Bool {
        let table = try String.fetchOne(db, sql: "SELECT to_regclass('django_migrations')::text")
        guard table != nil else { return false }
        return try Bool.fetchOne(db, sql: #"SELECT EXISTS (SELECT 1 FROM "django_migrations" WHERE "app" = ? AND "name" = ?)"#,
                                 arguments: [DjangoMigrations.tobaApp, tobaMigration]) ?? false
    }

    /// One statement per table with an identity, each moving its sequence past the table's highest
    /// id (never backwards). Run them after inserting explicit ids, as a dump import does.
    package static var resetSequenceStatements: [String] {
        tables.compactMap(\.resetSequence)
    }

    package static func resetSequences(_ db: any SQLConnection) throws {
        for statement in resetSequenceStatements {
            _ = try db.fetchRows(sql: statement, arguments: [])
        }
    }

    /// Adds `app`/`name` to `django_migrations` unless it is there already, stamped with the
    /// transaction's time as Django stamps it.
    private static func record(_ db: any SQLConnection, app: String, name: String) throws {
        let recorded = try db.fetchFirstRow(
            sql: #"SELECT 1 FROM "django_migrations" WHERE "app" = ? AND "name" = ?"#, arguments: [app, name])
        guard recorded == nil else { return }
        try db.execute(
            sql: #"INSERT INTO "django_migrations" ("app", "name", "applied") VALUES (?, ?, now())"#,
            arguments: [app, name])
    }

    /// `toba_idempotency` (ours alone, see `InitialMigration`). `result` is `text`, not `jsonb`:
    /// a replayed answer must repeat the first one byte for byte, and `jsonb` reorders keys and
    /// respells numbers. `params_hash` is `varchar(64)`: `char(n)` pads, and Django never makes it.
    static let idempotencyTable = PostgreSQLTable("toba_idempotency", createdWhenMissing: true, create: [
        """
        CREATE TABLE IF NOT EXISTS "toba_idempotency" (
            "id" integer NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
            "key" varchar(255) NOT NULL,
            "method" varchar(100) NOT NULL,
            "user_id" integer NULL,
            "params_hash" varchar(64) NOT NULL,
            "result" text NOT NULL,
            "created_at" timestamp with time zone NOT NULL
        )
        """,
        """
        CREATE UNIQUE INDEX IF NOT EXISTS "toba_idempotency_key_method_user_id_uniq"
            ON "toba_idempotency" ("key", "method", COALESCE("user_id", 0))
        """,
        #"CREATE INDEX IF NOT EXISTS "toba_idempotency_created_at_idx" ON "toba_idempotency" ("created_at")"#,
    ])
}

import GRDB

/// Migrating a PostgreSQL database: creates the schema in PostgreSQL's own types, or adopts one
/// that Django made for these apps, then adds the seed rows that are missing. The applied
/// migrations of app `toba_register` are the schema version, as on SQLite.
enum PostgreSQLMigration {
    static func run(_ connection: PostgreSQLConnection) throws {
        // One migration at a time across every sidecar starting on the same database.
        try connection.inTransaction(.write) {
            try connection.execute(sql: "SELECT pg_advisory_xact_lock(7261726567697374)")
            // Checked before anything is touched: a newer release's schema is not ours to adopt.
            if try String.fetchOne(connection, sql: "SELECT to_regclass('django_migrations')::text") != nil {
                let known = Set(Schema.migrator.migrations)
                let applied = try String.fetchAll(connection, sql: #"SELECT "name" FROM "django_migrations" WHERE "app" = ?"#,
                                                  arguments: [DjangoMigrations.tobaApp])
                if applied.contains(where: { !known.contains($0) }) { throw StoreError.newerSchema }
            }
            try PostgreSQLSchema.migrate(connection, seed: InitialMigration.seed)
        }
    }

    /// The number of migrations of app `toba_register` recorded in `django_migrations`.
    static func appliedCount(_ db: any SQLConnection) throws -> Int {
        try Int.fetchOne(db, sql: #"SELECT COUNT(*) FROM "django_migrations" WHERE "app" = ?"#,
                         arguments: [DjangoMigrations.tobaApp]) ?? 0
    }
}

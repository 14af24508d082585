package import GRDB

/// The storage schema: Django's tables as Django lays them out on SQLite, so that a Django project
/// with the same models can open the same file (PROTOCOL.md §10).
package enum Schema {
    /// Every migration, registered once, never edited after it ships (schema as SQL strings, not
    /// derived from app types). Each one also records itself in `django_migrations`.
    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerTobaMigration("0001_initial", migrate: InitialMigration.migrate)
        return migrator
    }

    /// Number of migrations = the schema version reported by system.health.
    package static var version: Int { migrator.migrations.count }
}

extension DatabaseMigrator {
    /// Registers a migration of app `toba_register`: GRDB knows it by `identifier`, Django by the
    /// row this adds to `django_migrations` (app `toba_register`, name `identifier`).
    mutating func registerTobaMigration(
        _ identifier: String,
        migrate: @escaping @Sendable (Database) throws -> Void
    ) {
        registerMigration(identifier) { db in
            try migrate(db)
            try DjangoMigrations.record(db, app: DjangoMigrations.tobaApp, name: identifier)
        }
    }
}

/// Rows of `django_migrations`: what Django reads to decide which migrations it has applied.
enum DjangoMigrations {
    static let tobaApp = "toba_register"

    /// Records one applied migration, stamped with the current time in Django's storage format.
    static func record(_ db: Database, app: String, name: String, applied: Timestamp = .now()) throws {
        try db.execute(
            sql: #"INSERT INTO "django_migrations" ("app", "name", "applied") VALUES (?, ?, ?)"#,
            arguments: [app, name, applied.databaseText]
        )
    }
}

import Foundation
import Testing
import TobaRPC

/// §7 and §10 on PostgreSQL only: a sidecar that loses its server answers `storage_unavailable`
/// (and nothing it answered so was applied), stays up, and serves again once the server is back;
/// `migrate` adopts or refuses an existing database without touching its data.
@Suite(.enabled(if: TestBackend.isPostgreSQL, "the PostgreSQL pass (scripts/test.sh)"))
struct PostgreSQLServerTests {
    private static func databaseName(_ url: String) -> String { String(url[url.index(after: url.lastIndex(of: "/")!)...]) }

    /// Ends the sidecar's session from the server side, as a restart or an operator does, and
    /// refuses new ones until `allow` is called.
    private static func cut(_ database: String, allowConnections: Bool) throws {
        let server = try #require(TestBackend.postgresURL)
        let name = databaseName(database)
        try TestBackend.psql(server, "ALTER DATABASE \(name) ALLOW_CONNECTIONS \(allowConnections)")
        if !allowConnections {
            try TestBackend.psql(server, """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = '\(name)' AND application_name = 'toba-register'
                """)
        }
    }

    @Test func aLostServerIsAnsweredUnavailableAndServedAgainOnceBack() throws {
        let sidecar = try Sidecar()
        let database = try #require(sidecar.databaseLocation)
        _ = try sidecar.result("user.register", ["email": "before@example.com", "password": "a long passphrase"])

        try Self.cut(database, allowConnections: false)
        let during = try sidecar.call("user.register", ["email": "during@example.com", "password": "a long passphrase"])
        #expect(during["error"]?["code"] == 1008)
        #expect(during.errorReason == "storage_unavailable")
        #expect(during["error"]?["data"]?["retryAfterSeconds"] == 1)
        let read = try sidecar.call("category.list")
        #expect(read.errorReason == "storage_unavailable", "a read fails the same way, at once")

        try Self.cut(database, allowConnections: true)
        // Reconnecting follows a backoff of at most 5 s.
        var health: JSONValue = .null
        for _ in 0..<40 {
            health = try sidecar.call("system.health")
            if health["result"] != nil { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        #expect(health["result"]?["status"] == "ok")
        // What was answered success stayed; what was answered unavailable never happened.
        #expect(try sidecar.call("user.register", ["email": "before@example.com", "password": "a long passphrase"]).errorReason == "email_taken")
        _ = try sidecar.result("user.register", ["email": "during@example.com", "password": "a long passphrase"])
        #expect(try sidecar.finish() == 0)
        #expect(sidecar.stderrText.contains("lost the connection to PostgreSQL"))
        #expect(!sidecar.stderrText.contains("passphrase"))
        #expect(!sidecar.stderrText.contains(":toba@"), "the URL's password is never logged")
    }

    @Test func migrateTwiceChangesNothingAndKeepsTheData() throws {
        let directory = try Sidecar.makeDirectory()
        let database = try TestBackend.freshDatabase()
        let sidecar = try Sidecar(arguments: ["--db", database], directory: directory)
        _ = try sidecar.result("user.register", ["email": "kept@example.com", "password": "a long passphrase"])
        #expect(try sidecar.finish() == 0)
        let migrated = try Sidecar.run(["migrate", "--db", database], directory: directory)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM users_user") == 1)
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM django_migrations WHERE app = 'toba_register'") == 1)
    }

    @Test func migrateRefusesATableThatDoesNotMatchAndChangesNothing() throws {
        let directory = try Sidecar.makeDirectory()
        let database = try TestBackend.freshDatabase()
        // Django's table, but `email` is not the text column this schema reads.
        try TestBackend.psql(database, "CREATE TABLE users_user (id integer PRIMARY KEY, email integer, kept text)")
        try TestBackend.psql(database, "INSERT INTO users_user VALUES (1, 7, 'data')")
        let migrated = try Sidecar.run(["migrate", "--db", database], directory: directory)
        #expect(migrated.status == 1)
        #expect(migrated.stderr.contains("users_user"))
        #expect(!migrated.stderr.contains(":toba@"), "the URL's password is never shown")
        #expect(try TestBackend.psql(database, "SELECT kept FROM users_user") == "data")
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'") == 1)
    }

    @Test func migrateAdoptsADatabaseDjangoMadeAndKeepsItsRows() throws {
        let directory = try Sidecar.makeDirectory()
        let database = try TestBackend.freshDatabase()
        // Made as our schema, then stripped of what only toba-register adds: what Django leaves.
        #expect(try Sidecar.run(["migrate", "--db", database], directory: directory).status == 0)
        try TestBackend.psql(database, "DROP TABLE toba_idempotency")
        try TestBackend.psql(database, "DELETE FROM django_migrations WHERE app = 'toba_register'")
        try TestBackend.psql(database, "INSERT INTO auth_group (name) VALUES ('editors')")

        let sidecar = try Sidecar(arguments: ["--db", database], directory: directory)
        _ = try sidecar.result("user.register", ["email": "adopted@example.com", "password": "a long passphrase"])
        #expect(try sidecar.finish() == 0)
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM auth_group WHERE name = 'editors'") == 1)
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM auth_group WHERE name IN ('admin', 'trial', 'paid')") == 3)
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM django_migrations WHERE app = 'toba_register'") == 1)
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'toba_idempotency'") == 1)
    }

    @Test func aDatabaseANewerReleaseMigratedIsRefusedAndLeftAlone() throws {
        let directory = try Sidecar.makeDirectory()
        let database = try TestBackend.freshDatabase()
        #expect(try Sidecar.run(["migrate", "--db", database], directory: directory).status == 0)
        try TestBackend.psql(database, "INSERT INTO django_migrations (app, name, applied) VALUES ('toba_register', '0099_future', now())")
        try TestBackend.psql(database, "DROP TABLE toba_idempotency")
        let migrated = try Sidecar.run(["migrate", "--db", database], directory: directory)
        #expect(migrated.status == 1)
        #expect(migrated.stderr.contains("newer release"), "\(migrated.stderr)")
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'toba_idempotency'") == 0,
                "nothing was created")
    }

    @Test func withoutAKeyFileTheServiceRefusesToStart() throws {
        let directory = try Sidecar.makeDirectory()
        let database = try TestBackend.freshDatabase()
        let bare = try Sidecar.run(["serve", "--db", database], directory: directory)
        #expect(bare.status != 0)
        #expect(bare.stderr.contains("--secret-key-file"))
    }
}

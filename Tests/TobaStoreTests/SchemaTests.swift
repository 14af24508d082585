import Foundation
import GRDB
import Testing
@testable import TobaStore

/// A fresh in-memory database migrated to the current schema.
enum MigratedDatabase {
    static func make() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try Schema.migrator.migrate(queue)
        return queue
    }

    /// The schema's tables, without SQLite's and GRDB's own.
    static func tableNames(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
            ORDER BY name
            """)
    }

    static func insertUser(_ db: Database, email: String) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO "users_user" ("password", "last_login", "is_superuser", "first_name", "last_name",
                                          "is_staff", "is_active", "date_joined", "email")
                VALUES ('!', NULL, 0, '', '', 0, 1, '2026-01-01 00:00:00.000000', ?)
                """,
            arguments: [email])
        return db.lastInsertedRowID
    }
}

@Suite struct SchemaMigrationTests {
    @Test func migratingTwiceChangesNothing() throws {
        // Given a migrated database
        let queue = try MigratedDatabase.make()
        let snapshot = { (db: Database) throws -> [String] in
            try String.fetchAll(db, sql: "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name")
                + String.fetchAll(db, sql: "SELECT app || ' ' || name || ' ' || applied FROM django_migrations ORDER BY id")
                + [String(try Int.fetchOne(db, sql: "SELECT count(*) FROM auth_permission") ?? -1)]
        }
        let before = try queue.read(snapshot)

        // When it is migrated again
        try Schema.migrator.migrate(queue)

        // Then schema and rows are the same
        let after = try queue.read(snapshot)
        #expect(before == after)
        let (completed, applied) = try queue.read { db in
            (try Schema.migrator.hasCompletedMigrations(db), try Schema.migrator.appliedIdentifiers(db))
        }
        #expect(completed)
        #expect(applied.count == Schema.version)
    }

    @Test func versionCountsTheRegisteredMigrations() {
        #expect(Schema.version == Schema.migrator.migrations.count)
        #expect(Schema.migrator.migrations.first == "0001_initial")
    }

    @Test func everyForeignKeyHolds() throws {
        let queue = try MigratedDatabase.make()
        let (violations, integrity) = try queue.read { db in
            (try Row.fetchAll(db, sql: "PRAGMA foreign_key_check"), try String.fetchOne(db, sql: "PRAGMA integrity_check"))
        }
        #expect(violations.isEmpty)
        #expect(integrity == "ok")
    }

    @Test func foreignKeysAreDjangoStyleDeferred() throws {
        let queue = try MigratedDatabase.make()
        try queue.read { db in
            for table in try MigratedDatabase.tableNames(db) {
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? ""
                let references = sql.components(separatedBy: "REFERENCES").count - 1
                let deferred = sql.components(separatedBy: "DEFERRABLE INITIALLY DEFERRED").count - 1
                #expect(references == deferred, "\(table)")
            }
        }
    }

    @Test func everyForeignKeyColumnIsIndexed() throws {
        let queue = try MigratedDatabase.make()
        try queue.read { db in
            for table in try MigratedDatabase.tableNames(db) {
                let indexed = try Set(Row.fetchAll(db, sql: "PRAGMA index_list(\"\(table)\")").flatMap { index -> [String] in
                    let name: String = index["name"]
                    let columns = try Row.fetchAll(db, sql: "PRAGMA index_info(\"\(name)\")")
                    return columns.prefix(1).compactMap { $0["name"] as String? }
                })
                let primaryKey = try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")")
                    .filter { ($0["pk"] as Int) > 0 }.map { $0["name"] as String }
                for foreignKey in try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(\"\(table)\")") {
                    let column: String = foreignKey["from"]
                    #expect(indexed.contains(column) || primaryKey == [column], "\(table).\(column)")
                }
            }
        }
    }
}

@Suite struct SchemaConstraintTests {
    @Test func anEmailAddressBelongsToOneAccount() throws {
        let queue = try MigratedDatabase.make()
        try queue.write { db in
            let first = try MigratedDatabase.insertUser(db, email: "a@example.com")
            let second = try MigratedDatabase.insertUser(db, email: "b@example.com")
            let insert = #"INSERT INTO "account_emailaddress" ("email", "verified", "primary", "user_id") VALUES (?, 0, 1, ?)"#
            try db.execute(sql: insert, arguments: ["x@example.com", first])
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: ["x@example.com", second]) }
            #expect(throws: DatabaseError.self) { try MigratedDatabase.insertUser(db, email: "a@example.com") }
        }
    }

    @Test func aUserHasOneDeviceOfEachSingleKind() throws {
        let queue = try MigratedDatabase.make()
        try queue.write { db in
            let user = try MigratedDatabase.insertUser(db, email: "a@example.com")
            let apns = """
                INSERT INTO "push_notifications_apnsdevice" ("name", "active", "date_created", "device_id",
                    "registration_id", "user_id", "application_id") VALUES (NULL, 1, NULL, NULL, ?, ?, NULL)
                """
            try db.execute(sql: apns, arguments: ["abcd", user])
            #expect(throws: DatabaseError.self) { try db.execute(sql: apns, arguments: ["ef01", user]) }
            // Devices without a user do not clash.
            try db.execute(sql: apns, arguments: ["0001", nil])
            try db.execute(sql: apns, arguments: ["0002", nil])

            let webpush = """
                INSERT INTO "push_notifications_webpushdevice" ("active", "registration_id", "p256dh", "auth",
                    "browser", "user_id") VALUES (1, ?, '', '', 'CHROME', ?)
                """
            try db.execute(sql: webpush, arguments: ["https://push/1", user])
            try db.execute(sql: webpush, arguments: ["https://push/2", user])
            #expect(throws: DatabaseError.self) { try db.execute(sql: webpush, arguments: ["https://push/1", user]) }
        }
    }

    @Test func aUserClaimsAVoucherOnce() throws {
        let queue = try MigratedDatabase.make()
        try queue.write { db in
            let user = try MigratedDatabase.insertUser(db, email: "a@example.com")
            let t = "2026-01-01 00:00:00.000000"
            try db.execute(
                sql: """
                    INSERT INTO "vouchers_invitation" ("created_at", "updated_at", "code", "code_l", "valid_from",
                        "valid_to", "bound", "usage", "is_active", "name", "user_id")
                    VALUES (?, ?, 'ABC', 'abc', ?, ?, 1, 10, 1, 'first', NULL)
                    """,
                arguments: [t, t, t, t])
            let voucher = db.lastInsertedRowID
            let claim = #"INSERT INTO "vouchers_invitation_claimed" ("redeemed", "user_id", "voucher_id") VALUES (?, ?, ?)"#
            try db.execute(sql: claim, arguments: [t, user, voucher])
            #expect(throws: DatabaseError.self) { try db.execute(sql: claim, arguments: [t, user, voucher]) }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: #"UPDATE "vouchers_invitation" SET "usage" = -1"#)
            }
        }
    }

    @Test func oneSubscriptionPerUserAndProduct() throws {
        let queue = try MigratedDatabase.make()
        try queue.write { db in
            let user = try MigratedDatabase.insertUser(db, email: "a@example.com")
            try db.execute(sql: """
                INSERT INTO "store_product" ("name", "description", "app_link", "extra_data", "landing_link", "is_active", "nickname")
                VALUES ('Widya', '', '', NULL, '', 1, 'W')
                """)
            let product = db.lastInsertedRowID
            let t = "2026-01-01 00:00:00.000000"
            let insert = """
                INSERT INTO "subscriptions_subscription" ("id", "user_id", "product_id", "period_end", "group_id",
                    "period_start", "created_at", "status", "updated_at", "plan_id")
                VALUES (?, ?, ?, ?, NULL, ?, ?, 'trial', ?, NULL)
                """
            try db.execute(sql: insert, arguments: [String(repeating: "a", count: 32), user, product, t, t, t, t])
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: insert, arguments: [String(repeating: "b", count: 32), user, product, t, t, t, t])
            }
        }
    }

    @Test func plansLastAtLeastOneDayAndCostNothingNegative() throws {
        let queue = try MigratedDatabase.make()
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO "store_product" ("name", "description", "app_link", "extra_data", "landing_link", "is_active", "nickname")
                VALUES ('Widya', '', '', '{"a": 1}', '', 1, 'W')
                """)
            let product = db.lastInsertedRowID
            let insert = """
                INSERT INTO "subscriptions_plan" ("name", "description", "price", "period_days", "extra_data", "product_id")
                VALUES ('Monthly', '', ?, ?, ?, ?)
                """
            try db.execute(sql: insert, arguments: [100_000, 30, nil, product])
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [100_000, 0, nil, product]) }
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [-1, 30, nil, product]) }
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [1, 30, "{not json", product]) }
        }
    }

    @Test func idempotencyKeysAreUniqueEvenWithoutAUser() throws {
        let queue = try MigratedDatabase.make()
        try queue.write { db in
            let insert = """
                INSERT INTO "toba_idempotency" ("key", "method", "user_id", "params_hash", "result", "created_at")
                VALUES (?, 'payment.create', ?, ?, '{}', '2026-01-01 00:00:00.000000')
                """
            let hash = String(repeating: "0", count: 64)
            try db.execute(sql: insert, arguments: ["k1", nil, hash])
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: ["k1", nil, hash]) }
            try db.execute(sql: insert, arguments: ["k1", 7, hash])
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: ["k1", 7, hash]) }
            try db.execute(sql: insert, arguments: ["k1", 8, hash])
        }
    }

    @Test func aProfileIsKeyedByItsUser() throws {
        let queue = try MigratedDatabase.make()
        try queue.write { db in
            let user = try MigratedDatabase.insertUser(db, email: "a@example.com")
            let insert = #"INSERT INTO "users_user_profile" ("user_id", "phone", "photo", "extra_data", "category_id") VALUES (?, '', '', NULL, NULL)"#
            try db.execute(sql: insert, arguments: [user])
            #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [user]) }
        }
    }

    @Test func aDanglingForeignKeyFailsTheCommit() throws {
        let queue = try MigratedDatabase.make()
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(sql: #"INSERT INTO "users_user_groups" ("user_id", "group_id") VALUES (999, 1)"#)
            }
        }
    }
}

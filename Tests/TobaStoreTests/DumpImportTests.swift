import GRDB
import Testing
@testable import TobaStore

@Suite struct DumpImportTests {
    private func user(_ id: Int, email: String, groups: String = "[]") -> String {
        #"{"model": "users.user", "pk": \#(id), "fields": {"password": "!", "last_login": null, "is_superuser": false, "first_name": "", "last_name": "", "is_staff": false, "is_active": true, "date_joined": "2024-01-01T00:00:00Z", "email": "\#(email)", "groups": \#(groups), "user_permissions": []}}"#
    }

    @Test func countersContinueAfterTheLargestImportedIdEvenWhenTheyWereHigher() throws {
        // Given a database whose users once reached id 1000
        let queue = try MigratedDatabase.make()
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO users_user (id, password, is_superuser, first_name, last_name, is_staff, is_active, date_joined, email)
                VALUES (1000, '!', 0, '', '', 0, 1, '2024-01-01 00:00:00.000000', 'old@b.c');
                INSERT INTO users_user_groups (user_id, group_id) VALUES (1000, 2);
                """)
        }
        // When a dump whose users end at id 42 is imported
        _ = try DumpImport.importing("[" + user(42, email: "a@b.c", groups: "[2]") + "]", into: queue)
        // Then the next user is 43 and the group links are numbered afresh
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO users_user (password, is_superuser, first_name, last_name, is_staff, is_active, date_joined, email)
                VALUES ('!', 0, '', '', 0, 1, '2024-01-01 00:00:00.000000', 'new@b.c')
                """)
            #expect(db.lastInsertedRowID == 43)
            #expect(try Int64.fetchAll(db, sql: "SELECT id FROM users_user_groups") == [1])
        }
    }

    @Test func emailsAreStoredStrippedAndLowerCased() throws {
        let queue = try MigratedDatabase.make()
        _ = try DumpImport.importing("[" + user(1, email: " Mixed@Example.COM ") + "]", into: queue)
        #expect(try queue.read { db in try String.fetchOne(db, sql: "SELECT email FROM users_user") } == "mixed@example.com")
    }

    @Test func countsPerTableFollowTheDumpOrder() throws {
        let queue = try MigratedDatabase.make()
        let summary = try DumpImport.importing("[" + user(2, email: "b@b.c", groups: "[1, 2, 1]") + "," + user(1, email: "a@b.c") + "]", into: queue)
        #expect(summary.objects == 2)
        #expect(summary.rowsByTable.map(\.table) == ["users_user", "users_user_groups", "users_user_user_permissions"])
        #expect(summary.rowsByTable.map(\.rows) == [2, 2, 0])
    }

    @Test func everyTableButTheBookkeepingTravelsWithAModel() throws {
        // A table a later migration adds must be given to a model here, or it would be left out of backups.
        let queue = try MigratedDatabase.make()
        let tables = Set(try queue.read(MigratedDatabase.tableNames))
        let carried = Set(DumpModels.all.flatMap(\.tables))
        #expect(tables.subtracting(carried) == ["django_migrations", "toba_idempotency"])
        #expect(carried.isSubset(of: tables))
    }
}

import GRDB
import Testing
@testable import TobaStore

/// A dump that replaces seeded tables but not the tables pointing at them (PROTOCOL.md §10).
@Suite struct DumpSeedRemapTests {
    /// Every seeded content type at id 1000 + its seeded id, and its permissions at 5000 + theirs.
    private func shiftedContentTypesAndPermissions(_ queue: DatabaseQueue, keeping: (String) -> Bool = { _ in true }) throws -> String {
        try queue.read { (db: Database) throws in
            var elements: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM django_content_type ORDER BY id") {
                let id: Int64 = row["id"], app: String = row["app_label"], model: String = row["model"]
                elements.append(#"{"model": "contenttypes.contenttype", "pk": \#(1000 + id), "fields": {"app_label": "\#(app)", "model": "\#(model)"}}"#)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM auth_permission ORDER BY id") {
                let id: Int64 = row["id"], ct: Int64 = row["content_type_id"], codename: String = row["codename"], name: String = row["name"]
                guard keeping(codename) else { continue }
                elements.append(#"{"model": "auth.permission", "pk": \#(5000 + id), "fields": {"name": "\#(name)", "content_type": \#(1000 + ct), "codename": "\#(codename)"}}"#)
            }
            return "[" + elements.joined(separator: ",\n") + "]"
        }
    }

    private func adminPermissions(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT ct.app_label || '.' || p.codename FROM auth_group_permissions gp
            JOIN auth_group g ON g.id = gp.group_id JOIN auth_permission p ON p.id = gp.permission_id
            JOIN django_content_type ct ON ct.id = p.content_type_id
            WHERE g.name = 'admin' ORDER BY 1
            """)
    }

    @Test func seededGroupsFollowThePermissionsToTheDumpsIds() throws {
        // Given a migrated database whose seeded group `admin` holds every permission
        let queue = try MigratedDatabase.make()
        let before = try queue.read(adminPermissions)
        // When a dump holding content types and permissions under other ids, and no groups, is imported
        _ = try DumpImport.importing(try shiftedContentTypesAndPermissions(queue), into: queue)
        // Then `admin` still holds every permission, now under the dump's ids, and everything resolves
        try queue.read { (db: Database) throws in
            #expect(try adminPermissions(db) == before)
            #expect((try Int64.fetchOne(db, sql: "SELECT min(permission_id) FROM auth_group_permissions") ?? 0) > 5000)
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
    }

    @Test func linksToSeededRowsTheDumpLacksAreDropped() throws {
        // Given the dump holds no `view_` permission
        let queue = try MigratedDatabase.make()
        let text = try shiftedContentTypesAndPermissions(queue) { !$0.hasPrefix("view_") }
        // When it is imported
        _ = try DumpImport.importing(text, into: queue)
        // Then `admin` holds the other permissions only
        try queue.read { (db: Database) throws in
            let held = try adminPermissions(db)
            #expect(!held.isEmpty)
            #expect(!held.contains { $0.contains(".view_") })
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
    }

    @Test func aRowOutsideTheDumpThatPointsAtAVanishedSeedFailsTheImport() throws {
        // Given the seeded permissions, which the dump does not hold, point at seeded content types
        let queue = try MigratedDatabase.make()
        // When the dump's content types lack most of them
        let text = #"[{"model": "contenttypes.contenttype", "pk": 1, "fields": {"app_label": "auth", "model": "group"}}]"#
        // Then the import fails, naming the table, and nothing changed
        #expect { try DumpImport.importing(text, into: queue) } throws: { error in
            (error as? DumpDataError)?.message.contains("auth_permission.content_type_id refers to django_content_type rows") == true
        }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM django_content_type") } == 29)
    }

    @Test func aMissingServiceGroupIsReported() throws {
        let queue = try MigratedDatabase.make()
        let summary = try DumpImport.importing(#"[{"model": "auth.group", "pk": 1, "fields": {"name": "admin"}}]"#, into: queue)
        #expect(summary.warnings.count == 2)
        #expect(summary.warnings.contains { $0.contains("`trial`") })
    }
}

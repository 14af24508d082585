import Foundation
import Testing
import TobaRPC
import TobaTestSupport

/// `import` and `export` on PostgreSQL (PROTOCOL.md §2, §10) behave as on SQLite: the same
/// fixture gives the same export (JSON fields aside, whose keys `jsonb` orders its own way), a
/// failed import changes nothing, imported users log in, and a database moves between engines.
@Suite(.enabled(if: TestBackend.isPostgreSQL, "the PostgreSQL pass (scripts/test.sh)"))
struct PostgreSQLDumpDataTests {
    /// Runs `import` of `text` into `database` (a PostgreSQL URL or a SQLite path).
    private func importing(_ text: String, into database: String, in directory: URL) throws -> Sidecar.Run {
        let dump = try Sidecar.writeFile(text, named: "dump-\(UUID().uuidString).json", in: directory)
        return try Sidecar.run(["import", "--db", database, dump], directory: directory)
    }

    private func exported(_ database: String, in directory: URL) throws -> String {
        let run = try Sidecar.run(["export", "--db", database], directory: directory)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout
    }

    /// The export as JSON with every object's keys sorted.
    private func unordered(_ text: String) throws -> JSONValue? {
        keysSorted(try JSONParser.parse(Array(text.utf8)))
    }

    /// The fixture with every default permission of its content types, as a real `dumpdata`
    /// holds them: on PostgreSQL every start adds the seed rows that are missing (as Django's
    /// `migrate` does), which would add them to the database after the import.
    private static let completeElements: [String] = {
        var elements = DumpFixture.elements
        var pk = 1000
        for label in DumpFixture.models {
            let model = label.split(separator: ".")[1]
            for action in ["add", "change", "delete", "view"] where !(label == "users.user" && ["change", "view"].contains(action)) {
                pk += 1
                let permission = #"{"model": "auth.permission", "pk": \#(pk), "fields": {"name": "Can \#(action) \#(model)", "content_type": \#(DumpFixture.contentTypeID(label)), "codename": "\#(action)_\#(model)"}}"#
                elements.insert(permission, at: DumpFixture.elements.count - 1)
            }
        }
        return elements
    }()

    private static var completeText: String { completeText(insertingLate: nil) }

    /// The complete fixture with `element` inserted before its last element.
    private static func completeText(insertingLate element: String?) -> String {
        var all = completeElements
        if let element { all.insert(element, at: all.count - 1) }
        return "[\n" + all.joined(separator: ",\n") + "\n]\n"
    }

    /// A fresh PostgreSQL database holding the complete fixture, and its export.
    private func fixtureDatabase(in directory: URL) throws -> (url: String, export: String) {
        let url = try TestBackend.freshDatabase()
        let run = try importing(Self.completeText, into: url, in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("imported \(Self.completeElements.count) objects"), "\(run.stderr)")
        return (url, try exported(url, in: directory))
    }

    @Test func theFixtureExportsAsOnSQLiteAndRoundTripsByteForByte() throws {
        // Given the fixture imported into a SQLite file and into a PostgreSQL database
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("toba.sqlite").path
        #expect(try importing(Self.completeText, into: file, in: directory).status == 0)
        let onSQLite = try exported(file, in: directory)
        let (url, onPostgreSQL) = try fixtureDatabase(in: directory)

        // Then both exports hold the same elements and values; only JSON fields' key order may differ
        #expect(try unordered(onPostgreSQL) == unordered(onSQLite))
        #expect(onPostgreSQL.hasPrefix("[\n{\n  \"model\": \"contenttypes.contenttype\",\n  \"pk\": 100,\n"))

        // When the PostgreSQL export is imported into another PostgreSQL database, and again into the same
        let second = try TestBackend.freshDatabase()
        #expect(try importing(onPostgreSQL, into: second, in: directory).status == 0)
        #expect(try exported(second, in: directory) == onPostgreSQL)
        #expect(try importing(onPostgreSQL, into: second, in: directory).status == 0)
        // Then every export is the same bytes
        #expect(try exported(second, in: directory) == onPostgreSQL)
        #expect(try exported(url, in: directory) == onPostgreSQL)
    }

    @Test func aSQLiteDatabaseMovesToPostgreSQLAndBack() throws {
        // Given a SQLite database exported to a file
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("toba.sqlite").path
        #expect(try importing(Self.completeText, into: file, in: directory).status == 0)
        let backup = directory.appendingPathComponent("backup.json")
        #expect(try Sidecar.run(["export", "--db", file, backup.path], directory: directory).status == 0)
        let fromSQLite = try String(contentsOf: backup, encoding: .utf8)

        // When the file is imported into PostgreSQL and that database exported
        let url = try TestBackend.freshDatabase()
        let moved = try Sidecar.run(["import", "--db", url, backup.path], directory: directory)
        #expect(moved.status == 0, "\(moved.stderr)")
        let fromPostgreSQL = try exported(url, in: directory)
        // Then it holds the same content
        #expect(try unordered(fromPostgreSQL) == unordered(fromSQLite))

        // and that export imported into a new SQLite file comes back out the same bytes
        let back = directory.appendingPathComponent("back.sqlite").path
        #expect(try importing(fromPostgreSQL, into: back, in: directory).status == 0)
        #expect(try exported(back, in: directory) == fromPostgreSQL)
    }

    @Test func valuesAreStoredInPostgreSQLsOwnTypesAndSeededRowsTakeTheDumpsIds() throws {
        let directory = try Sidecar.makeDirectory()
        let (url, _) = try fixtureDatabase(in: directory)
        func text(_ sql: String) throws -> String? { try TestBackend.texts(url, sql).first }
        #expect(try text("SELECT is_superuser::text FROM users_user WHERE id = 7") == "true")
        #expect(try text("SELECT to_char(date_joined AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM users_user WHERE id = 7")
                == "2023-01-01 20:04:05")
        #expect(try text("SELECT id::text FROM payments_product") == "3f2504e0-4f89-11d3-9a0c-0305e82c3301")
        #expect(try text("SELECT host(ip_address) FROM rest_framework_sso_sessiontoken") == "10.0.0.1")
        #expect(try text("SELECT extra_data->'nested'->'deep'->>1 FROM users_user_profile") == "true")
        #expect(try text("SELECT background_colors->>1 FROM landing_swiperslide") == "#ffffff")
        #expect(try text("SELECT device_id::text FROM push_notifications_gcmdevice") == "-1")
        #expect(try TestBackend.texts(url, "SELECT id FROM django_content_type ORDER BY id") == (100...128).map(String.init))
        #expect(try TestBackend.texts(url, "SELECT name FROM auth_group ORDER BY id") == ["admin", "paid", "trial"])
        #expect(try TestBackend.texts(url, "SELECT domain FROM django_site") == ["toba.ai"])
    }

    @Test func aFailedImportChangesNothing() throws {
        // Given a PostgreSQL database holding the fixture
        let directory = try Sidecar.makeDirectory()
        let (url, before) = try fixtureDatabase(in: directory)
        let late = Self.completeElements.count - 1
        let dangling = #"{"model": "feedback.feedback", "pk": 99, "fields": {"satisfaction": "", "type": "", "page": "", "message": "", "attachment": "", "created_at": "2024-01-01T00:00:00Z", "user": 4242}}"#
        let duplicate = #"{"model": "users.user", "pk": 43, "fields": {"password": "!", "last_login": null, "is_superuser": false, "first_name": "", "last_name": "", "is_staff": false, "is_active": true, "date_joined": "2024-01-01T00:00:00Z", "email": "MEMBER@toba.ai"}}"#
        let tooLong = #"{"model": "users.category", "pk": 5, "fields": {"name": "\#(String(repeating: "x", count: 300))"}}"#
        let refusals: [(element: String, message: String)] = [
            (dangling, "feedback_feedback.user_id of row 99 refers to a missing users_user row"),
            (duplicate, "element at index \(late): users.user: duplicate key value violates unique constraint"),
            (tooLong, "element at index \(late): users.category: value too long for type character varying(225)"),
            (#"{"model": "users.nosuch", "pk": 1, "fields": {}}"#, "element at index \(late): unknown model `users.nosuch`"),
        ]
        for refusal in refusals {
            // When a dump with a bad element near its end is imported
            let run = try importing(Self.completeText(insertingLate: refusal.element), into: url, in: directory)
            // Then it fails naming what is wrong, and the database is as it was
            #expect(run.status == 1)
            #expect(run.stderr.contains(refusal.message), "\(run.stderr)")
            #expect(run.stderr.contains("nothing was changed"), "\(run.stderr)")
            #expect(try exported(url, in: directory) == before)
        }
    }

    @Test func importedUsersLogInAndNewRowsGetFreshIds() throws {
        // Given the fixture, whose largest user id is 42, imported into PostgreSQL
        let directory = try Sidecar.makeDirectory()
        let (url, _) = try fixtureDatabase(in: directory)
        let config = #"{"passwords": {"iterations": 2000}}"#
        let sidecar = try Sidecar(arguments: ["--db", url], config: config, directory: directory)
        // When the owner logs in with the password of the Django hash, and someone registers
        let login = try sidecar.result("auth.login", ["email": .string(DumpFixture.ownerEmail), "password": .string(DumpFixture.djangoPassword)])
        let registered = try sidecar.result("user.register", ["email": "new@toba.ai", "password": "a long passphrase"])
        #expect(try sidecar.finish() == 0)
        // Then the login succeeds and upgrades the hash, and the new account gets the next id
        #expect(login["token"]?.stringValue != nil)
        let hash = try TestBackend.texts(url, "SELECT password FROM users_user WHERE email = '\(DumpFixture.ownerEmail)'")
        #expect(hash.first?.hasPrefix("pbkdf2_sha256$2000$") == true)
        #expect(registered["user"]?["id"]?.int64Value == DumpFixture.largestUserID + 1)
    }

    @Test func seededRowsOutsideTheDumpFollowItsIdsByNaturalKey() throws {
        // Given a migrated PostgreSQL database, whose seeded group `admin` holds every permission
        let directory = try Sidecar.makeDirectory()
        let url = try TestBackend.freshDatabase()
        #expect(try Sidecar.run(["migrate", "--db", url], directory: directory).status == 0)
        let adminPermissions = """
            SELECT ct.app_label || '.' || p.codename FROM auth_group_permissions gp
            JOIN auth_group g ON g.id = gp.group_id JOIN auth_permission p ON p.id = gp.permission_id
            JOIN django_content_type ct ON ct.id = p.content_type_id WHERE g.name = 'admin' ORDER BY 1
            """
        let before = try TestBackend.texts(url, adminPermissions)
        #expect(before.count > 100)

        // When a dump holds the content types, and the permissions but `view_…`, under other ids, and no groups
        var elements: [String] = []
        for row in try TestBackend.texts(url, "SELECT id || ' ' || app_label || ' ' || model FROM django_content_type") {
            let part = row.split(separator: " ")
            elements.append(#"{"model": "contenttypes.contenttype", "pk": \#(1000 + Int(part[0])!), "fields": {"app_label": "\#(part[1])", "model": "\#(part[2])"}}"#)
        }
        for row in try TestBackend.texts(url, "SELECT id || ' ' || content_type_id || ' ' || codename FROM auth_permission WHERE left(codename, 5) <> 'view_'") {
            let part = row.split(separator: " ")
            elements.append(#"{"model": "auth.permission", "pk": \#(5000 + Int(part[0])!), "fields": {"name": "p", "content_type": \#(1000 + Int(part[1])!), "codename": "\#(part[2])"}}"#)
        }
        let run = try importing("[" + elements.joined(separator: ",\n") + "]", into: url, in: directory)
        #expect(run.status == 0, "\(run.stderr)")

        // Then `admin` holds the same permissions but the `view_` ones, now under the dump's ids
        #expect(try TestBackend.texts(url, adminPermissions) == before.filter { !$0.contains(".view_") })
        #expect(try TestBackend.integer(url, "SELECT MIN(permission_id) FROM auth_group_permissions") ?? 0 > 5000)

        // When a later dump holds one content type only, which the permissions outside it do not point to
        let vanished = #"[{"model": "contenttypes.contenttype", "pk": 1, "fields": {"app_label": "auth", "model": "group"}}]"#
        let refused = try importing(vanished, into: url, in: directory)
        // Then the import fails naming the table, and nothing changed
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("auth_permission.content_type_id refers to django_content_type rows"), "\(refused.stderr)")
        #expect(try TestBackend.integer(url, "SELECT COUNT(*) FROM django_content_type") == 29)
    }

    @Test func tablesLargerThanAPageExportInKeyOrderAsOnSQLite() throws {
        // Given a dump of more users and sessions than a page of the export holds, session keys in mixed case
        var elements: [String] = []
        for id in 1...1_201 {
            let groups = id % 3 == 0 ? "[]" : id % 3 == 1 ? "[3, 1]" : "[2]"
            elements.append(#"{"model": "users.user", "pk": \#(id), "fields": {"password": "!", "last_login": null, "is_superuser": false, "first_name": "", "last_name": "", "is_staff": false, "is_active": true, "date_joined": "2024-01-01T00:00:00Z", "email": "u\#(id)@toba.ai", "groups": \#(groups), "user_permissions": []}}"#)
        }
        for n in 0..<1_203 {
            let key = ["A", "_", "a", "Z", "b"][n % 5] + "key\(n)"
            elements.append(#"{"model": "sessions.session", "pk": "\#(key)", "fields": {"session_data": "e30", "expire_date": "2030-01-01T00:00:00Z"}}"#)
        }
        let text = "[" + elements.joined(separator: ",\n") + "]"
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("toba.sqlite").path
        let url = try TestBackend.freshDatabase()

        // When it is imported into SQLite and into PostgreSQL and exported from each
        #expect(try importing(text, into: file, in: directory).status == 0)
        #expect(try importing(text, into: url, in: directory).status == 0)
        let onPostgreSQL = try exported(url, in: directory)

        // Then the exports are the same bytes, holding every row with its links
        #expect(onPostgreSQL == (try exported(file, in: directory)))
        let elementsOut = try #require(try JSONParser.parse(Array(onPostgreSQL.utf8)).arrayValue)
        let users = elementsOut.filter { $0["model"] == "users.user" }
        #expect(users.map { $0["pk"]?.int64Value ?? 0 } == Array(1...1_201))
        #expect(users.allSatisfy { user in
            let id = user["pk"]?.int64Value ?? 0
            let groups: JSONValue = id % 3 == 0 ? [] : id % 3 == 1 ? [1, 3] : [2]
            return user["fields"]?["groups"] == groups
        })
        let keys = elementsOut.filter { $0["model"] == "sessions.session" }.compactMap { $0["pk"]?.stringValue }
        #expect(keys.count == 1_203)
        #expect(keys == keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }
}

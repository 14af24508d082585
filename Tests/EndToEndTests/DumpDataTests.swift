import Foundation
import GRDB
import Testing
import TobaRPC

/// `toba-register import` and `export` (PROTOCOL.md §2, §10), driven through the binary with the
/// fixture of `DumpFixture`, which covers every model.
@Suite struct DumpDataTests {
    /// Imports `text` into a new database in `directory`; returns the database file and the run.
    private func importing(_ text: String, into name: String = "toba.sqlite", in directory: URL) throws -> (URL, Sidecar.Run) {
        let dump = try Sidecar.writeFile(text, named: "dump-\(UUID().uuidString).json", in: directory)
        let file = directory.appendingPathComponent(name)
        let run = try Sidecar.run(["import", "--db", file.path, dump], directory: directory)
        return (file, run)
    }

    private func export(_ file: URL, in directory: URL) throws -> String {
        let run = try Sidecar.run(["export", "--db", file.path], directory: directory)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout
    }

    @Test func importThenExportThenImportIsLosslessAndByteIdentical() throws {
        // Given the fixture imported into one database and exported
        let directory = try Sidecar.makeDirectory()
        let (first, imported) = try importing(DumpFixture.text, in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("imported \(DumpFixture.elements.count) objects"))
        let once = try export(first, in: directory)

        // When that export is imported into a fresh database and exported to a file
        let (second, again) = try importing(once, into: "second.sqlite", in: directory)
        #expect(again.status == 0, "\(again.stderr)")
        let out = directory.appendingPathComponent("out.json")
        let written = try Sidecar.run(["export", "--db", second.path, out.path], directory: directory)
        #expect(written.status == 0, "\(written.stderr)")

        // Then both exports are the same bytes, and the file is readable by its owner only
        #expect(try String(contentsOf: out, encoding: .utf8) == once)
        let mode = try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // and importing an export again into the same database changes nothing
        let (_, repeated) = try importing(once, into: "second.sqlite", in: directory)
        #expect(repeated.status == 0, "\(repeated.stderr)")
        #expect(try export(second, in: directory) == once)

        // and every model holds the fixture's rows, in dumpdata's shape
        let elements = try #require(try JSONParser.parse(Array(once.utf8)).arrayValue)
        var counts: [String: Int] = [:]
        for element in elements { counts[element["model"]?.stringValue ?? "?", default: 0] += 1 }
        #expect(counts == DumpFixture.rowsPerModel)
        #expect(once.hasPrefix("[\n{\n  \"model\": \"contenttypes.contenttype\",\n  \"pk\": 100,\n  \"fields\": {\n    \"app_label\": \"admin\",\n"))
        #expect(once.hasSuffix("\n}\n]\n"))
    }

    @Test func exportWritesDjangoFormsOfEveryValue() throws {
        let directory = try Sidecar.makeDirectory()
        let (file, imported) = try importing(DumpFixture.text, in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        let elements = try #require(try JSONParser.parse(Array(export(file, in: directory).utf8)).arrayValue)
        func fields(_ model: String, _ pk: JSONValue) -> JSONValue? {
            elements.first { $0["model"]?.stringValue == model && $0["pk"] == pk }?["fields"]
        }
        let owner = try #require(fields("users.user", 7))
        #expect(owner["date_joined"] == "2023-01-01T20:04:05Z")
        #expect(owner["last_login"] == "2024-05-01T08:30:00.123Z")
        #expect(owner["password"]?.stringValue == DumpFixture.djangoHash)
        #expect(fields("users.user", 42)?["date_joined"] == "2023-06-01T10:00:00.654321Z")
        #expect(fields("users.user", 42)?["groups"] == [10, 11])
        #expect(fields("users.user", 42)?["user_permissions"] == [503])
        #expect(fields("auth.group", 10)?["permissions"] == [501, 502])
        #expect(fields("socialaccount.socialapp", 1)?["sites"] == [2])
        #expect(fields("socialaccount.socialapp", 1)?["secret"] == "s3cret")
        #expect(fields("users.profile", 7)?["extra_data"]
                == ["tags": ["a", "b"], "score": .number(JSONNumber(text: "1.50")!), "nested": ["deep": [nil, true]]])
        #expect(fields("payments.product", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")?["transaction_status"] == "settlement")
        #expect(fields("subscriptions.subscription", "7c9e6679-7425-40de-944b-e07fc1f90ae7")?["status"] == "active")
        #expect(fields("landing.swiper", 3)?["slide"] == "6b1d4b0e-7a31-4d51-9c6c-0a7b8d7e0c11")
        #expect(fields("landing.swiperslide", "6b1d4b0e-7a31-4d51-9c6c-0a7b8d7e0c11")?["event_start"] == "2024-05-01T03:00:00Z")
        #expect(fields("landing.swiperslide", "6b1d4b0e-7a31-4d51-9c6c-0a7b8d7e0c11")?["event_end"] == "2024-05-01T12:00:00Z")
        #expect(fields("push_notifications.gcmdevice", 17)?["device_id"] == -1)
        #expect(fields("socialaccount.socialtoken", 3)?["expires_at"] == "2025-01-01T05:00:00Z")
        #expect(fields("feedback.feedback", 20)?["message"] == "Line one\nline \"two\" \\ ok")
    }

    @Test func importStoresValuesInTheServiceStorageForm() throws {
        let directory = try Sidecar.makeDirectory()
        let (file, imported) = try importing(DumpFixture.text, in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        try SidecarDatabase.read(file) { (db: Database) throws in
            let owner = try #require(try Row.fetchOne(db, sql: "SELECT * FROM users_user WHERE id = 7"))
            #expect(owner["date_joined"] as String == "2023-01-01 20:04:05.000000")
            #expect(owner["is_superuser"] as Int64 == 1)
            #expect(try String.fetchOne(db, sql: "SELECT id FROM payments_product") == "3f2504e04f8911d39a0c0305e82c3301")
            #expect(try String.fetchOne(db, sql: "SELECT id FROM rest_framework_sso_sessiontoken") == "0f8fad5bd9cb469fa16570867728950e")
            #expect(try String.fetchOne(db, sql: "SELECT event_end FROM landing_swiperslide") == "2024-05-01 12:00:00.000000")
            #expect(try String.fetchOne(db, sql: "SELECT background_colors FROM landing_swiperslide") == ##"["#000000","#ffffff"]"##)
            #expect(try String.fetchOne(db, sql: "SELECT slide_id FROM landing_swiper") == "6b1d4b0e7a314d519c6c0a7b8d7e0c11")
        }
    }

    @Test func seededRowsTakeTheDumpsIdsAndEveryReferenceResolves() throws {
        let directory = try Sidecar.makeDirectory()
        let (file, imported) = try importing(DumpFixture.text, in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        try SidecarDatabase.read(file) { (db: Database) throws in
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try Int.fetchAll(db, sql: "SELECT id FROM django_content_type ORDER BY id") == Array(100...128))
            #expect(try String.fetchAll(db, sql: "SELECT name FROM auth_group ORDER BY id") == ["admin", "paid", "trial"])
            #expect(try String.fetchAll(db, sql: "SELECT domain FROM django_site") == ["toba.ai"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM auth_permission") == 3)
        }
    }

    @Test func newRowsContinueAfterTheLargestImportedId() throws {
        // Given the fixture, whose largest user id is 42
        let directory = try Sidecar.makeDirectory()
        let (file, imported) = try importing(DumpFixture.text, in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        // When someone registers
        let sidecar = try Sidecar(arguments: ["--db", file.path], directory: directory)
        let registered = try sidecar.result("user.register", ["email": "new@toba.ai", "password": "a long passphrase"])
        #expect(try sidecar.finish() == 0)
        // Then the new account gets the next id
        #expect(registered["user"]?["id"]?.int64Value == DumpFixture.largestUserID + 1)
    }

    @Test func anImportedDjangoHashLogsInAndIsUpgraded() throws {
        let directory = try Sidecar.makeDirectory()
        let (file, imported) = try importing(DumpFixture.text, in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        let config = #"{"passwords": {"iterations": 2000}}"#
        let sidecar = try Sidecar(arguments: ["--db", file.path], config: config, directory: directory)
        let login = try sidecar.result("auth.login", ["email": .string(DumpFixture.ownerEmail), "password": .string(DumpFixture.djangoPassword)])
        #expect(login["token"]?.stringValue != nil)
        #expect(try sidecar.finish() == 0)
        let upgraded = try #require(try SidecarDatabase.passwordHash(file, email: DumpFixture.ownerEmail))
        #expect(upgraded.hasPrefix("pbkdf2_sha256$2000$"))

        let again = try Sidecar(arguments: ["--db", file.path], config: config, directory: directory)
        #expect(try again.result("auth.login", ["email": .string(DumpFixture.ownerEmail), "password": .string(DumpFixture.djangoPassword)])["token"] != nil)
        #expect(try again.finish() == 0)
    }
}

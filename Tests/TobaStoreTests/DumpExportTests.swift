import GRDB
import Testing
import TobaRPC
@testable import TobaStore

/// `DumpExport` reads a table a page at a time (`DumpExport.pageRows`): the pages join up.
@Suite struct DumpExportTests {
    private func export(_ queue: DatabaseQueue) throws -> [JSONValue] {
        var bytes: [UInt8] = []
        _ = try queue.read { db in
            try DumpExport.run(SQLiteConnection(db), dialect: SQLiteDumpDialect()) { bytes += $0 }
        }
        return try #require(try JSONParser.parse(bytes).arrayValue)
    }

    @Test func tablesLargerThanAPageAreWrittenWholeInKeyOrderWithTheirLinks() throws {
        // Given more users than two pages hold, in a shuffled dump, each with its own groups
        let count = 2 * DumpExport.pageRows + 7
        let users = (1...count).shuffled().map { id in
            let groups = id % 3 == 0 ? "[]" : id % 3 == 1 ? "[3, 1]" : "[2]"
            return #"{"model": "users.user", "pk": \#(id), "fields": {"password": "!", "last_login": null, "is_superuser": false, "first_name": "", "last_name": "", "is_staff": false, "is_active": true, "date_joined": "2024-01-01T00:00:00Z", "email": "u\#(id)@b.c", "groups": \#(groups), "user_permissions": []}}"#
        }
        let sessions = (0..<count).map { n in
            #"{"model": "sessions.session", "pk": "\#(["A", "_", "a", "Z", "b"][n % 5])key\#(n)", "fields": {"session_data": "e30", "expire_date": "2030-01-01T00:00:00Z"}}"#
        }
        let queue = try MigratedDatabase.make()
        _ = try DumpImport.importing("[" + (users + sessions).joined(separator: ",") + "]", into: queue)

        // When it is exported
        let elements = try export(queue)

        // Then every user is there once, in key order, with its own groups
        let exportedUsers = elements.filter { $0.objectValue?["model"] == "users.user" }
        #expect(exportedUsers.map { $0.objectValue?["pk"]?.int64Value ?? 0 } == Array(1...Int64(count)))
        for user in exportedUsers {
            let id = user.objectValue?["pk"]?.int64Value ?? 0
            let groups: JSONValue = id % 3 == 0 ? [] : id % 3 == 1 ? [1, 3] : [2]
            #expect(user.objectValue?["fields"]?.objectValue?["groups"] == groups, "user \(id)")
        }
        // and text keys follow byte order
        let keys = elements.filter { $0.objectValue?["model"] == "sessions.session" }.compactMap { $0.objectValue?["pk"]?.stringValue }
        #expect(keys.count == count)
        #expect(keys == keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }
}

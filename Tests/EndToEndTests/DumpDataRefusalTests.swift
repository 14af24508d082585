import Foundation
import GRDB
import Testing
import TobaRPC

/// What `import` refuses, and that a refused import changes nothing (PROTOCOL.md §10).
@Suite struct DumpDataRefusalTests {
    /// A database holding the fixture, its export, and the directory they are in.
    private func imported() throws -> (file: URL, export: String, directory: URL) {
        let directory = try Sidecar.makeDirectory()
        let dump = try Sidecar.writeFile(DumpFixture.text, named: "fixture.json", in: directory)
        let file = directory.appendingPathComponent("toba.sqlite")
        let run = try Sidecar.run(["import", "--db", file.path, dump], directory: directory)
        #expect(run.status == 0, "\(run.stderr)")
        return (file, try exported(file, directory), directory)
    }

    private func exported(_ file: URL, _ directory: URL) throws -> String {
        try Sidecar.run(["export", "--db", file.path], directory: directory).stdout
    }

    /// Imports `text` into `file`; the run must fail with exit code 1.
    private func refused(_ text: String, into file: URL, _ directory: URL) throws -> String {
        let dump = try Sidecar.writeFile(text, named: "bad.json", in: directory)
        let run = try Sidecar.run(["import", "--db", file.path, dump], directory: directory)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        return run.stderr
    }

    @Test func anUnknownModelIsRefusedByNameAndChangesNothing() throws {
        // Given a database holding the fixture
        let (file, before, directory) = try imported()
        // When a dump names a model these apps do not have, near its end
        let late = DumpFixture.elements.count - 1
        let stderr = try refused(DumpFixture.text(insertingLate: #"{"model": "users.nosuch", "pk": 1, "fields": {}}"#),
                                 into: file, directory)
        // Then the message names the model and the element, and the database is as it was
        #expect(stderr.contains("unknown model `users.nosuch`"), "\(stderr)")
        #expect(stderr.contains("element at index \(late)"), "\(stderr)")
        #expect(stderr.contains("nothing was changed"))
        #expect(try exported(file, directory) == before)
    }

    @Test func anUnknownFieldIsRefusedByName() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("fresh.sqlite")
        let stderr = try refused(#"[{"model": "users.category", "pk": 1, "fields": {"nama": "typo"}}]"#, into: file, directory)
        #expect(stderr.contains("users.category: unknown field `nama`"), "\(stderr)")
        #expect(stderr.contains("element at index 0"), "\(stderr)")
        // The fresh database keeps exactly what migrate seeded.
        try SidecarDatabase.read(file) { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM django_content_type") == 29)
            #expect(try String.fetchAll(db, sql: "SELECT name FROM auth_group ORDER BY id") == ["admin", "trial", "paid"])
        }
    }

    @Test func aBadElementLateInTheFileChangesNothing() throws {
        // Given a database holding the fixture
        let (file, before, directory) = try imported()
        // When a dump whose next-to-last element has a timestamp nobody can read is imported
        let bad = #"{"model": "users.category", "pk": 99, "fields": {"name": "x"}}"#
        var text = DumpFixture.text(insertingLate: bad)
        text = text.replacingOccurrences(of: #""redeemed": "2024-02-01T00:00:00Z""#, with: #""redeemed": "yesterday""#)
        let stderr = try refused(text, into: file, directory)
        // Then the field is named and nothing changed
        #expect(stderr.contains("vouchers.invitationclaimed field `redeemed`"), "\(stderr)")
        #expect(try exported(file, directory) == before)
    }

    @Test func aReferenceThatDoesNotResolveFailsTheWholeImport() throws {
        let (file, before, directory) = try imported()
        let dangling = #"{"model": "feedback.feedback", "pk": 99, "fields": {"satisfaction": "", "type": "", "page": "", "message": "", "attachment": "", "created_at": "2024-01-01T00:00:00Z", "user": 4242}}"#
        let stderr = try refused(DumpFixture.text(insertingLate: dangling), into: file, directory)
        #expect(stderr.contains("feedback_feedback.user_id of row 99 refers to a missing users_user row"), "\(stderr)")
        #expect(try exported(file, directory) == before)
    }

    @Test func aTruncatedFileIsRefused() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("fresh.sqlite")
        let text = DumpFixture.text
        let stderr = try refused(String(text.prefix(text.count - 40)), into: file, directory)
        #expect(stderr.contains("the file ends inside this element"), "\(stderr)")
    }
}

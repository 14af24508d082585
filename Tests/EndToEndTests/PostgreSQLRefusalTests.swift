import Foundation
import Testing

/// PostgreSQL is specified but not built yet: every command refuses a `postgres://` URL clearly
/// (exit 1) instead of creating a file of that name, and never repeats the password.
@Suite struct PostgreSQLRefusalTests {
    @Test(arguments: [["serve"], ["migrate"], ["token", "--email", "a@example.com"]])
    func aPostgreSQLURLIsRefusedWithoutShowingItsPassword(_ command: [String]) throws {
        let directory = try Sidecar.makeDirectory()
        let run = try Sidecar.run(command + ["--db", "postgres://toba:hunter2-secret@db.example:5432/toba"], directory: directory)
        #expect(run.status == 1)
        #expect(run.stderr.contains("PostgreSQL"))
        #expect(!run.stderr.contains("hunter2"))
        #expect(run.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "no file was created")
    }
}

import Foundation
import Testing

/// §2 and §7: a PostgreSQL server that cannot be reached stops every command at start with a
/// clear message (exit 1) that never repeats the URL's password, and nothing is created beside it.
/// Needs no server: port 1 on loopback refuses the connection.
@Suite struct PostgreSQLUnreachableTests {
    static let url = "postgres://toba:hunter2-secret@127.0.0.1:1/toba?connect_timeout=2"

    @Test(arguments: [["serve", "--secret-key-file", "k.key"], ["migrate"], ["createsuperuser", "--email", "a@example.com", "--secret-key-file", "k.key"],
                      ["token", "--email", "a@example.com", "--secret-key-file", "k.key"]])
    func anUnreachableServerStopsTheCommandWithoutShowingThePassword(_ command: [String]) throws {
        let directory = try Sidecar.makeDirectory()
        let run = try Sidecar.run(command + ["--db", Self.url], stdin: Data("a passphrase\n".utf8), directory: directory)
        #expect(run.status == 1)
        #expect(run.stderr.contains("postgres://toba@127.0.0.1:1/toba"))
        #expect(!run.stderr.contains("hunter2"))
        #expect(run.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "no file was created")
    }

    @Test func importAndExportStopTheSameWay() throws {
        let directory = try Sidecar.makeDirectory()
        let dump = try Sidecar.writeFile("[]", named: "empty.json", in: directory)
        for arguments in [["import", "--db", Self.url, dump], ["export", "--db", Self.url]] {
            let run = try Sidecar.run(arguments, directory: directory)
            #expect(run.status == 1)
            #expect(run.stderr.contains("postgres://toba@127.0.0.1:1/toba"), "\(run.stderr)")
            #expect(!run.stderr.contains("hunter2"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["empty.json"])
    }

    @Test func aMalformedURLIsRefusedWithoutRepeatingIt() throws {
        let run = try Sidecar.run(["migrate", "--db", "postgres://toba:hunter2-secret@db.example:99999/toba"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("port"))
        #expect(!run.stderr.contains("hunter2"))
    }
}

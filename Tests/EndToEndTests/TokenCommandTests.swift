import Foundation
import GRDB
import Testing
import TobaRPC

/// `toba-register token --db PATH --email E` mints an admin session for scripts.
@Suite struct TokenCommandTests {
    /// A database file holding the superuser `admin@example.com`, and the fast settings file.
    static func databaseWithAdmin() throws -> (directory: URL, database: URL, config: String) {
        let directory = try Sidecar.makeDirectory()
        let database = directory.appendingPathComponent("toba.sqlite")
        let created = try Sidecar.createSuperuser(database: database, email: "admin@example.com", password: "admin passphrase 1")
        #expect(created.status == 0, "\(created.stderr)")
        let config = try Sidecar.writeFile(Sidecar.fastConfig, named: "token-config.json", in: directory)
        return (directory, database, config)
    }

    static func token(_ database: URL, email: String, config: String, extra: [String] = []) throws -> Sidecar.Run {
        try Sidecar.run(["token", "--db", database.path, "--email", email, "--config", config] + extra)
    }

    @Test func theTokenIsAnAdminSessionTheServerAccepts() throws {
        // Given a database with a superuser
        let (directory, database, config) = try Self.databaseWithAdmin()

        // When a script asks for a token (the address in another case)
        let run = try Self.token(database, email: " Admin@Example.com ", config: config)

        // Then stdout holds the token alone, and a server on the same file accepts it as the admin's
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("\n") && run.stdout.filter { $0 == "\n" }.count == 1)
        let token = JSONValue.string(run.stdout.trimmingCharacters(in: .newlines))
        #expect(token.stringValue?.split(separator: ".").count == 3)
        #expect(!run.stderr.contains(token.stringValue ?? "-"), "the token never reaches the log")
        let sidecar = try Sidecar(arguments: ["--db", database.path], directory: directory)
        let verified = try sidecar.result("auth.verify", ["token": token])
        #expect(verified["email"] == "admin@example.com")
        #expect(verified["isSuperuser"] == true)
        let product = try sidecar.result("product.create", ["token": token, "name": "Widya", "description": "d"])
        #expect(product["product"]?["name"] == "Widya")
        let sessions = try sidecar.result("session.list", ["token": token])["items"]?.arrayValue ?? []
        #expect(sessions.count == 1)
        #expect(sessions.first?["userAgent"] == "toba-register token (command line)")
        #expect(sessions.first?["current"] == true)
        #expect(try sidecar.result("user.me", ["token": token])["user"]?["lastLogin"] == .null, "nobody logged in")

        // And logging it out ends it like any session
        _ = try sidecar.result("auth.logout", ["token": token])
        #expect(try sidecar.error("auth.verify", ["token": token])["data"]?["reason"] == "session_revoked")
        #expect(try sidecar.finish() == 0)
    }

    @Test func theClientIdGoesIntoTheSessionAndTheToken() throws {
        let (directory, database, config) = try Self.databaseWithAdmin()
        let run = try Self.token(database, email: "admin@example.com", config: config, extra: ["--client-id", "nightly-report"])
        #expect(run.status == 0, "\(run.stderr)")
        let token = JSONValue.string(run.stdout.trimmingCharacters(in: .newlines))
        let sidecar = try Sidecar(arguments: ["--db", database.path], directory: directory)
        let sessions = try sidecar.result("session.list", ["token": token])["items"]?.arrayValue ?? []
        #expect(sessions.first?["clientId"] == "nightly-report")
        #expect(try sidecar.finish() == 0)
    }

    @Test func anUnknownEmailGetsNoToken() throws {
        let (_, database, config) = try Self.databaseWithAdmin()
        let run = try Self.token(database, email: "nobody@example.com", config: config)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("no user has the email nobody@example.com"))
    }

    @Test func aUserWhoIsNotStaffGetsNoToken() throws {
        // Given a database with the admin and an ordinary registered user
        let (directory, database, config) = try Self.databaseWithAdmin()
        let sidecar = try Sidecar(arguments: ["--db", database.path], directory: directory)
        _ = try sidecar.result("user.register", ["email": "siti@example.com", "password": "a long passphrase"])
        #expect(try sidecar.finish() == 0)

        // When a token is asked for her, then there is none and no session was made
        let run = try Self.token(database, email: "siti@example.com", config: config)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("not an active staff user"))
        let count = try SidecarDatabase.read(database) { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rest_framework_sso_sessiontoken") ?? -1
        }
        #expect(count == 0)
    }

    @Test func anInMemoryDatabaseIsRefused() throws {
        let run = try Sidecar.run(["token", "--db", ":memory:", "--email", "admin@example.com"])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("needs a database file"))
    }
}

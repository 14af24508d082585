import Foundation
import TobaRPC

extension Sidecar {
    /// Runs `toba-register createsuperuser` on `database` with `password` on stdin.
    /// Returns the exit status and stderr.
    @discardableResult
    static func createSuperuser(database: URL, email: String, password: String, config: String? = fastConfig) throws -> (status: Int32, stderr: String) {
        try createSuperuser(location: database.path, directory: database.deletingLastPathComponent(), email: email,
                            password: password, config: config)
    }

    /// `createsuperuser` on `location` (a file or a PostgreSQL URL; its key file in `directory`).
    @discardableResult
    static func createSuperuser(location: String, directory: URL, email: String, password: String,
                                config: String? = fastConfig) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = binary
        var args = try TestBackend.adapt(["createsuperuser", "--db", location, "--email", email], directory: directory)
        if let config {
            let file = directory.appendingPathComponent("superuser-config.json")
            try config.write(to: file, atomically: true, encoding: .utf8)
            args += ["--config", file.path]
        }
        process.arguments = args
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOBA_") }
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = Pipe()
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data((password + "\n").utf8))
        try input.fileHandleForWriting.close()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
    }

    /// A sidecar on a fresh database file holding one superuser, and that superuser's token.
    static func withAdmin(email: String = "admin@example.com", password: String = "admin passphrase 1",
                          extraArguments: [String] = ["--allow-test-clock"], config: String? = fastConfig) throws -> (Sidecar, JSONValue) {
        let directory = try makeDirectory()
        let database = try TestBackend.sharedDatabase(in: directory)
        let created = try createSuperuser(location: database, directory: directory, email: email, password: password, config: config)
        guard created.status == 0 else { throw TimedOut(what: "createsuperuser (exit \(created.status))", stderr: created.stderr) }
        let sidecar = try Sidecar(arguments: ["--db", database] + extraArguments, config: config, directory: directory)
        let token = try sidecar.result("auth.login", ["email": .string(email), "password": .string(password)])["token"]!
        return (sidecar, token)
    }

    /// Registers a user and logs in: `(userId, token)`.
    func registerAndLogin(_ email: String, password: String = "a long passphrase") throws -> (Int64, JSONValue) {
        let registered = try result("user.register", ["email": .string(email), "password": .string(password)])
        let login = try result("auth.login", ["email": .string(email), "password": .string(password)])
        return (registered["user"]?["id"]?.int64Value ?? -1, login["token"]!)
    }
}

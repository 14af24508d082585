import Foundation
import GRDB
import Testing
import TobaRPC

/// Start-up, shutdown and exit codes (PROTOCOL.md §2, §3).
@Suite struct LifecycleTests {
    private func register(_ email: String, id: String) -> String {
        Sidecar.requestLine("user.register", ["email": .string(email), "password": "a long passphrase"], id: .string(id))
    }

    // MARK: Orderly ends

    @Test func eofAnswersEverythingAlreadyReadThenExitsZero() throws {
        let sidecar = try Sidecar()
        var script = ""
        for i in 0..<30 {
            script += register("eof\(i)@example.com", id: "r\(i)") + "\n"
            script += Sidecar.requestLine("system.health", nil, id: .string("h\(i)")) + "\n"
            script += Sidecar.requestLine("websession.save", ["sessionKey": .string("eof\(i)"), "data": "x"], id: .string("w\(i)")) + "\n"
        }
        sidecar.write(Data(script.utf8))
        #expect(try sidecar.finish(timeout: 60) == 0)
        for i in 0..<30 {
            let registered = try sidecar.responses(withID: .string("r\(i)"))
            #expect(registered.count == 1)
            #expect(registered.first?["result"]?["user"]?["email"] == .string("eof\(i)@example.com"))
            #expect(try sidecar.responses(withID: .string("h\(i)")).count == 1)
            #expect(try sidecar.responses(withID: .string("w\(i)")).first?["result"]?["sessionKey"] == .string("eof\(i)"))
        }
        #expect(sidecar.lines.count == 90)
    }

    /// A signal after N slow requests were read: every one of them is still answered, then a clean
    /// exit. `rpc.discover` is answered without waiting for the ordered writer, so its answer proves
    /// that the N lines before it were read while they are still hashing.
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalFinishesTheRequestsAlreadyRead(_ signal: Int32) throws {
        let sidecar = try Sidecar(arguments: ["--db", ":memory:"], config: #"{"passwords": {"iterations": 100000}}"#)
        let count = 12
        var script = ""
        for i in 0..<count { script += register("sig\(i)@example.com", id: "r\(i)") + "\n" }
        script += Sidecar.requestLine("rpc.discover", nil, id: "read") + "\n"
        sidecar.write(Data(script.utf8))
        _ = try sidecar.response(id: "read")
        sidecar.signal(signal)
        #expect(try sidecar.waitForExit(timeout: 60) == 0)
        for i in 0..<count {
            let answers = try sidecar.responses(withID: .string("r\(i)"))
            #expect(answers.count == 1, "r\(i)")
            #expect(answers.first?["result"]?["user"]?["email"] == .string("sig\(i)@example.com"))
        }
        #expect(sidecar.stderrText.contains("signal"))
    }

    @Test func systemShutdownAnswersOkThenExitsZero() throws {
        let sidecar = try Sidecar()
        sidecar.send(register("before@example.com", id: "before"))
        let ok = try sidecar.result("system.shutdown")
        #expect(ok == ["ok": true])
        // stdin is still open: the exit comes from the shutdown alone.
        #expect(try sidecar.waitForExit(timeout: 30) == 0)
        #expect(try sidecar.responses(withID: "before").first?["result"]?["user"] != nil)
    }

    // MARK: Command line

    @Test func versionPrintsTheVersionTheServiceReports() throws {
        let run = try Sidecar.run(["--version"])
        #expect(run.status == 0)
        let sidecar = try Sidecar()
        let version = try sidecar.result("system.health")["version"]?.stringValue
        #expect(version != nil)
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == version)
    }

    @Test func helpDescribesTheSubcommands() throws {
        let run = try Sidecar.run(["--help"])
        #expect(run.status == 0)
        let text = run.stdout + run.stderr
        #expect(text.contains("serve"))
        #expect(text.contains("migrate"))
        #expect(text.contains("createsuperuser"))
        let serve = try Sidecar.run(["serve", "--help"])
        #expect(serve.status == 0)
        #expect((serve.stdout + serve.stderr).contains("--max-line-bytes"))
    }

    @Test(arguments: [
        ["--bogus"],
        ["serve", "--db", ":memory:", "--frobnicate"],
        ["serve", "--db", ":memory:", "--log-level", "loud"],
        ["serve", "--db", ":memory:", "--log-level", "critical"],
        ["serve", "--db", ":memory:", "--max-line-bytes", "abc"],
        ["serve", "--db", ":memory:", "--max-line-bytes", "0"],
        ["serve", "--db"],
        ["no-such-subcommand"],
        ["serve", "--db", ":memory:", "--config", "/nonexistent/toba-config.json"],
    ])
    func aBadOptionExitsOneWithAMessageAndNothingOnStdout(_ arguments: [String]) throws {
        let run = try Sidecar.run(arguments)
        #expect(run.status == 1)
        #expect(!run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(run.stdout.isEmpty)
    }

    @Test(arguments: [
        (#"{"passwords": {"iteration": 1000}}"#, "iteration"),
        (#"{"passwordz": 1}"#, "passwordz"),
        (#"{"passwords": {"iterations": "many"}}"#, "passwords.iterations"),
        (#"{"passwords": {"iterations": 0}}"#, "passwords.iterations"),
        (#"{"durability": "sometimes"}"#, "durability"),
        (#"{"rateLimits": {"loginFailedPerEmail": "5 per minute"}}"#, "loginFailedPerEmail"),
        (#"{"groupCommit": {"maxSize": 0}}"#, "groupCommit.maxSize"),
        (#"{"passwords": 1000}"#, "passwords"),
        (#"{nope"#, "JSON"),
        (#"[1]"#, "object"),
        (#""#, "JSON"),
    ])
    func anInvalidConfigExitsOneNamingTheProblem(_ config: String, _ mention: String) throws {
        let directory = try Sidecar.makeDirectory()
        let file = try Sidecar.writeFile(config, named: "config.json", in: directory)
        let run = try Sidecar.run(["serve", "--db", ":memory:", "--config", file])
        #expect(run.status == 1)
        #expect(run.stderr.contains(mention), "stderr: \(run.stderr)")
        #expect(run.stdout.isEmpty)
        // The environment variable is read the same way.
        let viaEnv = try Sidecar.run(["serve", "--db", ":memory:"], environment: ["TOBA_CONFIG": file])
        #expect(viaEnv.status == 1)
        #expect(viaEnv.stdout.isEmpty)
    }

    // MARK: Databases

    @Test func anUnreadableDatabaseExitsOne() throws {
        let directory = try Sidecar.makeDirectory()
        let garbage = directory.appendingPathComponent("garbage.sqlite")
        try Data(repeating: 0x5A, count: 8192).write(to: garbage)
        for path in ["/nonexistent-toba-dir/x.sqlite", directory.path, garbage.path] {
            let run = try Sidecar.run(["serve", "--db", path], environment: [:], directory: directory)
            #expect(run.status == 1, "\(path)")
            #expect(!run.stderr.isEmpty, "\(path)")
            #expect(run.stdout.isEmpty, "\(path)")
        }
    }

    @Test func migrateCreatesTheDatabaseAndPrintsNothingOnStdout() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("fresh.sqlite")
        let run = try Sidecar.run(["migrate", "--db", file.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(FileManager.default.fileExists(atPath: file.path))
        let tables = try SidecarDatabase.read(file) { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(tables.contains("users_user"))
        #expect(tables.contains("django_migrations"))
        // Migrating again is a no-op that succeeds.
        #expect(try Sidecar.run(["migrate", "--db", file.path]).status == 0)
    }

    @Test func aDatabaseMigratedByANewerReleaseIsRefused() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("newer.sqlite")
        #expect(try Sidecar.run(["migrate", "--db", file.path]).status == 0)
        try SidecarDatabase.write(file) { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')")
        }
        let serve = try Sidecar.run(["serve", "--db", file.path], stdin: Data(#"{"jsonrpc":"2.0","method":"system.health","id":1}"#.utf8 + [0x0A]))
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("newer"))
        #expect(serve.stdout.isEmpty)
        let migrate = try Sidecar.run(["migrate", "--db", file.path])
        #expect(migrate.status == 1)
        #expect(migrate.stdout.isEmpty)
    }

    @Test func theDatabasePathIsTakenFromTOBA_DB() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("from-env.sqlite")
        let sidecar = try Sidecar(arguments: ["serve"], environment: ["TOBA_DB": file.path], directory: directory)
        let health = try sidecar.result("system.health")
        #expect(health["database"]?["path"] == .string(file.path))
        #expect(health["database"]?["journalMode"] == "wal")
        #expect(try sidecar.finish() == 0)
        #expect(FileManager.default.fileExists(atPath: file.path))
        #expect(FileManager.default.fileExists(atPath: file.path + ".key"))
        // The option wins over the variable.
        let other = directory.appendingPathComponent("from-option.sqlite")
        let both = try Sidecar(arguments: ["--db", other.path], environment: ["TOBA_DB": file.path], directory: directory)
        #expect(try both.result("system.health")["database"]?["path"] == .string(other.path))
        #expect(try both.finish() == 0)
    }

    @Test func theOtherEnvironmentVariablesAreHonoured() throws {
        let sidecar = try Sidecar(arguments: ["--db", ":memory:"],
                                  environment: ["TOBA_ALLOW_TEST_CLOCK": "1", "TOBA_MAX_LINE_BYTES": "100", "TOBA_LOG_LEVEL": "trace"])
        #expect(try sidecar.result("system.clock.set", ["now": "2030-01-01T00:00:00Z"])["now"] == "2030-01-01T00:00:00.000000Z")
        sidecar.send(#"{"jsonrpc":"2.0","method":"system.health","id":"long","params":{}}"# + String(repeating: " ", count: 60))
        sidecar.send(#"{"jsonrpc":"2.0","method":"system.health","id":"short"}"#)
        _ = try sidecar.response(id: "short")
        #expect(try sidecar.finish() == 0)
        #expect(try sidecar.responses(withID: "long").isEmpty)
        #expect(try sidecar.parsedLines().contains { $0.errorReason == "too_large" })
        #expect(!sidecar.stderrText.isEmpty, "trace logging goes to stderr")
        let bad = try Sidecar.run(["serve", "--db", ":memory:"], environment: ["TOBA_LOG_LEVEL": "chatty"])
        #expect(bad.status == 1)
    }

    @Test func theSecretKeyFileIsCreatedPrivateAndReusedSoTokensSurviveARestart() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("keys.sqlite")
        let keyPath = file.path + ".key"
        let first = try Sidecar(arguments: ["--db", file.path], directory: directory)
        let (userId, token) = try first.registerAndLogin("keeper@example.com")
        #expect(try first.finish() == 0)

        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let key = try String(contentsOfFile: keyPath, encoding: .utf8)
        #expect(key.trimmingCharacters(in: .whitespacesAndNewlines).count >= 32)

        let second = try Sidecar(arguments: ["--db", file.path], directory: directory)
        let verified = try second.result("auth.verify", ["token": token])
        #expect(verified["userId"]?.int64Value == userId)
        #expect(try second.finish() == 0)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == key)

        // Another key signs other tokens: the old one is refused there.
        let otherKey = directory.appendingPathComponent("other.key").path
        let third = try Sidecar(arguments: ["--db", file.path, "--secret-key-file", otherKey], directory: directory)
        let refused = try third.error("auth.verify", ["token": token])
        #expect(refused["code"] == 1001)
        #expect(refused["data"]?["reason"] == "invalid_token")
        #expect(try third.finish() == 0)
        #expect(FileManager.default.fileExists(atPath: otherKey))
    }

    @Test func anUnusableSecretKeyFileExitsOne() throws {
        let directory = try Sidecar.makeDirectory()
        let short = try Sidecar.writeFile("too short\n", named: "short.key", in: directory)
        for keyFile in [short, "/nonexistent-toba-dir/secret.key"] {
            let run = try Sidecar.run(["serve", "--db", ":memory:", "--secret-key-file", keyFile])
            #expect(run.status == 1, "\(keyFile)")
            #expect(run.stderr.contains(keyFile), "\(keyFile): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    @Test func theTestClockIsMethodNotFoundWithoutTheFlag() throws {
        let sidecar = try Sidecar(arguments: ["--db", ":memory:"])
        let set = try sidecar.error("system.clock.set", ["now": "2030-01-01T00:00:00Z"])
        #expect(set["code"] == -32601)
        let advance = try sidecar.error("system.clock.advance", ["seconds": 10])
        #expect(advance["code"] == -32601)
        #expect(try sidecar.finish() == 0)
    }

    @Test func healthDescribesTheServiceAndItsDatabase() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("health.sqlite")
        let sidecar = try Sidecar(arguments: ["--db", file.path], directory: directory)
        let health = try sidecar.result("system.health")
        #expect(Set(health.objectValue?.keys ?? []) == ["status", "version", "schemaVersion", "database", "uptimeSeconds"])
        #expect(health["status"] == "ok")
        #expect((health["schemaVersion"]?.int64Value ?? 0) >= 1)
        #expect(health["database"]?["path"] == .string(file.path))
        #expect(health["database"]?["journalMode"] == "wal")
        #expect((health["database"]?["sizeBytes"]?.int64Value ?? 0) > 0)
        #expect((health["uptimeSeconds"]?.numberValue?.double ?? -1) >= 0)
        #expect(try sidecar.finish() == 0)
        let applied = try SidecarDatabase.read(file) { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations")
        }
        #expect(Int64(applied ?? -1) == health["schemaVersion"]?.int64Value)
    }

    /// A parent that stops reading our output (closes the pipe) must not kill us with SIGPIPE.
    @Test func aClosedStdoutDoesNotKillTheService() throws {
        let process = Process()
        process.executableURL = Sidecar.binary
        process.arguments = ["--db", ":memory:"]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOBA_") }
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try output.fileHandleForReading.close()
        var script = ""
        for i in 0..<200 { script += Sidecar.requestLine("system.health", nil, id: .number(JSONNumber(Int64(i)))) + "\n" }
        try? input.fileHandleForWriting.write(contentsOf: Data(script.utf8))
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test func createsuperuserMakesOneSuperuserAndRefusesBadInput() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("super.sqlite")
        let config = try Sidecar.writeFile(Sidecar.fastConfig, named: "config.json", in: directory)
        func create(_ email: String, _ stdin: String) throws -> Sidecar.Run {
            try Sidecar.run(["createsuperuser", "--db", file.path, "--email", email, "--config", config], stdin: Data(stdin.utf8))
        }
        let made = try create("Boss@Example.com", "boss passphrase 1\n")
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try JSONParser.parse(Array(made.stdout.utf8))["userId"]?.int64Value != nil)

        for (email, stdin) in [("boss@example.com", "boss passphrase 2\n"), ("weak@example.com", "123\n"),
                               ("nopassword@example.com", ""), ("not-an-email", "boss passphrase 3\n")] {
            let refused = try create(email, stdin)
            #expect(refused.status == 1, "\(email)")
            #expect(!refused.stderr.isEmpty, "\(email)")
        }

        let sidecar = try Sidecar(arguments: ["--db", file.path], directory: directory)
        let token = try #require(try sidecar.result("auth.login", ["email": "boss@example.com", "password": "boss passphrase 1"])["token"])
        let verified = try sidecar.result("auth.verify", ["token": token])
        #expect(verified["isStaff"] == true)
        #expect(verified["isSuperuser"] == true)
        #expect(try sidecar.error("auth.login", ["email": "weak@example.com", "password": "123"])["code"] == 1001)
        #expect(try sidecar.finish() == 0)
    }
}

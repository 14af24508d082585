import Foundation
import GRDB
import Synchronization
import Testing
import TobaRPC

/// The database file (PROTOCOL.md §3, §4): the durability it is written with, several processes
/// sharing it, a start-up waiting for its lock, and a failure of it behind the service's back.
@Suite struct DatabaseFileTests {
    /// A secret key file made up front, so that processes started together share one key and the
    /// test looks only at the database.
    private static func sharedKey(in directory: URL) throws -> String {
        try Sidecar.writeFile(String(repeating: "k", count: 50) + "\n", named: "shared.key", in: directory)
    }

    // MARK: Durability

    /// GRDB's WAL set-up sets `synchronous = NORMAL` after the connection's own preparation; the
    /// `full` default must still reach the writing connection (the log reports what SQLite says).
    @Test(arguments: [(nil, "synchronous=FULL"), (#"{"durability": "normal"}"#, "synchronous=NORMAL")])
    func theDurabilitySettingReachesTheWritingConnection(_ config: String?, _ expected: String) throws {
        let directory = try Sidecar.makeDirectory()
        let sidecar = try Sidecar(arguments: ["--db", directory.appendingPathComponent("d.sqlite").path],
                                  config: config, directory: directory)
        _ = try sidecar.result("system.health")
        #expect(try sidecar.finish() == 0)
        #expect(sidecar.stderrText.contains(expected), "stderr: \(sidecar.stderrText)")
    }

    // MARK: Several processes

    /// Processes started at the same moment on a new file: each one migrates or finds the schema
    /// migrated, none fails (WAL switch and migrations race; the losers wait and retry).
    @Test func processesStartingTogetherOnANewFileAllServe() throws {
        let directory = try Sidecar.makeDirectory()
        let key = try Self.sharedKey(in: directory)
        for round in 0..<6 {
            let file = directory.appendingPathComponent("new\(round).sqlite").path
            let health = Data((Sidecar.requestLine("system.health", nil, id: 1) + "\n").utf8)
            let runs = Mutex<[Sidecar.Run]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                let run = try? Sidecar.run(["--db", file, "--secret-key-file", key], stdin: health, directory: directory)
                runs.withLock { $0.append(run ?? Sidecar.Run(status: -1, stdout: "", stderr: "did not run")) }
            }
            for run in runs.withLock({ $0 }) {
                #expect(run.status == 0, "round \(round): \(run.stderr)")
                #expect(run.stdout.contains(#""status":"ok""#), "round \(round): \(run.stdout)")
            }
        }
    }

    /// Two processes writing one file as fast as they can, one commit per request: the busy
    /// timeout covers every `BEGIN IMMEDIATE`, so no request fails.
    @Test func twoProcessesWritingOneFileNeverFail() throws {
        let directory = try Sidecar.makeDirectory()
        let key = try Self.sharedKey(in: directory)
        let file = directory.appendingPathComponent("shared.sqlite").path
        let config = #"{"passwords": {"iterations": 1000}, "groupCommit": {"maxSize": 1}}"#
        _ = try Sidecar.run(["migrate", "--db", file])
        let sidecars = try (0..<2).map { _ in
            try Sidecar(arguments: ["--db", file, "--secret-key-file", key], config: config, directory: directory)
        }
        let perProcess = 300
        for (p, sidecar) in sidecars.enumerated() {
            var script = ""
            for i in 0..<perProcess {
                script += i.isMultiple(of: 3)
                    ? Sidecar.requestLine("user.register", ["email": .string("p\(p)u\(i)@example.com"), "password": "a long passphrase"], id: .number(JSONNumber(i))) + "\n"
                    : Sidecar.requestLine("websession.save", ["data": .string("p\(p) \(i)")], id: .number(JSONNumber(i))) + "\n"
            }
            sidecar.write(Data(script.utf8))
        }
        for sidecar in sidecars {
            #expect(try sidecar.finish(timeout: 120) == 0)
            let answers = try sidecar.parsedLines()
            #expect(answers.count == perProcess)
            let failures = answers.filter { $0["error"] != nil }
            #expect(failures.isEmpty, "\(failures.prefix(3).map { JSONWriter.string($0) })")
        }
    }

    // MARK: Signals during start-up

    /// SIGTERM while the process still waits for the database (another connection holds it
    /// locked): once the lock is gone, the start completes, nothing is read, and the exit is 0 —
    /// not death by the signal.
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalDuringStartUpEndsInACleanExit(_ signal: Int32) throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("locked.sqlite").path
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: file, configuration: config)
        try holder.inDatabase { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            try db.execute(sql: "CREATE TABLE held (x)")
        }
        let sidecar = try Sidecar(arguments: ["--db", file], config: nil, directory: directory)
        usleep(1_500_000)  // generous: under a loaded CI the process needs time to install its handlers
        #expect(sidecar.process.isRunning, "still waiting for the lock: \(sidecar.stderrText)")
        sidecar.signal(signal)
        usleep(300_000)
        try holder.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        try holder.close()
        #expect(try sidecar.waitForExit(timeout: 60) == 0)
        #expect(sidecar.process.terminationReason == .exit)
        #expect(sidecar.lines.isEmpty)
    }

    // MARK: Internal errors

    /// A storage failure (here: a table dropped behind the service's back) is -32603 with nothing
    /// but `internal_error`: no SQL, no table name, no path. The service goes on.
    @Test func aStorageFailureIsAnInternalErrorThatLeaksNothing() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("broken.sqlite")
        let sidecar = try Sidecar(arguments: ["--db", file.path], directory: directory)
        _ = try sidecar.result("websession.save", ["data": "before"])
        try SidecarDatabase.write(file) { db in try db.execute(sql: "DROP TABLE django_session") }
        let response = try sidecar.call("websession.save", ["data": "after"])
        #expect(response["error"] == ["code": -32603, "message": "Internal error", "data": ["reason": "internal_error"]])
        let line = sidecar.lines.first { $0.contains("-32603") } ?? ""
        for secret in ["django_session", "INSERT", "SQLite", directory.path] {
            #expect(!line.contains(secret), "\(line)")
        }
        #expect(try sidecar.result("system.health")["status"] == "ok")
        #expect(try sidecar.finish() == 0)
        #expect(sidecar.stderrText.contains("django_session"), "the detail is in the log")
    }
}

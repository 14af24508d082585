import Foundation
import Synchronization
import Testing
import TobaRPC

/// The request files in examples/ run as they are and do what their comments promise.
@Suite struct ExamplesTests {
    static func run(_ file: String, arguments: [String] = ["--db", ":memory:", "--allow-test-clock"]) throws -> [String: JSONValue] {
        let path = Sidecar.packageRoot.appendingPathComponent("examples/\(file)")
        let text = try String(contentsOf: path, encoding: .utf8)
        let sidecar = try Sidecar(arguments: arguments)
        sidecar.write(Data(text.utf8))
        #expect(try sidecar.finish() == 0)
        var byID: [String: JSONValue] = [:]
        for line in sidecar.lines {
            let value = try JSONParser.parse(Array(line.utf8))
            if let id = value["id"]?.stringValue { byID[id] = value }
        }
        // Lines without an id are notifications (the header "comment" is one): never answered.
        let requests = text.split(separator: "\n").filter { $0.contains(#""id":"#) }
        #expect(byID.count == requests.count, "every request of \(file) is answered once")
        #expect(!sidecar.lines.contains { $0.contains("-32603") }, "no internal error in \(file)")
        return byID
    }

    static func code(_ answer: JSONValue?) -> Int64? { answer?["error"]?["code"]?.int64Value }
    static func reason(_ answer: JSONValue?) -> String? { answer?["error"]?["data"]?["reason"]?.stringValue }

    @Test func accountsExampleShowsTheRulesItClaims() throws {
        let answers = try Self.run("accounts.jsonl")
        #expect(answers["register"]?["result"]?["user"]?["email"] == "siti@example.com")
        #expect(Self.reason(answers["register-again"]) == "email_taken")
        #expect(Self.reason(answers["too-common"]) == "password_too_common")
        #expect(Self.reason(answers["too-similar"]) == "password_too_similar")
        #expect(Self.reason(answers["numeric"]) == "password_entirely_numeric")
        #expect(Self.code(answers["resend-too-soon"]) == 1005)
        #expect(answers["resend"]?["result"]?["confirmation"]?["email"] == "siti@example.com")
        #expect(answers["resend-unknown"]?["result"]?["confirmation"] == .null)
        #expect(Self.code(answers["confirm-unknown"]) == 1003)
        #expect(Self.reason(answers["bad-5"]) == "invalid_credentials")
        #expect(Self.code(answers["rate-limited"]) == 1005)
        #expect(answers["rate-limited"]?["error"]?["data"]?["retryAfterSeconds"]?.int64Value == 300)
        #expect(answers["login"]?["result"]?["token"]?.stringValue?.split(separator: ".").count == 3)
        #expect(Self.reason(answers["verify-garbage"]) == "invalid_token")
        #expect(answers["reset-request"]?["result"]?["uid"] == "MQ")
        #expect(Self.reason(answers["reset-forged"]) == "invalid_token")
        #expect(answers["websession-load"]?["result"]?["data"]?["cart"]?[2] == 3)
        #expect(answers["websession-expired"]?["result"] == .null)
        #expect(answers["websession-clear"]?["result"]?["deleted"] == 1)
        #expect(Self.reason(answers["missing-token"]) == "invalid_token")
        #expect(answers["health"]?["result"]?["status"] == "ok")
    }
}

/// The client libraries in examples/clients run their demos, as written, against the built
/// binary, and print the same transcript. Each test is skipped (with a message) when its
/// interpreter is not installed.
@Suite struct ClientDemoTests {
    /// What both demos print, line for line (ids and statuses of a fresh database).
    static let transcript = [
        "admin: token minted for admin@example.com",
        "catalog: product 1, plan 1 (100000 IDR / 30 days), voucher LAUNCH-DEMO",
        "register: siti@example.com (user 2), confirmation sent",
        "confirm: siti@example.com verified",
        "login: session opened",
        "verify: user 2 siti@example.com groups trial",
        "claim: trial subscription on product 1",
        "claim again: Conflict 1004 already_claimed",
        "payment: pending 100000 IDR",
        "payment retry: same payment",
        "notify: settlement applied=true renewed=true",
        "wrong password: Unauthenticated 1001 invalid_credentials",
        "rate limit: RateLimited 1005 rate_limited",
        "crash: SidecarCrashed while auth.verify was in flight",
        "restart: new sidecar, session of user 2 still valid (restarts=1)",
        "closed: exit status 0",
    ]

    /// Runs `interpreter demo binary` with a deadline; returns the exit status, stdout and stderr.
    static func runDemo(_ interpreter: String, _ demo: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, Sidecar.packageRoot.appendingPathComponent("examples/clients/\(demo)").path,
                             Sidecar.binary.path]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TOBA_") }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 180, execute: watchdog)
        let collected = Mutex<Data>(Data())
        let stderrDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0 = data }
            stderrDone.signal()
        }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        stderrDone.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self),
                String(decoding: collected.withLock { $0 }, as: UTF8.self))
    }

    static func installed(_ name: String) -> Bool {
        ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        } ?? false
    }

    static func check(_ run: (status: Int32, stdout: String, stderr: String)) {
        #expect(run.status == 0, "stderr:\n\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines == transcript, "stdout:\n\(run.stdout)\nstderr:\n\(run.stderr)")
    }

    @Test(.enabled(if: installed("python3"), "python3 is not installed: the Python client demo was not run"))
    func pythonDemoRunsTheCustomerJourney() throws {
        Self.check(try Self.runDemo("python3", "python/demo.py"))
    }

    @Test(.enabled(if: installed("node"), "node is not installed: the Node client demo was not run"))
    func nodeDemoRunsTheCustomerJourney() throws {
        Self.check(try Self.runDemo("node", "node/demo.mjs"))
    }
}

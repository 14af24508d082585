import Foundation
import GRDB
import Testing
import TobaRPC

/// §4 under kill -9: `toba-register serve` is killed with SIGKILL at random points while mixed
/// writes stream in through its pipe (registrations, logins, feedback, web sessions, voucher
/// claims, payments; some in batches), then restarted on the same file, again and again.
///
/// After every kill the file must pass SQLite's integrity and foreign-key checks; every write
/// whose success answer was read before the kill must be there with the values the answer gave;
/// no write may be there twice or in part (a user without its profile, address, confirmation or
/// group; a claim without its subscription and history row; a payment without its idempotency
/// record). Writes in flight at the kill may or may not be there. After the restart, acknowledged
/// writes are also read back through the methods.
///
/// `TOBA_CRASH_KILLS=n` sets the number of kill points (default 12), `TOBA_CRASH_SEED=n` the seed
/// (default: a fresh one, printed, so each run explores other points).
@Suite struct CrashTests {
    static let config = #"{"passwords": {"iterations": 1000}, "durability": "full"}"#
    static let adminEmail = "crash-admin@example.com"
    static let adminPassword = "crash admin passphrase"

    @Test(.timeLimit(.minutes(60)))
    func everyAcknowledgedWriteSurvivesSIGKILLAndNoRequestIsAppliedInPart() throws {
        let environment = ProcessInfo.processInfo.environment
        let kills = max(2, environment["TOBA_CRASH_KILLS"].flatMap { Int($0) } ?? 12)
        let seed = environment["TOBA_CRASH_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1..<UInt64.max)
        print("crash harness: seed \(seed) (TOBA_CRASH_SEED=\(seed) repeats the workload), \(kills) kill points")
        var rng = SeededGenerator(seed: seed)

        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("crash.sqlite")
        var (workload, voucherId) = try Self.prepare(file, directory: directory)
        var audit = CrashAudit(voucherId: voucherId)
        var everyOp: [CrashOp] = []
        var stats = (sent: 0, acknowledged: 0, inFlight: 0, torn: 0)
        let started = Date()

        for round in 0..<kills {
            let context = "seed \(seed), kill \(round + 1)"
            let sidecar = try Sidecar(arguments: ["--db", file.path], config: Self.config, directory: directory)
            audit.failures += try Self.readBack(everyOp, through: sidecar, rng: &rng).map { "\(context): \($0)" }

            var (ops, lines) = workload.round(round, count: Int.random(in: 40...160, using: &rng), rng: &rng)
            let point = Self.killPoint(round, lines: lines.count, rng: &rng)
            let answeredBefore = sidecar.lines.count
            let written = DispatchSemaphore(value: 0)
            let script = Data(lines.map { $0 + "\n" }.joined().utf8)
            Thread.detachNewThread {
                sidecar.write(script)
                written.signal()
            }
            switch point {
            case .afterAnswers(let count): _ = try sidecar.waitForLines(answeredBefore + count, timeout: 60)
            case .afterDelay(let microseconds): usleep(microseconds)
            }
            sidecar.signal(SIGKILL)
            let status = try sidecar.waitForExit()
            written.wait()
            if status != SIGKILL { audit.failures.append("\(context): exit status \(status), not SIGKILL: \(sidecar.stderrText.suffix(1000))") }

            let (errors, torn) = CrashWorkload.acknowledge(&ops, lines: sidecar.lines)
            audit.failures += errors.map { "\(context): unexpected error answer: \($0)" }
            workload.adopt(ops)
            everyOp += ops
            let acknowledged = ops.filter { $0.result != nil }.count
            stats.sent += ops.count
            stats.acknowledged += acknowledged
            stats.inFlight += ops.count - acknowledged
            stats.torn += torn
            try audit.check(file, ops: everyOp, context: context)
            Self.trace("kill \(round + 1) (\(point)): \(ops.count) sent, \(acknowledged) acknowledged")
            if audit.failures.count > 50 { break }
        }

        let final = try Sidecar(arguments: ["--db", file.path], config: Self.config, directory: directory)
        audit.failures += try Self.readBack(everyOp, through: final, rng: &rng)
        #expect(try final.finish() == 0)

        print("""
            crash harness: seed \(seed): \(kills) kill points in \(Int(Date().timeIntervalSince(started))) s; \
            \(stats.sent) writes sent, \(stats.acknowledged) acknowledged before their kill, \(stats.inFlight) in flight at a kill, \
            \(stats.torn) torn answer lines; \(audit.acknowledgedChecked) checks of acknowledged writes passed \
            (each rechecked after every later kill); of the writes in flight, \(audit.unacknowledgedApplied) were found \
            applied whole and \(audit.unacknowledgedAbsent) absent (and stayed so); \(audit.failures.count) failures
            """)
        #expect(stats.acknowledged > 0)
        #expect(audit.failures.isEmpty, "seed \(seed): \(audit.failures.count) failures:\n\(audit.failures.prefix(50).joined(separator: "\n"))")
    }

    enum KillPoint: CustomStringConvertible {
        case afterAnswers(Int)
        case afterDelay(UInt32)

        var description: String {
            switch self {
            case .afterAnswers(let count): "after \(count) answer lines"
            case .afterDelay(let microseconds): "after \(microseconds / 1000) ms"
            }
        }
    }

    /// The first kill comes after every answer was read, the second right after the first
    /// answer (the cases of the old kill -9 tests); then after a random number of answer lines,
    /// or a random delay from the start of the write (0 included: mid-write, before any answer).
    static func killPoint(_ round: Int, lines: Int, rng: inout SeededGenerator) -> KillPoint {
        switch round {
        case 0: return .afterAnswers(lines)
        case 1: return .afterAnswers(1)
        default:
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 45 { return .afterAnswers(Int.random(in: 0...lines, using: &rng)) }
            if roll < 55 { return .afterDelay(0) }
            return .afterDelay(UInt32.random(in: 0...150_000, using: &rng))
        }
    }

    /// A superuser, a product with a plan, an unbound voucher valid now (real time: the service
    /// clock of a restarted process is the wall clock), and four logged-in users.
    static func prepare(_ file: URL, directory: URL) throws -> (CrashWorkload, Int64) {
        let created = try Sidecar.createSuperuser(database: file, email: adminEmail, password: adminPassword, config: config)
        guard created.status == 0 else { throw Sidecar.TimedOut(what: "createsuperuser (exit \(created.status))", stderr: created.stderr) }
        let sidecar = try Sidecar(arguments: ["--db", file.path], config: config, directory: directory)
        let admin = try sidecar.result("auth.login", ["email": .string(adminEmail), "password": .string(adminPassword)])["token"]!
        let product = try #require(try sidecar.result("product.create", ["token": admin, "name": "Crash Analytics"])["product"]?["id"])
        let plan = try #require(try sidecar.result("plan.create", [
            "token": admin, "productId": product, "name": "Monthly", "price": 100_000, "periodDays": 30,
        ])["plan"]?["id"])
        let now = Date()
        let voucher = try sidecar.result("voucher.create", [
            "token": admin, "code": "CRASH-2026", "name": "Crash test", "bound": false, "usage": 0,
            "validFrom": .string(VoucherConcurrencyTests.rfc3339(now.addingTimeInterval(-3600))),
            "validTo": .string(VoucherConcurrencyTests.rfc3339(now.addingTimeInterval(30 * 86_400))),
        ])
        let voucherId = try #require(voucher["voucher"]?["id"]?.int64Value)
        var users: [CrashUser] = []
        for i in 0..<4 {
            let (id, token) = try sidecar.registerAndLogin("crash-seed-\(i)@example.com")
            users.append(CrashUser(userId: id, token: token))
        }
        #expect(try sidecar.finish() == 0)
        let workload = CrashWorkload(productId: product, planId: plan, voucherCode: "CRASH-2026", users: users, unclaimed: users,
                                     known: Set(users.map(\.userId)))
        return (workload, voucherId)
    }

    /// Reads a few acknowledged writes back through the restarted process: a session token still
    /// verifies, a web session loads with its data, a payment is found by its owner, and a
    /// registered user logs in with the password it registered with.
    static func readBack(_ ops: [CrashOp], through sidecar: Sidecar, rng: inout SeededGenerator) throws -> [String] {
        var failures: [String] = []
        let acknowledged = ops.filter { $0.result != nil }
        for kind in [CrashOp.Kind.login, .websession, .payment, .register] {
            guard let op = acknowledged.filter({ $0.kind == kind }).randomElement(using: &rng), let result = op.result else { continue }
            let answer: JSONValue
            switch kind {
            case .login: answer = try sidecar.call("auth.verify", ["token": result["token"] ?? .null])
            case .websession: answer = try sidecar.call("websession.load", ["sessionKey": .string(op.key)])
            case .payment:
                answer = try sidecar.call("payment.get", ["token": op.params["token"] ?? .null, "paymentId": result["payment"]?["id"] ?? .null])
            default: answer = try sidecar.call("auth.login", ["email": .string(op.key), "password": .string(op.detail)])
            }
            let ok = switch kind {
            case .login: answer["result"]?["sessionId"] == result["session"]?["id"]
            case .websession: answer["result"]?["data"] == .string(op.detail)
            case .payment: answer["result"]?["payment"]?["id"] == result["payment"]?["id"]
            default: answer["result"]?["user"]?["id"] == result["user"]?["id"]
            }
            if !ok { failures.append("acknowledged \(op.method) \(op.id) read back through \(kind) as \(answer)") }
        }
        return failures
    }

    static func trace(_ line: @autoclosure () -> String) {
        if ProcessInfo.processInfo.environment["TOBA_CRASH_TRACE"] != nil { print("crash harness: " + line()) }
    }
}

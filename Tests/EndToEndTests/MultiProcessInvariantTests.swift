import Foundation
import Testing
import TobaRPC

/// §4 and §10: no invariant breaks when several sidecars serve one database, however their
/// requests interleave: the same file on the SQLite pass, one PostgreSQL database on the
/// PostgreSQL pass (`scripts/test.sh`). Requests are all written before any answer is read.
@Suite struct MultiProcessInvariantTests {
    /// Four sidecars beside `first`'s database, with `first` among them.
    private static func fleet(_ first: Sidecar, size: Int, config: String? = Sidecar.fastConfig) throws -> [Sidecar] {
        let database = try #require(first.databaseLocation)
        return try [first] + (1..<size).map { _ in
            try Sidecar(arguments: ["--db", database], config: config, directory: first.directory)
        }
    }

    @Test func oneAccountPerEmailInAnyCaseAcrossFourProcesses() throws {
        let (first, _) = try Sidecar.withAdmin(extraArguments: [])
        let processes = try Self.fleet(first, size: 4)
        let spellings = ["rush@example.com", "RUSH@example.com", "Rush@Example.com", "rush@EXAMPLE.COM"]
        var sent: [(Sidecar, JSONValue)] = []
        for round in 0..<5 {
            for (index, process) in processes.enumerated() {
                let id: JSONValue = .string("register-\(round)-\(index)")
                process.send(Sidecar.requestLine("user.register", [
                    "email": .string(spellings[(index + round) % spellings.count]), "password": "a long passphrase",
                ], id: id))
                sent.append((process, id))
            }
        }
        let answers = try sent.map { process, id in try process.response(id: id, timeout: 60) }

        #expect(answers.filter { $0["result"]?["user"] != nil }.count == 1)
        #expect(answers.filter { $0.errorReason == "email_taken" }.count == sent.count - 1)
        for process in processes { #expect(try process.finish() == 0) }
        let database = try #require(first.databaseLocation)
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM users_user WHERE lower(email) = 'rush@example.com'") == 1)
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM account_emailaddress WHERE lower(email) = 'rush@example.com'") == 1)
    }

    @Test func twoPaymentsSettledAtOnceAtTwoProcessesKeepOneSubscriptionAndRenewTwice() throws {
        let config = Shop.config()
        let (first, admin) = try Sidecar.withAdmin(extraArguments: [], config: config)
        let processes = try Self.fleet(first, size: 2, config: config)
        let product = try #require(try first.result("product.create", ["token": admin, "name": "Widya Analytics"])["product"]?["id"])
        let plan = try #require(try first.result("plan.create", [
            "token": admin, "productId": product, "name": "Monthly", "price": 100_000, "periodDays": 30,
        ])["plan"]?["id"])
        let (_, buyer) = try processes[1].registerAndLogin("buyer@example.com")
        var orders: [String] = []
        for _ in 0..<4 {
            orders.append(try #require(try first.result("payment.create", ["token": buyer, "planId": plan])["payment"]?["id"]?.stringValue))
        }

        var sent: [(Sidecar, JSONValue)] = []
        for (index, order) in orders.enumerated() {
            // Each settlement twice, at both processes: the gateway retries.
            for (copy, process) in processes.enumerated() {
                let id: JSONValue = .string("notify-\(index)-\(copy)")
                process.send(Sidecar.requestLine("payment.notify", [
                    "notification": Shop.notification(orderId: order, status: "settlement", gross: "100000.00"),
                ], id: id))
                sent.append((process, id))
            }
        }
        let answers = try sent.map { process, id in try process.response(id: id, timeout: 60) }

        #expect(answers.allSatisfy { $0["result"]?["applied"] == true })
        #expect(answers.filter { $0["result"]?["renewed"] == true }.count == orders.count, "each payment renews exactly once")
        let subscriptions = try first.result("subscription.get", ["token": buyer])["subscriptions"]?.arrayValue ?? []
        #expect(subscriptions.count == 1)
        let history = try first.result("subscription.history", ["token": buyer])["items"]?.arrayValue ?? []
        #expect(history.count == orders.count)
        for process in processes { #expect(try process.finish() == 0) }
        let database = try #require(first.databaseLocation)
        #expect(try TestBackend.integer(database, "SELECT COUNT(*) FROM subscriptions_subscription") == 1)
        // Four renewals of 30 days each, one after the other.
        #expect(try TestBackend.integer(database, """
            SELECT COUNT(*) FROM subscriptions_subscription
            WHERE period_end >= period_start AND status = 'active'
            """) == 1)
    }
}

import Foundation
import Testing
import TobaRPC

/// §4 and §8.8: a bound voucher is never over-claimed, even by concurrent claims arriving at two
/// processes that serve the same database.
@Suite struct VoucherConcurrencyTests {
    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    @Test func twentyClaimsAcrossTwoProcessesGiveExactlyFiveSuccesses() throws {
        // Real time on both processes: each has its own service clock.
        let (first, admin) = try Sidecar.withAdmin(extraArguments: [])
        let database = try #require(first.databaseLocation)
        let second = try Sidecar(arguments: ["--db", database], directory: first.directory)
        let processes = [first, second]

        _ = try first.result("product.create", ["token": admin, "name": "Widya Analytics"])
        let voucher = try first.result("voucher.create", [
            "token": admin, "code": "RUSH", "name": "Rush hour", "bound": true, "usage": 5,
            "validFrom": .string(Self.rfc3339(Date().addingTimeInterval(-3600))),
            "validTo": .string(Self.rfc3339(Date().addingTimeInterval(86_400))),
        ])
        let voucherId = try #require(voucher["voucher"]?["id"])
        var tokens: [JSONValue] = []
        for i in 0..<20 {
            tokens.append(try processes[i % 2].registerAndLogin("claimer\(i)@example.com").1)
        }

        // All twenty requests are written before any answer is read, alternating processes;
        // tokens of one process are used on the other half the time (same key file, same sessions).
        var ids: [(Sidecar, JSONValue)] = []
        for (i, token) in tokens.enumerated() {
            let process = processes[(i / 2 + i) % 2]
            let id: JSONValue = .string("claim-\(i)")
            process.send(Sidecar.requestLine("voucher.claim", ["token": token, "code": "rush"], id: id))
            ids.append((process, id))
        }
        let answers = try ids.map { process, id in try process.response(id: id, timeout: 60) }

        let succeeded = answers.filter { $0["result"]?["claim"] != nil }
        let exhausted = answers.filter { $0.errorReason == "voucher_exhausted" }
        #expect(succeeded.count == 5)
        #expect(exhausted.count == 15)
        #expect(succeeded.allSatisfy { $0["result"]?["subscription"]?["status"] == "trial" })
        let claims = try second.result("voucher.claims", ["token": admin, "voucherId": voucherId])
        #expect(claims["items"]?.arrayValue?.count == 5)
        #expect(try first.result("voucher.get", ["code": "RUSH"])["remaining"] == 0)

        #expect(try first.finish() == 0)
        #expect(try second.finish() == 0)
        let stored = try TestBackend.integer(database, "SELECT COUNT(*) FROM vouchers_invitation_claimed")
        let subscriptions = try TestBackend.integer(database, "SELECT COUNT(*) FROM subscriptions_subscription")
        #expect(stored == 5)
        #expect(subscriptions == 5, "a refused claim leaves no subscription behind")
    }
}

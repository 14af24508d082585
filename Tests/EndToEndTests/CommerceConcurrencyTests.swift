import Foundation
import Testing
import TobaRPC

/// §4 and §8.7: the gateway retrying one settlement at two processes that serve the same database
/// still renews the subscription exactly once.
@Suite struct CommerceConcurrencyTests {
    @Test func duplicateSettlementsAtTwoProcessesRenewOnce() throws {
        let config = Shop.config()
        let (first, admin) = try Sidecar.withAdmin(extraArguments: [], config: config)
        let second = try Sidecar(arguments: ["--db", try #require(first.databaseLocation)], config: config, directory: first.directory)
        let product = try #require(try first.result("product.create", ["token": admin, "name": "Widya Analytics"])["product"]?["id"])
        let plan = try #require(try first.result("plan.create", [
            "token": admin, "productId": product, "name": "Monthly", "price": 100_000, "periodDays": 30,
        ])["plan"]?["id"])
        let (_, buyer) = try second.registerAndLogin("buyer@example.com")
        let orderId = try #require(try second.result("payment.create", ["token": buyer, "planId": plan])["payment"]?["id"]?.stringValue)

        let body = Shop.notification(orderId: orderId, status: "settlement", gross: "100000.00")
        var sent: [(Sidecar, JSONValue)] = []
        for i in 0..<10 {
            let process = i % 2 == 0 ? first : second
            let id: JSONValue = .string("notify-\(i)")
            process.send(Sidecar.requestLine("payment.notify", ["notification": body], id: id))
            sent.append((process, id))
        }
        let answers = try sent.map { process, id in try process.response(id: id, timeout: 60) }

        #expect(answers.allSatisfy { $0["result"]?["applied"] == true })
        #expect(answers.filter { $0["result"]?["renewed"] == true }.count == 1)
        let history = try first.result("subscription.history", ["token": buyer])["items"]?.arrayValue ?? []
        #expect(history.count == 1)
        #expect(try first.finish() == 0)
        #expect(try second.finish() == 0)
    }
}

import Foundation
import GRDB
import Testing
import TobaRPC

/// §8.7, what a notification may not do: carry a status its signed `status_code` does not
/// stand for, leave its `signature_key` where the payment's owner reads it, or touch a
/// soft-deleted payment.
@Suite struct CommerceNotifyTrustTests {
    /// A shop with one plan and a buyer; `payments` new pending payments of the buyer.
    func shop(payments: Int = 1) throws -> (shop: Shop, buyer: JSONValue, payments: [JSONValue]) {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (_, buyer) = try shop.user("buyer@example.com")
        let made = try (0..<payments).map { _ in
            try #require(try shop.sidecar.result("payment.create", ["token": buyer, "planId": plan])["payment"])
        }
        return (shop, buyer, made)
    }

    func stored(_ shop: Shop, _ payment: JSONValue, token: JSONValue) throws -> JSONValue? {
        try shop.sidecar.result("payment.get", ["token": token, "paymentId": payment["id"] ?? .null])["payment"]
    }

    @Test func aDenySignedAsPendingIsRefusedAndTheLaterSettlementStillRenews() throws {
        // Given a pending payment and a genuine "pending" notification (status code 201)
        let (shop, buyer, payments) = try shop()
        let payment = payments[0]
        // When its transaction_status is swapped for "deny" (not covered by the signature)
        let swapped = try shop.notify(payment["id"], status: "deny", statusCode: "201")
        // Then it is refused and the payment stays pending, so the real settlement still counts
        #expect(swapped.errorCode == 1001)
        #expect(swapped.errorReason == "invalid_signature")
        #expect(try stored(shop, payment, token: buyer) == payment)
        let settled = try shop.notify(payment["id"], status: "settlement")
        #expect(settled["result"]?["renewed"] == true)
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func everyKnownStatusIsBelievedOnlyWithItsOwnStatusCode() throws {
        let expected: [String: String] = [
            "capture": "200", "settlement": "200", "refund": "200", "partial_refund": "200", "chargeback": "200",
            "partial_chargeback": "200", "pending": "201", "authorize": "201",
            "deny": "202", "cancel": "202", "expire": "202", "failure": "202",
        ]
        let (shop, buyer, payments) = try shop(payments: expected.count)
        for ((status, code), payment) in zip(expected.sorted(by: { $0.key < $1.key }), payments) {
            for wrong in ["200", "201", "202", "407"] where wrong != code {
                let refused = try shop.notify(payment["id"], status: status, statusCode: wrong)
                #expect(refused.errorReason == "invalid_signature", "\(status) with \(wrong)")
            }
            #expect(try stored(shop, payment, token: buyer) == payment, "\(status)")
            let believed = try shop.notify(payment["id"], status: status, statusCode: code)
            #expect(believed["result"] != nil, "\(status) with \(code): \(believed)")
        }
        #expect(try shop.sidecar.finish() == 0)
    }

    /// Writes into the SQLite file as an older release would (`json_set`): the SQLite pass only.
    @Test(.enabled(if: !TestBackend.isPostgreSQL, "edits a SQLite file"))
    func theNotificationsSignatureKeyIsNeitherStoredNorShown() throws {
        // Given a settled payment
        let (shop, buyer, payments) = try shop()
        let id = try #require(payments[0]["id"]?.stringValue)
        let settled = try shop.notify(payments[0]["id"], status: "settlement")
        // Then its details keep the notification's fields but not its signature
        let details = settled["result"]?["payment"]?["transactionDetails"]
        #expect(details?["transaction_id"] == "513f1f01-c9da-474c-9fc9-d5c64364b709")
        #expect(details?["signature_key"] == nil)
        #expect(try stored(shop, payments[0], token: buyer)?["transactionDetails"]?["signature_key"] == nil)
        #expect(try shop.sidecar.finish() == 0)
        let database = shop.sidecar.directory.appendingPathComponent("toba.sqlite")
        let text = try SidecarDatabase.read(database) { db in
            try String.fetchOne(db, sql: "SELECT transaction_details FROM payments_product WHERE id = ?",
                                arguments: [id.replacingOccurrences(of: "-", with: "")])
        }
        #expect(text?.contains("signature_key") == false)
        #expect(text?.contains("transaction_id") == true)

        // And a signature an older release stored is not shown either
        try SidecarDatabase.write(database) { db in
            try db.execute(sql: "UPDATE payments_product SET transaction_details = json_set(transaction_details, '$.signature_key', 'abc')")
        }
        let again = try Sidecar(arguments: ["--db", database.path], config: Shop.config(), directory: shop.sidecar.directory)
        let shown = try again.result("payment.get", ["token": buyer, "paymentId": .string(id)])["payment"]
        #expect(shown?["transactionDetails"]?["transaction_id"] != nil)
        #expect(shown?["transactionDetails"]?["signature_key"] == nil)
        let listed = try again.result("payment.list", ["token": buyer])["items"]?[0]
        #expect(listed?["transactionDetails"]?["signature_key"] == nil)
        #expect(try again.finish() == 0)
    }

    @Test func aNotificationForADeletedPaymentIsNotFoundAndRenewsNothing() throws {
        // Given a payment the admin soft-deleted
        let (shop, buyer, payments) = try shop()
        let deleted = try shop.sidecar.result("payment.delete", ["token": shop.admin, "paymentId": payments[0]["id"] ?? .null])
        #expect(deleted["payment"]?["deletedAt"] != .null)
        // When its settlement arrives
        let late = try shop.notify(payments[0]["id"], status: "settlement")
        // Then it is Not found, and nothing was renewed or changed
        #expect(late.errorCode == 1003)
        #expect(try shop.subscription(buyer) == nil)
        #expect(try shop.history(buyer).isEmpty)
        let seen = try shop.sidecar.result("payment.get", ["token": shop.admin, "paymentId": payments[0]["id"] ?? .null])["payment"]
        #expect(seen?["transactionStatus"] == "pending")
        #expect(try shop.sidecar.finish() == 0)
    }
}

import Foundation
import GRDB
import Testing
import TobaRPC

/// The commerce domain through the binary: one purchase from order to renewal, how its errors
/// are spelt on the wire, and the periodic sweep on its timer. The rules themselves are tested
/// in-process (`PaymentNotificationTests`, `SubscriptionRenewalTests`, `VoucherClaimTests`, …).
@Suite struct CommerceSmokeTests {
    @Test func aBuyerPaysThroughTheGatewayAndIsRenewed() throws {
        // Given a shop with a plan and a buyer who ordered it
        let shop = try Shop()
        let product = try shop.product()
        let plan = try shop.plan(product)
        let (_, buyer) = try shop.user("buyer@example.com")
        let payment = try #require(try shop.sidecar.result("payment.create", ["token": buyer, "planId": plan])["payment"])
        #expect(payment["transactionStatus"] == "pending")
        // When the gateway's settlement comes through `payment.notify`
        let settled = try shop.notify(payment["id"], status: "settlement")
        // Then the buyer is renewed and paid
        #expect(settled["result"]?["renewed"] == true)
        #expect(try shop.subscription(buyer)?["periodEnd"] == .string(Shop.at(days: 30)))
        #expect(try shop.groups(buyer) == ["paid"])
        #expect(try shop.history(buyer).count == 1)

        // And refusals carry their codes and reasons
        let forged = try shop.notify(payment["id"], status: "settlement", key: "not-the-server-key")
        #expect(forged.errorCode == 1001)
        #expect(forged.errorReason == "invalid_signature")
        #expect(try shop.notify(payment["id"], status: "settlement", gross: "1000.00").errorCode == 1004)
        #expect(try shop.notify(.string(UUID().uuidString.lowercased()), status: "settlement").errorCode == 1003)
        let missing = try shop.sidecar.call("payment.notify", ["notification": ["order_id": payment["id"] ?? .null]])
        #expect(missing.errorCode == -32602)
        #expect(missing["error"]?["data"]?["field"] == "notification.status_code")
        let fractional = try shop.sidecar.error("plan.create", ["token": shop.admin, "productId": product, "name": "X",
                                                                "price": .number(JSONNumber(1.5)!), "periodDays": 1])
        #expect(fractional["code"] == -32602)
        #expect(try shop.sidecar.error("product.create", ["token": shop.admin, "name": "A", "price": 1])["data"]?["reason"] == "unknown")
        try shop.sidecar.advanceClock(seconds: 30 * 86_400)
        let late = try shop.sidecar.error("subscription.cancel", ["token": buyer, "productId": product])
        #expect(late["code"] == 1006)
        #expect(late["data"]?["reason"] == "subscription_expired")
        #expect(try shop.sidecar.finish() == 0)
    }

    /// `Maintenance`: every `subscriptions.sweepIntervalSeconds` of real time, lapsed
    /// subscriptions expire as of the service clock, and idempotency keys older than a day go.
    @Test func theSweepRunsOnItsTimer() throws {
        // Given a subscription that lapsed a day ago, an idempotency key a day old and one half a day old
        let shop = try Shop(config: Shop.config(#", "subscriptions": {"sweepIntervalSeconds": 1}"#))
        let plan = try shop.plan(try shop.product())
        let (userId, user) = try shop.user("ana@example.com")
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])
        // (the keys are the admin's: a call of Ana's would expire her subscription as it reads it)
        _ = try shop.sidecar.result("payment.create", ["token": shop.admin, "planId": plan, "idempotencyKey": "old"])
        try shop.sidecar.advanceClock(seconds: 30 * 86_400 + 43_200)
        _ = try shop.sidecar.result("payment.create", ["token": shop.admin, "planId": plan, "idempotencyKey": "new"])
        let lapsed = try shop.sidecar.advanceClock(seconds: 43_200)
        // When the timer fires, with nobody reading
        Thread.sleep(forTimeInterval: 2.5)
        try shop.sidecar.advanceClock(seconds: 3600)
        // Then the subscription expired at the sweep's time (a read would stamp its own) and the old key is gone
        let subscription = try #require(try shop.subscription(user))
        #expect(subscription["status"] == "expired")
        #expect(subscription["updatedAt"] == .string(lapsed))
        #expect(try shop.groups(user) == ["trial"])
        #expect(try shop.sidecar.finish() == 0)
        let keys = try TestBackend.texts(try #require(shop.sidecar.databaseLocation), "SELECT key FROM toba_idempotency")
        #expect(keys == ["new"])
    }
}

import Foundation
import GRDB
import Testing
import TobaRPC

/// §8.7 end to end: orders, Midtrans notifications (signature, transitions, one renewal per
/// payment), visibility, soft delete and the idempotency of payment.create.
@Suite struct CommercePaymentTests {
    /// A shop with one plan and one buyer who created a payment for it.
    struct Order {
        let shop: Shop
        let plan: JSONValue
        let buyer: JSONValue
        let payment: JSONValue
        var id: JSONValue? { payment["id"] }
    }

    func order(config: String = Shop.config()) throws -> Order {
        let shop = try Shop(config: config)
        let plan = try shop.plan(try shop.product())
        let (_, buyer) = try shop.user("buyer@example.com")
        let payment = try #require(try shop.sidecar.result("payment.create", ["token": buyer, "planId": plan])["payment"])
        return Order(shop: shop, plan: plan, buyer: buyer, payment: payment)
    }

    @Test func aNewPaymentIsPendingWithTheOrderDetails() throws {
        let o = try order()
        #expect(o.payment["transactionStatus"] == "pending")
        #expect(o.payment["id"]?.stringValue?.count == 36)
        #expect(keysSorted(o.payment["transactionDetails"]) == keysSorted(["orderId": o.id!, "grossAmount": 100_000, "currency": "IDR", "planId": o.plan]))
        #expect(o.payment["subscriptionPlanId"] == o.plan)
        #expect(o.payment["deletedAt"] == .null)
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func aSettlementWithAGoodSignatureRenewsTheSubscriptionOnce() throws {
        let o = try order()
        let settled = try o.shop.notify(o.id, status: "settlement")
        #expect(settled["result"]?["renewed"] == true)
        #expect(settled["result"]?["payment"]?["transactionStatus"] == "settlement")
        #expect(settled["result"]?["payment"]?["transactionDetails"]?["payment_type"] == "bank_transfer")
        #expect(settled["result"]?["payment"]?["transactionDetails"]?["grossAmount"] == 100_000)
        let subscription = try #require(try o.shop.subscription(o.buyer))
        #expect(subscription["status"] == "active")
        #expect(subscription["periodEnd"] == .string(Shop.at(days: 30)))
        let history = try o.shop.history(o.buyer)
        #expect(history.count == 1)
        #expect(history.first?["adminId"] == .null)
        #expect(history.first?["pricePaid"] == 100_000)
        #expect(try o.shop.groups(o.buyer) == ["paid"])

        let replay = try o.shop.notify(o.id, status: "settlement")
        #expect(replay["result"]?["renewed"] == false)
        #expect(try o.shop.history(o.buyer).count == 1)
        #expect(try o.shop.subscription(o.buyer)?["periodEnd"] == .string(Shop.at(days: 30)))
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func aBadSignatureIsRefusedAndChangesNothing() throws {
        let o = try order()
        let forged = try o.shop.notify(o.id, status: "settlement", key: "not-the-server-key")
        #expect(forged.errorCode == 1001)
        #expect(forged.errorReason == "invalid_signature")
        let payment = try o.shop.sidecar.result("payment.get", ["token": o.buyer, "paymentId": o.id!])["payment"]
        #expect(payment == o.payment)
        #expect(try o.shop.subscription(o.buyer) == nil)
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func aSettlementCarryingAPendingStatusCodeIsRefused() throws {
        // transaction_status is not signed; status_code is. A pending notification's signature
        // (status code 201) replayed with "settlement" must not bring the money in.
        let o = try order()
        let swapped = try o.shop.notify(o.id, status: "settlement", statusCode: "201")
        #expect(swapped.errorCode == 1001)
        #expect(swapped.errorReason == "invalid_signature")
        let payment = try o.shop.sidecar.result("payment.get", ["token": o.buyer, "paymentId": o.id!])["payment"]
        #expect(payment == o.payment)
        #expect(try o.shop.subscription(o.buyer) == nil)
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func aLatePendingNeverMovesASettledPaymentBack() throws {
        let o = try order()
        _ = try o.shop.notify(o.id, status: "settlement")
        let late = try o.shop.notify(o.id, status: "pending", statusCode: "201")
        #expect(late["result"]?["applied"] == false)
        #expect(late["result"]?["payment"]?["transactionStatus"] == "settlement")
        #expect(late["result"]?["payment"]?["transactionDetails"]?["status_code"] == "200")
        let expire = try o.shop.notify(o.id, status: "expire")
        #expect(expire["result"]?["applied"] == false)
        let refund = try o.shop.notify(o.id, status: "refund")
        #expect(refund["result"]?["applied"] == true)
        #expect(refund["result"]?["renewed"] == false)
        #expect(try o.shop.history(o.buyer).count == 1)
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func anAcceptedCaptureRenewsAndTheLaterSettlementDoesNotRenewAgain() throws {
        let o = try order()
        let challenged = try o.shop.notify(o.id, status: "capture", fraud: "challenge")
        #expect(challenged["result"]?["renewed"] == false)
        #expect(try o.shop.subscription(o.buyer) == nil)

        let accepted = try o.shop.notify(o.id, status: "capture", fraud: "accept")
        #expect(accepted["result"]?["renewed"] == true)
        let settled = try o.shop.notify(o.id, status: "settlement", fraud: "accept")
        #expect(settled["result"]?["renewed"] == false)
        #expect(settled["result"]?["payment"]?["transactionStatus"] == "settlement")
        #expect(try o.shop.history(o.buyer).count == 1)
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func aDeniedPaymentNeverRenews() throws {
        let o = try order()
        #expect(try o.shop.notify(o.id, status: "deny", statusCode: "202")["result"]?["applied"] == true)
        #expect(try o.shop.notify(o.id, status: "settlement")["result"]?["applied"] == false)
        #expect(try o.shop.subscription(o.buyer) == nil)
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func aNotificationForAnotherAmountOrAnUnknownOrderIsRefused() throws {
        let o = try order()
        let cheaper = try o.shop.notify(o.id, status: "settlement", gross: "1000.00")
        #expect(cheaper.errorCode == 1004)
        #expect(cheaper.errorReason == "amount_mismatch")
        #expect(try o.shop.notify(o.id, status: "settlement", gross: "100000.50").errorReason == "amount_mismatch")
        #expect(try o.shop.notify(.string(UUID().uuidString.lowercased()), status: "settlement").errorCode == 1003)
        #expect(try o.shop.subscription(o.buyer) == nil)
        let missing = try o.shop.sidecar.call("payment.notify", ["notification": ["order_id": o.id!]])
        #expect(missing.errorCode == -32602)
        #expect(missing["error"]?["data"]?["field"] == "notification.status_code")
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func notificationsAreRefusedUntilAServerKeyIsConfigured() throws {
        let o = try order(config: #"{"passwords": {"iterations": 1000}}"#)
        let refused = try o.shop.notify(o.id, status: "settlement")
        #expect(refused.errorCode == 1007)
        #expect(refused.errorReason == "not_configured")
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func paymentsAreVisibleToTheirOwnerAndToAdminsOnly() throws {
        let o = try order()
        let (_, other) = try o.shop.user("other@example.com")
        #expect(try o.shop.sidecar.result("payment.get", ["token": o.buyer, "paymentId": o.id!])["payment"]?["id"] == o.id)
        #expect(try o.shop.sidecar.error("payment.get", ["token": other, "paymentId": o.id!])["code"] == 1003)
        #expect(try o.shop.sidecar.result("payment.get", ["token": o.shop.admin, "paymentId": o.id!])["payment"]?["id"] == o.id)
        #expect(try o.shop.sidecar.result("payment.list", ["token": o.buyer])["items"]?.arrayValue?.count == 1)
        #expect(try o.shop.sidecar.result("payment.list", ["token": other])["items"]?.arrayValue?.isEmpty == true)
        #expect(try o.shop.sidecar.error("payment.list", ["token": other, "userId": 2])["code"] == 1002)
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func deletingIsAnAdminSoftDeleteThatHidesThePayment() throws {
        let o = try order()
        let denied = try o.shop.sidecar.error("payment.delete", ["token": o.buyer, "paymentId": o.id!])
        #expect(denied["data"]?["permission"] == "payments.delete_product")

        let deleted = try o.shop.sidecar.result("payment.delete", ["token": o.shop.admin, "paymentId": o.id!])
        #expect(deleted["payment"]?["deletedAt"] == .string(Shop.start))
        _ = try o.shop.sidecar.result("payment.delete", ["token": o.shop.admin, "paymentId": o.id!])

        #expect(try o.shop.sidecar.result("payment.list", ["token": o.buyer])["items"]?.arrayValue?.isEmpty == true)
        #expect(try o.shop.sidecar.error("payment.get", ["token": o.buyer, "paymentId": o.id!])["code"] == 1003)
        #expect(try o.shop.sidecar.result("payment.get", ["token": o.shop.admin, "paymentId": o.id!])["payment"]?["deletedAt"] != .null)
        let log = try o.shop.adminLog().filter { $0["appLabel"] == "payments" }
        #expect(log.count == 1)
        #expect(log.first?["actionFlag"] == 3)
        #expect(log.first?["objectId"] == o.id)
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func createWithAnIdempotencyKeyReturnsTheFirstPaymentForADay() throws {
        let o = try order()
        let params: JSONValue = ["token": o.buyer, "planId": o.plan, "idempotencyKey": "checkout-7"]
        let first = try o.shop.sidecar.result("payment.create", params)
        try o.shop.sidecar.advanceClock(seconds: 86_399)
        #expect(try o.shop.sidecar.result("payment.create", params) == first)
        let otherPlan = try o.shop.plan(try o.shop.product("Other"), price: 5_000)
        let mismatch = try o.shop.sidecar.error("payment.create", ["token": o.buyer, "planId": otherPlan, "idempotencyKey": "checkout-7"])
        #expect(mismatch["data"]?["reason"] == "idempotency_mismatch")
        let (_, other) = try o.shop.user("other@example.com")
        let theirs = try o.shop.sidecar.result("payment.create", ["token": other, "planId": o.plan, "idempotencyKey": "checkout-7"])
        #expect(theirs["payment"]?["id"] != first["payment"]?["id"])

        try o.shop.sidecar.advanceClock(seconds: 1)
        let fresh = try o.shop.sidecar.result("payment.create", params)
        #expect(fresh["payment"]?["id"] != first["payment"]?["id"])
        #expect(try o.shop.sidecar.result("payment.list", ["token": o.buyer])["items"]?.arrayValue?.count == 3)
        #expect(try o.shop.sidecar.finish() == 0)
    }

    @Test func theSweepForgetsIdempotencyKeysOlderThanADay() throws {
        let o = try order(config: Shop.config(#", "subscriptions": {"sweepIntervalSeconds": 1}"#))
        _ = try o.shop.sidecar.result("payment.create", ["token": o.buyer, "planId": o.plan, "idempotencyKey": "old"])
        try o.shop.sidecar.advanceClock(seconds: 3600)
        _ = try o.shop.sidecar.result("payment.create", ["token": o.buyer, "planId": o.plan, "idempotencyKey": "new"])
        try o.shop.sidecar.advanceClock(seconds: 86_400 - 1800)

        Thread.sleep(forTimeInterval: 2.5)
        #expect(try o.shop.sidecar.finish() == 0)

        let keys = try TestBackend.texts(try #require(o.shop.sidecar.databaseLocation), "SELECT key FROM toba_idempotency")
        #expect(keys == ["new"])
    }

    @Test func aPlanOfAnInactiveProductCannotBeBought() throws {
        let shop = try Shop()
        let product = try shop.product("Retired", active: false)
        let plan = try shop.plan(product)
        let (_, buyer) = try shop.user("buyer@example.com")
        let refused = try shop.sidecar.error("payment.create", ["token": buyer, "planId": plan])
        #expect(refused["data"]?["reason"] == "product_inactive")
        #expect(try shop.sidecar.error("payment.create", ["token": buyer, "planId": 999])["code"] == 1003)
        #expect(try shop.sidecar.finish() == 0)
    }
}

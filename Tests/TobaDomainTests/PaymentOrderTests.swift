import Testing
import TobaRPC
import TobaStore
import TobaTestSupport
@testable import TobaDomain

/// §8.7 orders: a new payment, what can be bought, and Stripe's idempotency rule on
/// `payment.create` (per user, 24 h, forgotten by the sweep).
@Suite struct PaymentOrderTests {
    @Test func aNewPaymentIsPendingWithTheOrderDetails() async throws {
        // Given a plan of 100,000
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product())
        let buyer = try t.user("buyer@example.com")
        // When the buyer orders it
        let payment = try #require(try t.createPayment(as: buyer, plan: plan)["payment"])
        // Then the payment is pending, its id is the gateway's order id, its details the order's
        #expect(payment["transactionStatus"] == "pending")
        #expect(payment["id"]?.stringValue?.count == 36)
        #expect(keysSorted(payment["transactionDetails"]) == keysSorted([
            "orderId": payment["id"] ?? .null, "grossAmount": 100_000, "currency": "IDR", "planId": .number(JSONNumber(plan)),
        ]))
        #expect(payment["subscriptionPlanId"] == .number(JSONNumber(plan)))
        #expect(payment["deletedAt"] == .null)
    }

    @Test func aPlanOfAnInactiveProductCannotBeBought() async throws {
        // Given a plan of a retired product
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product("Retired", active: false))
        let buyer = try t.user("buyer@example.com")
        // When the buyer orders it, or a plan that does not exist
        let retired = #expect(throws: DomainError.self) { try t.createPayment(as: buyer, plan: plan) }
        let unknown = #expect(throws: DomainError.self) { try t.createPayment(as: buyer, plan: 999) }
        // Then both are refused
        #expect(retired == DomainError(.productInactive))
        #expect(unknown?.kind == .notFound)
        #expect(try t.paymentIds(as: buyer).isEmpty)
    }

    @Test func createWithAnIdempotencyKeyReturnsTheFirstPaymentForADay() async throws {
        // Given a buyer who ordered with a key
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product())
        let buyer = try t.user("buyer@example.com")
        let first = try t.createPayment(as: buyer, plan: plan, key: "checkout-7")
        // When the same order comes again within the day
        t.advance(seconds: 86_399)
        // Then it answers the first payment
        #expect(try t.createPayment(as: buyer, plan: plan, key: "checkout-7") == first)
        // And the key with other params is a mismatch
        let otherPlan = try t.plan(try t.product("Other"), price: 5_000)
        let mismatch = #expect(throws: DomainError.self) { try t.createPayment(as: buyer, plan: otherPlan, key: "checkout-7") }
        #expect(mismatch == DomainError(.idempotencyMismatch))
        // And another user's key of the same name is theirs
        let other = try t.user("other@example.com")
        let theirs = try t.createPayment(as: other, plan: plan, key: "checkout-7")
        #expect(theirs["payment"]?["id"] != first["payment"]?["id"])

        // When the day is over
        t.advance(seconds: 1)
        // Then the key makes a new payment
        let fresh = try t.createPayment(as: buyer, plan: plan, key: "checkout-7")
        #expect(fresh["payment"]?["id"] != first["payment"]?["id"])
        #expect(try t.paymentIds(as: buyer).count == 2)
    }

    @Test func theSweepForgetsIdempotencyKeysOlderThanADay() async throws {
        // Given a key used 24.5 h ago and one used 23.5 h ago
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product())
        let buyer = try t.user("buyer@example.com")
        try t.createPayment(as: buyer, plan: plan, key: "old")
        t.advance(seconds: 3600)
        try t.createPayment(as: buyer, plan: plan, key: "new")
        t.advance(seconds: 86_400 - 1800)
        // When the periodic sweep runs (`Maintenance.sweep`)
        let forgotten = try t.write { db in try Idempotency.sweep(db, now: t.clock.now()) }
        // Then only the old key is gone
        #expect(forgotten == 1)
        #expect(try t.write { db in try String.fetchAll(db, sql: "SELECT key FROM toba_idempotency") } == ["new"])
    }
}

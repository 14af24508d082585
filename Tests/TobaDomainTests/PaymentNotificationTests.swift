import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.7: what a Midtrans notification does to a payment — its signature, the status machine of
/// `PaymentStatus`, one renewal per payment, replays and late deliveries.
@Suite struct PaymentNotificationTests {
    /// A shop with one plan and a buyer who created a pending payment for it.
    struct Order {
        let t: TestDatabase
        let plan: Int64
        let buyer: TestDatabase.Caller
        let payment: JSONValue
        var id: JSONValue? { payment["id"] }
    }

    func order(configure: (inout Settings) -> Void = { _ in }) async throws -> Order {
        let t = try await TestDatabase(configure: configure)
        let plan = try t.plan(try t.product())
        let buyer = try t.user("buyer@example.com")
        let payment = try #require(try t.createPayment(as: buyer, plan: plan)["payment"])
        return Order(t: t, plan: plan, buyer: buyer, payment: payment)
    }

    @Test func aSettlementWithAGoodSignatureRenewsTheSubscriptionOnce() async throws {
        // Given a pending payment
        let o = try await order()
        // When the gateway settles it
        let settled = try o.t.notify(o.id, status: "settlement")
        // Then the buyer's subscription runs for the plan's 30 days, paid, without an admin
        #expect(settled["renewed"] == true)
        #expect(settled["payment"]?["transactionStatus"] == "settlement")
        #expect(settled["payment"]?["transactionDetails"]?["payment_type"] == "bank_transfer")
        #expect(settled["payment"]?["transactionDetails"]?["grossAmount"] == 100_000)
        let subscription = try #require(try o.t.subscription(o.buyer))
        #expect(subscription["status"] == "active")
        #expect(subscription["periodEnd"] == .string(TestDatabase.at(days: 30).rfc3339))
        let history = try o.t.history(o.buyer)
        #expect(history.count == 1)
        #expect(history.first?["adminId"] == .null)
        #expect(history.first?["pricePaid"] == 100_000)
        #expect(try o.t.groups(o.buyer) == ["paid"])

        // And a replay of the same notification renews nothing more
        let replay = try o.t.notify(o.id, status: "settlement")
        #expect(replay["renewed"] == false)
        #expect(try o.t.history(o.buyer).count == 1)
        #expect(try o.t.subscription(o.buyer)?["periodEnd"] == .string(TestDatabase.at(days: 30).rfc3339))
    }

    @Test func aBadSignatureIsRefusedAndChangesNothing() async throws {
        // Given a pending payment
        let o = try await order()
        // When a notification arrives signed with another key
        let forged = #expect(throws: DomainError.self) { try o.t.notify(o.id, status: "settlement", key: "not-the-server-key") }
        // Then it is refused and the payment and the subscriptions are as they were
        #expect(forged == DomainError(.invalidSignature))
        #expect(try o.t.payment(o.id, as: o.buyer) == o.payment)
        #expect(try o.t.subscription(o.buyer) == nil)
    }

    @Test func aSettlementCarryingAPendingStatusCodeIsRefused() async throws {
        // Given a pending payment
        let o = try await order()
        // When a pending notification's signature (status code 201) comes with "settlement":
        // transaction_status is not signed, status_code is
        let swapped = #expect(throws: DomainError.self) { try o.t.notify(o.id, status: "settlement", statusCode: "201") }
        // Then the money is not in
        #expect(swapped == DomainError(.invalidSignature))
        #expect(try o.t.payment(o.id, as: o.buyer) == o.payment)
        #expect(try o.t.subscription(o.buyer) == nil)
    }

    @Test func aLatePendingNeverMovesASettledPaymentBack() async throws {
        // Given a settled payment
        let o = try await order()
        try o.t.notify(o.id, status: "settlement")
        // When a pending and an expiry notification arrive late
        let late = try o.t.notify(o.id, status: "pending", statusCode: "201")
        let expire = try o.t.notify(o.id, status: "expire")
        // Then neither is applied (nor stored)
        #expect(late["applied"] == false)
        #expect(late["payment"]?["transactionStatus"] == "settlement")
        #expect(late["payment"]?["transactionDetails"]?["status_code"] == "200")
        #expect(expire["applied"] == false)
        // And a refund is, without renewing again
        let refund = try o.t.notify(o.id, status: "refund")
        #expect(refund["applied"] == true)
        #expect(refund["renewed"] == false)
        #expect(try o.t.history(o.buyer).count == 1)
    }

    @Test func anAcceptedCaptureRenewsAndTheLaterSettlementDoesNotRenewAgain() async throws {
        // Given a pending payment
        let o = try await order()
        // When a capture is challenged by the fraud check
        let challenged = try o.t.notify(o.id, status: "capture", fraud: "challenge")
        // Then the money is not in yet
        #expect(challenged["renewed"] == false)
        #expect(try o.t.subscription(o.buyer) == nil)
        // When the capture is accepted, then settled
        let accepted = try o.t.notify(o.id, status: "capture", fraud: "accept")
        let settled = try o.t.notify(o.id, status: "settlement", fraud: "accept")
        // Then the accepted capture renewed, once
        #expect(accepted["renewed"] == true)
        #expect(settled["renewed"] == false)
        #expect(settled["payment"]?["transactionStatus"] == "settlement")
        #expect(try o.t.history(o.buyer).count == 1)
    }

    @Test func aDeniedPaymentNeverRenews() async throws {
        // Given a denied payment
        let o = try await order()
        #expect(try o.t.notify(o.id, status: "deny", statusCode: "202")["applied"] == true)
        // When a settlement arrives after all
        let settled = try o.t.notify(o.id, status: "settlement")
        // Then the final state stays
        #expect(settled["applied"] == false)
        #expect(try o.t.subscription(o.buyer) == nil)
    }

    @Test func aNotificationForAnotherAmountOrAnUnknownOrderIsRefused() async throws {
        // Given a pending payment of 100,000
        let o = try await order()
        // When notifications arrive for another amount, a fraction of a Rupiah, an unknown order
        let cheaper = #expect(throws: DomainError.self) { try o.t.notify(o.id, status: "settlement", gross: "1000.00") }
        let fraction = #expect(throws: DomainError.self) { try o.t.notify(o.id, status: "settlement", gross: "100000.50") }
        let unknown = #expect(throws: DomainError.self) {
            try o.t.notify(.string(UUIDText.random()), status: "settlement")
        }
        // Then each is refused and nothing renewed
        #expect(cheaper == DomainError(.amountMismatch))
        #expect(fraction == DomainError(.amountMismatch))
        #expect(unknown?.kind == .notFound)
        #expect(try o.t.subscription(o.buyer) == nil)
        // And a body without its signed fields is no notification (the binding names `notification.status_code`)
        let missing = #expect(throws: MidtransNotification.Invalid.self) {
            try MidtransNotification(body: ["order_id": o.id ?? .null])
        }
        #expect(missing?.problem == .missing)
        #expect(missing?.field == "status_code")
    }

    @Test func notificationsAreRefusedUntilAServerKeyIsConfigured() async throws {
        // Given a service without `payments.serverKey`
        let o = try await order { $0.paymentServerKey = nil }
        // When a notification arrives
        let refused = #expect(throws: DomainError.self) { try o.t.notify(o.id, status: "settlement") }
        // Then it is refused as not configured
        #expect(refused == DomainError(.notConfigured))
    }

    /// Every pair of statuses of §8.7's table, from a payment stored in the first to a
    /// notification of the second: applied exactly when the table lists the transition.
    @Test func eachTransitionIsAppliedExactlyWhenTheTableAllowsIt() async throws {
        // Given the statuses Midtrans sends, and the transitions the table allows (the same status again: a replay)
        let refunds = ["refund", "partial_refund", "chargeback", "partial_chargeback"]
        let statuses = ["pending", "authorize", "capture", "settlement", "deny", "cancel", "expire", "failure"] + refunds
        #expect(Set(statuses) == Set(PaymentStatus.allCases.map(\.rawValue)), "the table covers every status the service knows")
        var allowed = Set(statuses.map { "\($0)>\($0)" })
        allowed.formUnion(statuses.prefix(8).map { "pending>\($0)" })
        allowed.formUnion(["capture", "settlement", "deny", "cancel", "expire", "failure"].map { "authorize>\($0)" })
        allowed.formUnion(["settlement", "deny", "cancel"].map { "capture>\($0)" })
        for from in ["capture", "settlement", "partial_refund", "partial_chargeback"] {
            allowed.formUnion(refunds.map { "\(from)>\($0)" })
        }
        let o = try await order()
        for from in statuses {
            for to in statuses {
                // When a new payment stored in `from` is told `to` (a capture under fraud review: no money yet)
                let payment = try o.t.createPayment(as: o.buyer, plan: o.plan)["payment"]
                try o.t.write { db in
                    try db.execute(sql: "UPDATE payments_product SET transaction_status = ? WHERE id = ?",
                                   arguments: [from, UUIDText.storage(payment?["id"]?.stringValue ?? "")])
                }
                let answer = try o.t.notify(payment?["id"], status: to, fraud: "challenge")
                // Then it moves exactly when the table says so
                let moves = allowed.contains("\(from)>\(to)")
                #expect(answer["applied"] == .bool(moves), "\(from) → \(to)")
                #expect(answer["payment"]?["transactionStatus"] == .string(moves ? to : from), "\(from) → \(to)")
            }
        }
        // And once a payment renewed, it takes only a settlement, refunds and chargebacks
        #expect(try o.t.notify(o.id, status: "settlement")["renewed"] == true)
        for to in statuses {
            try o.t.write { db in
                try db.execute(sql: "UPDATE payments_product SET transaction_status = 'capture' WHERE id = ?",
                               arguments: [UUIDText.storage(o.id?.stringValue ?? "")])
            }
            let applied = to == "settlement" || refunds.contains(to)
            #expect(try o.t.notify(o.id, status: to)["applied"] == .bool(applied), "renewed capture → \(to)")
        }
    }
}

import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.6 renewals: `periodDays` more from max(now, periodEnd), group `paid`, one history row
/// each, the admin log, and Stripe's idempotency rule on `subscription.renew` (per admin).
@Suite struct SubscriptionRenewalTests {
    /// A shop with one 30-day plan of 100,000 and a user, Ana.
    struct Shop {
        let t: TestDatabase
        let plan: Int64
        let ana: TestDatabase.Caller
    }

    func shop() async throws -> Shop {
        let t = try await TestDatabase()
        return Shop(t: t, plan: try t.plan(try t.product()), ana: try t.user("ana@example.com"))
    }

    func at(days: Int64) -> JSONValue { .string(TestDatabase.at(days: days).rfc3339) }

    @Test func aFirstRenewalRunsFromNowAndMovesTheUserFromTrialToPaid() async throws {
        // Given a user in group trial
        let s = try await shop()
        #expect(try s.t.groups(s.ana) == ["trial"])
        // When the superuser renews her
        let renewed = try s.t.renew(s.ana.id, plan: s.plan)
        // Then she has an active subscription of the plan from now for 30 days, in group paid
        let subscription = try #require(renewed["subscription"])
        #expect(subscription["status"] == "active")
        #expect(subscription["periodStart"] == at(days: 0))
        #expect(subscription["periodEnd"] == at(days: 30))
        #expect(subscription["planId"] == .number(JSONNumber(s.plan)))
        #expect(subscription["groupId"] == 3, "auth_group paid")
        // And one history row records the stretch, the price and the admin
        let history = try #require(renewed["history"])
        #expect(history["pricePaid"] == 100_000)
        #expect(history["adminId"] == .number(JSONNumber(s.t.root.id)))
        #expect(history["userId"] == .number(JSONNumber(s.ana.id)))
        #expect(history["updatedPeriodStart"] == at(days: 0))
        #expect(history["updatedPeriodEnd"] == at(days: 30))
        #expect(history["updatedSubscriptionGroupId"] == 3)
        #expect(history["timestamp"] == at(days: 0))
        #expect(try s.t.groups(s.ana) == ["paid"])
    }

    @Test func aRenewalOfARunningSubscriptionExtendsFromItsPeriodEnd() async throws {
        // Given a subscription renewed 10 days ago
        let s = try await shop()
        try s.t.renew(s.ana.id, plan: s.plan)
        s.t.advance(days: 10)
        // When it is renewed again, for less
        let renewed = try s.t.renew(s.ana.id, plan: s.plan, pricePaid: 90_000)
        // Then the new stretch follows the old one and the access keeps its start
        #expect(renewed["subscription"]?["periodEnd"] == at(days: 60))
        #expect(renewed["subscription"]?["periodStart"] == at(days: 0), "uninterrupted access keeps its start")
        #expect(renewed["history"]?["updatedPeriodStart"] == at(days: 30))
        #expect(renewed["history"]?["updatedPeriodEnd"] == at(days: 60))
        #expect(renewed["history"]?["pricePaid"] == 90_000)
        #expect(try s.t.history(s.ana).count == 2)
    }

    @Test func aRenewalAfterALapseRunsFromNow() async throws {
        // Given a subscription that lapsed 10 days ago
        let s = try await shop()
        try s.t.renew(s.ana.id, plan: s.plan)
        s.t.advance(days: 40)
        // When it is renewed
        let renewed = try s.t.renew(s.ana.id, plan: s.plan)
        // Then a new access starts now
        #expect(renewed["subscription"]?["status"] == "active")
        #expect(renewed["subscription"]?["periodStart"] == at(days: 40))
        #expect(renewed["subscription"]?["periodEnd"] == at(days: 70))
    }

    @Test func renewingNeedsTheChangeSubscriptionPermissionAndIsLogged() async throws {
        // Given a user and a clerk holding `subscriptions.change_subscription`
        let s = try await shop()
        let clerk = try s.t.staff("clerk@example.com", permissions: [.subscriptionsChangeSubscription])
        // When the user renews herself
        let denied = #expect(throws: DomainError.self) { try s.t.renew(s.ana.id, plan: s.plan, as: s.ana) }
        // Then that is refused, naming the permission
        #expect(denied == DomainError.permissionDenied("subscriptions.change_subscription"))

        // When the clerk renews her twice
        let first = try s.t.renew(s.ana.id, plan: s.plan, as: clerk)
        try s.t.renew(s.ana.id, plan: s.plan, as: clerk)
        // Then the log has an addition, then a change of the period's end
        let log = try s.t.adminLog().filter { $0["model"] == "subscription" }
        #expect(log.count == 2)
        #expect(log.last?["actionFlag"] == 1)
        #expect(log.last?["objectId"] == first["subscription"]?["id"])
        #expect(log.first?["actionFlag"] == 2)
        #expect(log.first?["changeMessage"]?[0]?["changed"]?["fields"] == ["period_end"])
        // And an unknown user or plan is not found
        #expect(#expect(throws: DomainError.self) { try s.t.renew(999, plan: s.plan, as: clerk) }?.kind == .notFound)
        #expect(#expect(throws: DomainError.self) { try s.t.renew(s.ana.id, plan: 999, as: clerk) }?.kind == .notFound)
    }

    @Test func renewWithAnIdempotencyKeyActsOncePerKeyAndDay() async throws {
        // Given a renewal with a key
        let s = try await shop()
        let first = try s.t.renew(s.ana.id, plan: s.plan, key: "renew-ana-1")
        // When the same call comes an hour later
        s.t.advance(seconds: 3600)
        let again = try s.t.renew(s.ana.id, plan: s.plan, key: "renew-ana-1")
        // Then it answers the first result and renews nothing
        #expect(again == first)
        #expect(try s.t.history(s.ana).count == 1)
        // And the key with another price is a mismatch
        let other = #expect(throws: DomainError.self) { try s.t.renew(s.ana.id, plan: s.plan, pricePaid: 1, key: "renew-ana-1") }
        #expect(other == DomainError(.idempotencyMismatch))

        // When the day is over
        s.t.advance(days: 1)
        let later = try s.t.renew(s.ana.id, plan: s.plan, key: "renew-ana-1")
        // Then the key renews again
        #expect(later["history"]?["id"] != first["history"]?["id"])
        #expect(later["subscription"]?["periodEnd"] == at(days: 60))
        #expect(try s.t.history(s.ana).count == 2)
    }

    @Test func idempotencyKeysArePerCallingUser() async throws {
        // Given the superuser and a clerk
        let s = try await shop()
        let clerk = try s.t.staff("clerk@example.com", permissions: [.subscriptionsChangeSubscription])
        // When both renew Ana with the same key
        try s.t.renew(s.ana.id, plan: s.plan, key: "k")
        try s.t.renew(s.ana.id, plan: s.plan, key: "k", as: clerk)
        // Then both renewals happened
        #expect(try s.t.history(s.ana).count == 2)
    }
}

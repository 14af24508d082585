import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.6 expiry: a subscription past its `periodEnd` is stored as `expired` on every read that
/// shows it (and by the sweep), and its user leaves group `paid` for `trial`; a canceled one
/// keeps its access until then. And who reads whose history.
@Suite struct SubscriptionExpiryTests {
    /// A user renewed by the superuser for 30 days from `start`.
    func renewed() async throws -> (TestDatabase, TestDatabase.Caller, product: Int64) {
        let t = try await TestDatabase()
        let product = try t.product()
        let ana = try t.user("ana@example.com")
        try t.renew(ana.id, plan: try t.plan(product))
        return (t, ana, product)
    }

    func groupNames(_ record: JSONValue?) -> [String]? {
        record?.arrayValue?.compactMap { $0["name"]?.stringValue }
    }

    @Test func aLapsedSubscriptionReadsAsExpiredAndTheUserFallsBackToTrial() async throws {
        // Given a subscription one second before its end
        let (t, ana, _) = try await renewed()
        t.advance(days: 30, seconds: -1)
        #expect(try t.subscription(ana)?["status"] == "active")
        // When its end comes
        t.advance(seconds: 1)
        // Then it reads as expired and the user is back in trial
        #expect(try t.subscription(ana)?["status"] == "expired")
        let me = try t.call(as: ana) { user, db in try t.services.accounts.me(db, user: user) }
        #expect(groupNames(me["groups"]) == ["trial"])
        #expect(me["subscriptions"]?[0]?["status"] == "expired")
    }

    @Test func authVerifyAndAdminReadsNeverShowAStalePaidGroup() async throws {
        // Given a paid user whose subscription just ended
        let (t, ana, _) = try await renewed()
        #expect(try t.groups(ana) == ["paid"])
        t.advance(days: 30)
        // When the first read after the lapse, before any sweep, is an admin's
        let got = try t.admin(.usersViewUser) { _, db in try t.services.admin.getUser(db, userId: ana.id) }
        // Then it shows her in trial already, and so does `auth.verify`
        #expect(groupNames(got["groups"]) == ["trial"])
        #expect(try t.groups(ana) == ["trial"])
    }

    @Test func theSweepExpiresSubscriptionsWithoutAnyRead() async throws {
        // Given a subscription that lapsed a day ago
        let (t, ana, _) = try await renewed()
        t.advance(days: 31)
        let lapsed = t.clock.now()
        // When the periodic sweep runs (`Maintenance.sweep`: every user's, as of the service clock)
        let expired = try t.write { db in try SubscriptionExpiry.apply(db, now: t.clock.now()) }
        t.advance(seconds: 3600)
        // Then the subscription was expired at the sweep's time, not at the next read's
        #expect(expired == 1)
        let subscription = try #require(try t.subscription(ana))
        #expect(subscription["status"] == "expired")
        #expect(subscription["updatedAt"] == .string(lapsed.rfc3339))
        #expect(try t.groups(ana) == ["trial"])
        // And a sweep with nothing to expire changes nothing
        #expect(try t.write { db in try SubscriptionExpiry.apply(db, now: t.clock.now()) } == 0)
    }

    @Test func aCanceledSubscriptionKeepsAccessUntilItsPeriodEnd() async throws {
        // Given a user without a subscription
        let t = try await TestDatabase()
        let product = try t.product()
        let ana = try t.user("ana@example.com")
        func cancel() throws -> JSONValue {
            try t.call(as: ana) { user, db in try t.services.subscriptions.cancel(db, user: user, productId: product) }
        }
        // Then there is nothing to cancel
        #expect(#expect(throws: DomainError.self) { try cancel() }?.kind == .notFound)

        // When her paid subscription is canceled, twice
        try t.renew(ana.id, plan: try t.plan(product))
        let canceled = try cancel()
        // Then it is canceled but runs, paid, until its end
        #expect(canceled["subscription"]?["status"] == "canceled")
        #expect(canceled["subscription"]?["periodEnd"] == .string(TestDatabase.at(days: 30).rfc3339))
        #expect(try t.groups(ana) == ["paid"])
        #expect(try cancel()["subscription"]?["status"] == "canceled")

        // When its end comes
        t.advance(days: 30)
        // Then it is expired, she is back in trial, and it can no longer be canceled
        #expect(try t.subscription(ana)?["status"] == "expired")
        #expect(try t.groups(ana) == ["trial"])
        #expect(#expect(throws: DomainError.self) { try cancel() } == DomainError(.subscriptionExpired))
    }

    @Test func historyIsOwnUnlessTheCallerMayViewOthers() async throws {
        // Given Ana's renewal and Budi, who has none
        let (t, ana, _) = try await renewed()
        let budi = try t.user("budi@example.com")
        func history(of userId: Int64, as caller: TestDatabase.Caller) throws -> [JSONValue] {
            try t.call(as: caller) { user, db in
                try t.services.subscriptions.history(db, user: user, userId: userId, page: PageRequest(limit: nil, cursor: nil))
            }["items"]?.arrayValue ?? []
        }
        // Then each reads their own
        #expect(try t.history(ana).count == 1)
        #expect(try t.history(budi).isEmpty)
        // And Budi may not read Ana's, a staff user holding `subscriptions.view_history` may
        let denied = #expect(throws: DomainError.self) { try history(of: ana.id, as: budi) }
        #expect(denied == DomainError.permissionDenied("subscriptions.view_history"))
        let viewer = try t.staff("viewer@example.com", permissions: [.subscriptionsViewHistory])
        #expect(try history(of: ana.id, as: viewer).count == 1)
    }
}

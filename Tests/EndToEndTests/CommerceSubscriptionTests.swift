import Foundation
import Testing
import TobaRPC

/// §8.6 end to end: renewals from max(now, periodEnd), expiry on read and by the sweep, cancel,
/// history, and the idempotency of subscription.renew.
@Suite struct CommerceSubscriptionTests {
    @Test func aFirstRenewalRunsFromNowAndMovesTheUserFromTrialToPaid() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (userId, user) = try shop.user("ana@example.com")
        #expect(try shop.groups(user) == ["trial"])

        let renewed = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])

        let subscription = try #require(renewed["subscription"])
        #expect(subscription["status"] == "active")
        #expect(subscription["periodStart"] == .string(Shop.start))
        #expect(subscription["periodEnd"] == .string(Shop.at(days: 30)))
        #expect(subscription["planId"] == plan)
        #expect(subscription["groupId"] == 3, "auth_group paid")
        let history = try #require(renewed["history"])
        #expect(history["pricePaid"] == 100_000)
        #expect(history["adminId"] == 1)
        #expect(history["userId"] == userId)
        #expect(history["updatedPeriodStart"] == .string(Shop.start))
        #expect(history["updatedPeriodEnd"] == .string(Shop.at(days: 30)))
        #expect(history["updatedSubscriptionGroupId"] == 3)
        #expect(history["timestamp"] == .string(Shop.start))
        #expect(try shop.groups(user) == ["paid"])
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aRenewalOfARunningSubscriptionExtendsFromItsPeriodEnd() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (userId, user) = try shop.user("ana@example.com")
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])
        try shop.sidecar.advanceClock(seconds: 10 * 86_400)

        let renewed = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan, "pricePaid": 90_000])

        #expect(renewed["subscription"]?["periodEnd"] == .string(Shop.at(days: 60)))
        #expect(renewed["subscription"]?["periodStart"] == .string(Shop.start), "uninterrupted access keeps its start")
        #expect(renewed["history"]?["updatedPeriodStart"] == .string(Shop.at(days: 30)))
        #expect(renewed["history"]?["updatedPeriodEnd"] == .string(Shop.at(days: 60)))
        #expect(renewed["history"]?["pricePaid"] == 90_000)
        #expect(try shop.history(user).count == 2)
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aRenewalAfterALapseRunsFromNow() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (userId, _) = try shop.user("ana@example.com")
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])
        try shop.sidecar.advanceClock(seconds: 40 * 86_400)

        let renewed = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])

        #expect(renewed["subscription"]?["status"] == "active")
        #expect(renewed["subscription"]?["periodStart"] == .string(Shop.at(days: 40)))
        #expect(renewed["subscription"]?["periodEnd"] == .string(Shop.at(days: 70)))
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aLapsedSubscriptionReadsAsExpiredAndTheUserFallsBackToTrial() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (userId, user) = try shop.user("ana@example.com")
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])
        try shop.sidecar.advanceClock(seconds: 30 * 86_400 - 1)
        #expect(try shop.subscription(user)?["status"] == "active")

        try shop.sidecar.advanceClock(seconds: 1)

        #expect(try shop.subscription(user)?["status"] == "expired")
        let me = try shop.sidecar.result("user.me", ["token": user])
        #expect(me["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["trial"])
        #expect(me["subscriptions"]?[0]?["status"] == "expired")
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func authVerifyAndAdminReadsNeverShowAStalePaidGroup() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (userId, user) = try shop.user("ana@example.com")
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])
        #expect(try shop.groups(user) == ["paid"])

        try shop.sidecar.advanceClock(seconds: 30 * 86_400)

        // The first read after the lapse, before any sweep, is an admin's.
        let got = try shop.sidecar.result("admin.user.get", ["token": shop.admin, "userId": userId])
        #expect(got["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["trial"])
        #expect(try shop.groups(user) == ["trial"])
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func theSweepExpiresSubscriptionsWithoutAnyRead() throws {
        let shop = try Shop(config: Shop.config(#", "subscriptions": {"sweepIntervalSeconds": 1}"#))
        let plan = try shop.plan(try shop.product())
        let (userId, user) = try shop.user("ana@example.com")
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])
        let lapsed = try shop.sidecar.advanceClock(seconds: 31 * 86_400)

        Thread.sleep(forTimeInterval: 2.5)
        try shop.sidecar.advanceClock(seconds: 3600)

        // Expiry on read would stamp the read's time; the sweep stamped the time it ran.
        let subscription = try #require(try shop.subscription(user))
        #expect(subscription["status"] == "expired")
        #expect(subscription["updatedAt"] == .string(lapsed))
        #expect(try shop.groups(user) == ["trial"])
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aCanceledSubscriptionKeepsAccessUntilItsPeriodEnd() throws {
        let shop = try Shop()
        let product = try shop.product()
        let plan = try shop.plan(product)
        let (userId, user) = try shop.user("ana@example.com")
        #expect(try shop.sidecar.error("subscription.cancel", ["token": user, "productId": product])["code"] == 1003)
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])

        let canceled = try shop.sidecar.result("subscription.cancel", ["token": user, "productId": product])
        #expect(canceled["subscription"]?["status"] == "canceled")
        #expect(canceled["subscription"]?["periodEnd"] == .string(Shop.at(days: 30)))
        #expect(try shop.groups(user) == ["paid"])
        #expect(try shop.sidecar.result("subscription.cancel", ["token": user, "productId": product])["subscription"]?["status"] == "canceled")

        try shop.sidecar.advanceClock(seconds: 30 * 86_400)
        #expect(try shop.subscription(user)?["status"] == "expired")
        #expect(try shop.groups(user) == ["trial"])
        let late = try shop.sidecar.error("subscription.cancel", ["token": user, "productId": product])
        #expect(late["code"] == 1006)
        #expect(late["data"]?["reason"] == "subscription_expired")
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func historyIsOwnUnlessTheCallerMayViewOthers() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (anaId, ana) = try shop.user("ana@example.com")
        let (_, budi) = try shop.user("budi@example.com")
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": anaId, "planId": plan])

        #expect(try shop.history(ana).count == 1)
        #expect(try shop.history(budi).isEmpty)
        let denied = try shop.sidecar.error("subscription.history", ["token": budi, "userId": anaId])
        #expect(denied["data"]?["permission"] == "subscriptions.view_history")
        let viewer = try shop.staff("viewer@example.com", permissions: ["subscriptions.view_history"])
        #expect(try shop.sidecar.result("subscription.history", ["token": viewer, "userId": anaId])["items"]?.arrayValue?.count == 1)
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func renewingNeedsTheChangeSubscriptionPermissionAndIsLogged() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (userId, user) = try shop.user("ana@example.com")
        let denied = try shop.sidecar.error("subscription.renew", ["token": user, "userId": userId, "planId": plan])
        #expect(denied["code"] == 1002)
        #expect(denied["data"]?["permission"] == "subscriptions.change_subscription")
        let clerk = try shop.staff("clerk@example.com", permissions: ["subscriptions.change_subscription"])

        let first = try shop.sidecar.result("subscription.renew", ["token": clerk, "userId": userId, "planId": plan])
        _ = try shop.sidecar.result("subscription.renew", ["token": clerk, "userId": userId, "planId": plan])

        let log = try shop.adminLog().filter { $0["model"] == "subscription" }
        #expect(log.count == 2)
        #expect(log.last?["actionFlag"] == 1)
        #expect(log.last?["objectId"] == first["subscription"]?["id"])
        #expect(log.first?["actionFlag"] == 2)
        #expect(log.first?["changeMessage"]?[0]?["changed"]?["fields"] == ["period_end"])
        #expect(try shop.sidecar.error("subscription.renew", ["token": clerk, "userId": 999, "planId": plan])["code"] == 1003)
        #expect(try shop.sidecar.error("subscription.renew", ["token": clerk, "userId": userId, "planId": 999])["code"] == 1003)
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func renewWithAnIdempotencyKeyActsOncePerKeyAndDay() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (userId, user) = try shop.user("ana@example.com")
        let params: JSONValue = ["token": shop.admin, "userId": userId, "planId": plan, "idempotencyKey": "renew-ana-1"]

        let first = try shop.sidecar.result("subscription.renew", params)
        try shop.sidecar.advanceClock(seconds: 3600)
        let again = try shop.sidecar.result("subscription.renew", params)

        #expect(again == first)
        #expect(try shop.history(user).count == 1)
        let other = try shop.sidecar.error("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan,
                                                                  "pricePaid": 1, "idempotencyKey": "renew-ana-1"])
        #expect(other["code"] == 1004)
        #expect(other["data"]?["reason"] == "idempotency_mismatch")

        try shop.sidecar.advanceClock(seconds: 86_400)
        let later = try shop.sidecar.result("subscription.renew", params)
        #expect(later["history"]?["id"] != first["history"]?["id"])
        #expect(later["subscription"]?["periodEnd"] == .string(Shop.at(days: 60)))
        #expect(try shop.history(user).count == 2)
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func idempotencyKeysArePerCallingUser() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (userId, user) = try shop.user("ana@example.com")
        let clerk = try shop.staff("clerk@example.com", permissions: ["subscriptions.change_subscription"])

        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan, "idempotencyKey": "k"])
        _ = try shop.sidecar.result("subscription.renew", ["token": clerk, "userId": userId, "planId": plan, "idempotencyKey": "k"])

        #expect(try shop.history(user).count == 2)
        #expect(try shop.sidecar.finish() == 0)
    }
}

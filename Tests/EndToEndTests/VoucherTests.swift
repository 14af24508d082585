import Foundation
import Testing
import TobaRPC

/// §8.8 end to end: creating vouchers, what the public sees, and every rule of a claim.
@Suite struct VoucherTests {
    /// `voucher.create` params valid from `Shop.start` for 10 days.
    static func voucher(_ shop: Shop, code: String = "Welcome-2026", name: String = "Launch", bound: Bool = true,
                        usage: Int64 = 5, from: String = Shop.start, to: String = Shop.at(days: 10)) -> JSONValue {
        ["token": shop.admin, "code": .string(code), "name": .string(name), "validFrom": .string(from), "validTo": .string(to),
         "bound": .bool(bound), "usage": .number(JSONNumber(usage))]
    }

    @Test func codesAreStoredInBothCasesAndNamesAndCodesAreUnique() throws {
        let shop = try Shop()
        let created = try shop.sidecar.result("voucher.create", Self.voucher(shop))
        #expect(created["voucher"]?["code"] == "WELCOME-2026")
        #expect(created["voucher"]?["codeL"] == "welcome-2026")
        #expect(created["voucher"]?["isActive"] == true)
        #expect(created["voucher"]?["claimed"] == 0)

        #expect(try shop.sidecar.error("voucher.create", Self.voucher(shop, code: "WELCOME-2026", name: "Other"))["data"]?["reason"] == "voucher_code_taken")
        #expect(try shop.sidecar.error("voucher.create", Self.voucher(shop, code: "other"))["data"]?["reason"] == "voucher_name_taken")
        let window = try shop.sidecar.error("voucher.create", Self.voucher(shop, code: "x", name: "x", to: Shop.start))
        #expect(window["data"]?["reason"] == "invalid_window")
        #expect(try shop.sidecar.error("voucher.create", Self.voucher(shop, code: "x", name: "x", usage: -1))["data"]?["reason"] == "value_out_of_range")
        let log = try shop.adminLog().filter { $0["appLabel"] == "vouchers" }
        #expect(log.count == 1)
        #expect(log.first?["objectRepr"] == "Launch")
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func theAdminMethodsNeedTheirPermissions() throws {
        let shop = try Shop()
        let id = try #require(try shop.sidecar.result("voucher.create", Self.voucher(shop))["voucher"]?["id"])
        let (_, user) = try shop.user("ana@example.com")
        var params = Self.voucher(shop, code: "x", name: "x").objectValue!
        params["token"] = user
        #expect(try shop.sidecar.error("voucher.create", .object(params))["data"]?["permission"] == "vouchers.add_invitation")
        #expect(try shop.sidecar.error("voucher.update", ["token": user, "voucherId": id, "isActive": false])["data"]?["permission"] == "vouchers.change_invitation")
        #expect(try shop.sidecar.error("voucher.list", ["token": user])["data"]?["permission"] == "vouchers.view_invitation")
        #expect(try shop.sidecar.error("voucher.claims", ["token": user, "voucherId": id])["data"]?["permission"] == "vouchers.view_invitationclaimed")
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func anyoneMayLookUpAVoucherCaseInsensitively() throws {
        let shop = try Shop()
        _ = try shop.product()
        _ = try shop.sidecar.result("voucher.create", Self.voucher(shop, usage: 3))
        _ = try shop.sidecar.result("voucher.create", Self.voucher(shop, code: "open", name: "Open", bound: false))
        let (_, user) = try shop.user("ana@example.com")
        _ = try shop.sidecar.result("voucher.claim", ["token": user, "code": "welcome-2026"])

        let info = try shop.sidecar.result("voucher.get", ["code": "wElCoMe-2026"])
        #expect(info == ["code": "WELCOME-2026", "isActive": true, "validFrom": .string(Shop.start),
                         "validTo": .string(Shop.at(days: 10)), "remaining": 2])
        #expect(try shop.sidecar.result("voucher.get", ["code": "OPEN"])["remaining"] == .null)
        #expect(try shop.sidecar.error("voucher.get", ["code": "nope"])["code"] == 1003)
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aClaimHonoursTheValidityWindow() throws {
        let shop = try Shop()
        _ = try shop.product()
        _ = try shop.sidecar.result("voucher.create", Self.voucher(shop, from: Shop.at(days: 1), to: Shop.at(days: 2)))
        let (_, user) = try shop.user("ana@example.com")

        let early = try shop.sidecar.error("voucher.claim", ["token": user, "code": "WELCOME-2026"])
        #expect(early["code"] == 1006)
        #expect(early["data"]?["reason"] == "voucher_not_yet_valid")
        try shop.sidecar.advanceClock(seconds: 2 * 86_400)
        #expect(try shop.sidecar.error("voucher.claim", ["token": user, "code": "WELCOME-2026"])["data"]?["reason"] == "voucher_expired")
        try shop.sidecar.advanceClock(seconds: -1)
        #expect(try shop.sidecar.result("voucher.claim", ["token": user, "code": "WELCOME-2026"])["claim"]?["redeemed"] == .string(Shop.at(days: 2, seconds: -1)))
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func anInactiveVoucherCannotBeClaimed() throws {
        let shop = try Shop()
        _ = try shop.product()
        let id = try #require(try shop.sidecar.result("voucher.create", Self.voucher(shop))["voucher"]?["id"])
        let updated = try shop.sidecar.result("voucher.update", ["token": shop.admin, "voucherId": id, "isActive": false])
        #expect(updated["voucher"]?["isActive"] == false)
        let (_, user) = try shop.user("ana@example.com")

        let refused = try shop.sidecar.error("voucher.claim", ["token": user, "code": "welcome-2026"])
        #expect(refused["code"] == 1006)
        #expect(refused["data"]?["reason"] == "voucher_inactive")
        #expect(try shop.adminLog().first?["changeMessage"]?[0]?["changed"]?["fields"] == ["is_active"])
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aUserClaimsAVoucherOnceAndABoundVoucherRunsOut() throws {
        let shop = try Shop()
        _ = try shop.product()
        let id = try #require(try shop.sidecar.result("voucher.create", Self.voucher(shop, usage: 2))["voucher"]?["id"])
        let (_, ana) = try shop.user("ana@example.com")
        let (_, budi) = try shop.user("budi@example.com")
        let (_, citra) = try shop.user("citra@example.com")

        _ = try shop.sidecar.result("voucher.claim", ["token": ana, "code": "WELCOME-2026"])
        let again = try shop.sidecar.error("voucher.claim", ["token": ana, "code": "WELCOME-2026"])
        #expect(again["code"] == 1004)
        #expect(again["data"]?["reason"] == "already_claimed")
        _ = try shop.sidecar.result("voucher.claim", ["token": budi, "code": "WELCOME-2026"])
        let late = try shop.sidecar.error("voucher.claim", ["token": citra, "code": "WELCOME-2026"])
        #expect(late["code"] == 1004)
        #expect(late["data"]?["reason"] == "voucher_exhausted")

        #expect(try shop.sidecar.result("voucher.claims", ["token": shop.admin, "voucherId": id])["items"]?.arrayValue?.count == 2)
        #expect(try shop.sidecar.result("voucher.list", ["token": shop.admin])["items"]?[0]?["claimed"] == 2)
        #expect(try shop.subscription(citra) == nil, "a refused claim leaves no trace")
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aClaimStartsATrialOfGrantDaysOnANewSubscription() throws {
        let shop = try Shop(config: Shop.config(#", "vouchers": {"grantDays": 14}"#))
        let product = try shop.product()
        _ = try shop.sidecar.result("voucher.create", Self.voucher(shop))
        let (userId, user) = try shop.user("ana@example.com")

        let claimed = try shop.sidecar.result("voucher.claim", ["token": user, "code": "WELCOME-2026"])

        #expect(claimed["claim"]?["userId"] == userId)
        let subscription = try #require(claimed["subscription"])
        #expect(subscription["status"] == "trial")
        #expect(subscription["productId"] == product)
        #expect(subscription["periodStart"] == .string(Shop.start))
        #expect(subscription["periodEnd"] == .string(Shop.at(days: 14)))
        #expect(subscription["planId"] == .null)
        #expect(subscription["groupId"] == 2, "auth_group trial")
        let history = try shop.history(user)
        #expect(history.count == 1)
        #expect(history.first?["pricePaid"] == 0)
        #expect(history.first?["adminId"] == .null)
        #expect(try shop.groups(user) == ["trial"])
        try shop.sidecar.advanceClock(seconds: 14 * 86_400)
        #expect(try shop.subscription(user)?["status"] == "expired")
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aClaimExtendsARunningPaidSubscription() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        _ = try shop.sidecar.result("voucher.create", Self.voucher(shop))
        let (userId, user) = try shop.user("ana@example.com")
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])
        try shop.sidecar.advanceClock(seconds: 86_400)

        let claimed = try shop.sidecar.result("voucher.claim", ["token": user, "code": "WELCOME-2026"])

        #expect(claimed["subscription"]?["status"] == "active")
        #expect(claimed["subscription"]?["planId"] == plan)
        #expect(claimed["subscription"]?["periodEnd"] == .string(Shop.at(days: 60)))
        let newest = try #require(try shop.history(user).first)
        #expect(newest["pricePaid"] == 0)
        #expect(newest["updatedPeriodStart"] == .string(Shop.at(days: 30)))
        #expect(newest["updatedSubscriptionGroupId"] == 3)
        #expect(try shop.groups(user) == ["paid"])
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aClaimAfterALapseStartsAFreshTrial() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        _ = try shop.sidecar.result("voucher.create", Self.voucher(shop, to: Shop.at(days: 100)))
        let (userId, user) = try shop.user("ana@example.com")
        _ = try shop.sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])
        try shop.sidecar.advanceClock(seconds: 50 * 86_400)

        let claimed = try shop.sidecar.result("voucher.claim", ["token": user, "code": "WELCOME-2026"])

        #expect(claimed["subscription"]?["status"] == "trial")
        #expect(claimed["subscription"]?["periodStart"] == .string(Shop.at(days: 50)))
        #expect(claimed["subscription"]?["periodEnd"] == .string(Shop.at(days: 80)))
        #expect(try shop.groups(user) == ["trial"])
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func theProductMayBeOmittedOnlyWhenExactlyOneIsActive() throws {
        let shop = try Shop()
        let first = try shop.product("First")
        let second = try shop.product("Second")
        let retired = try shop.product("Retired", active: false)
        _ = try shop.sidecar.result("voucher.create", Self.voucher(shop, bound: false))
        let (_, ana) = try shop.user("ana@example.com")

        let ambiguous = try shop.sidecar.error("voucher.claim", ["token": ana, "code": "WELCOME-2026"])
        #expect(ambiguous["code"] == 1000)
        #expect(ambiguous["data"]?["reason"] == "product_required")
        #expect(ambiguous["data"]?["field"] == "productId")
        #expect(try shop.sidecar.error("voucher.claim", ["token": ana, "code": "WELCOME-2026", "productId": retired])["data"]?["reason"] == "product_inactive")
        #expect(try shop.sidecar.result("voucher.claim", ["token": ana, "code": "WELCOME-2026", "productId": second])["subscription"]?["productId"] == second)

        _ = try shop.sidecar.result("product.update", ["token": shop.admin, "productId": second, "isActive": false])
        let (_, budi) = try shop.user("budi@example.com")
        #expect(try shop.sidecar.result("voucher.claim", ["token": budi, "code": "WELCOME-2026"])["subscription"]?["productId"] == first)
        #expect(try shop.sidecar.finish() == 0)
    }
}

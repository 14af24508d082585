import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.8 claims: the checks in their order (active, validity window, product, once per user,
/// usage of a bound voucher) and what a claim grants (a trial, or more days of a running subscription).
@Suite struct VoucherClaimTests {
    func claim(_ t: TestDatabase, as caller: TestDatabase.Caller, code: String = "WELCOME-2026", productId: Int64? = nil) throws -> JSONValue {
        try t.call(as: caller) { user, db in try t.services.vouchers.claim(db, user: user, code: code, productId: productId) }
    }

    func at(days: Int64, seconds: Int64 = 0) -> JSONValue { .string(TestDatabase.at(days: days, seconds: seconds).rfc3339) }

    @Test func aClaimHonoursTheValidityWindow() async throws {
        // Given a voucher valid on day 1 only
        let t = try await TestDatabase()
        _ = try t.product()
        try t.voucher(TestDatabase.voucherInput(from: TestDatabase.at(days: 1), to: TestDatabase.at(days: 2)))
        let ana = try t.user("ana@example.com")
        // Then it is not yet valid before, expired at its end, and valid until its last microsecond
        #expect(#expect(throws: DomainError.self) { try claim(t, as: ana) } == DomainError(.voucherNotYetValid))
        t.advance(days: 2)
        #expect(#expect(throws: DomainError.self) { try claim(t, as: ana) } == DomainError(.voucherExpired))
        t.advance(seconds: -1)
        #expect(try claim(t, as: ana)["claim"]?["redeemed"] == at(days: 2, seconds: -1))
    }

    @Test func anInactiveVoucherCannotBeClaimed() async throws {
        // Given a voucher the superuser switched off
        let t = try await TestDatabase()
        _ = try t.product()
        let id = try t.id(try t.voucher()["voucher"])
        let off = Vouchers.Input(code: nil, name: nil, validFrom: nil, validTo: nil, bound: nil, usage: nil, userId: .absent, isActive: false)
        let updated = try t.admin(.vouchersChangeInvitation) { admin, db in
            try t.services.vouchers.update(db, admin: admin, voucherId: id, off)
        }
        #expect(updated["voucher"]?["isActive"] == false)
        #expect(try t.adminLog().first?["changeMessage"]?[0]?["changed"]?["fields"] == ["is_active"])
        // When a user claims it
        let ana = try t.user("ana@example.com")
        let refused = #expect(throws: DomainError.self) { try claim(t, as: ana, code: "welcome-2026") }
        // Then it is inactive
        #expect(refused == DomainError(.voucherInactive))
    }

    @Test func aUserClaimsAVoucherOnceAndABoundVoucherRunsOut() async throws {
        // Given a voucher bound to 2 claims and three users
        let t = try await TestDatabase()
        _ = try t.product()
        let id = try t.id(try t.voucher(TestDatabase.voucherInput(usage: 2))["voucher"])
        let ana = try t.user("ana@example.com")
        let budi = try t.user("budi@example.com")
        let citra = try t.user("citra@example.com")
        // When Ana claims twice, then Budi, then Citra
        _ = try claim(t, as: ana)
        let again = #expect(throws: DomainError.self) { try claim(t, as: ana) }
        _ = try claim(t, as: budi)
        let late = #expect(throws: DomainError.self) { try claim(t, as: citra) }
        // Then Ana's second claim and Citra's are refused
        #expect(again == DomainError(.alreadyClaimed))
        #expect(late == DomainError(.voucherExhausted))
        // And the voucher has two claims; the refused one left no trace
        let claims = try t.admin(.vouchersViewInvitationclaimed) { _, db in
            try t.services.vouchers.claims(db, voucherId: id, page: PageRequest(limit: nil, cursor: nil))
        }
        #expect(claims["items"]?.arrayValue?.count == 2)
        let list = try t.admin(.vouchersViewInvitation) { _, db in
            try t.services.vouchers.list(db, isActive: nil, page: PageRequest(limit: nil, cursor: nil))
        }
        #expect(list["items"]?[0]?["claimed"] == 2)
        #expect(try t.subscription(citra) == nil, "a refused claim leaves no trace")
    }

    @Test func aClaimStartsATrialOfGrantDaysOnANewSubscription() async throws {
        // Given vouchers granting 14 days and a user without a subscription
        let t = try await TestDatabase { $0.voucherGrantDays = 14 }
        let product = try t.product()
        try t.voucher()
        let ana = try t.user("ana@example.com")
        // When she claims a voucher
        let claimed = try claim(t, as: ana)
        // Then she has a 14-day trial of the product, without a plan, in group trial
        #expect(claimed["claim"]?["userId"] == .number(JSONNumber(ana.id)))
        let subscription = try #require(claimed["subscription"])
        #expect(subscription["status"] == "trial")
        #expect(subscription["productId"] == .number(JSONNumber(product)))
        #expect(subscription["periodStart"] == at(days: 0))
        #expect(subscription["periodEnd"] == at(days: 14))
        #expect(subscription["planId"] == .null)
        #expect(subscription["groupId"] == 2, "auth_group trial")
        let history = try t.history(ana)
        #expect(history.count == 1)
        #expect(history.first?["pricePaid"] == 0)
        #expect(history.first?["adminId"] == .null)
        #expect(try t.groups(ana) == ["trial"])
        // And the trial ends after 14 days
        t.advance(days: 14)
        #expect(try t.subscription(ana)?["status"] == "expired")
    }

    @Test func aClaimExtendsARunningPaidSubscription() async throws {
        // Given a paid subscription renewed yesterday for 30 days
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product())
        try t.voucher()
        let ana = try t.user("ana@example.com")
        try t.renew(ana.id, plan: plan)
        t.advance(days: 1)
        // When she claims a voucher
        let claimed = try claim(t, as: ana)
        // Then the paid subscription runs 30 days longer, with its status, plan and group
        #expect(claimed["subscription"]?["status"] == "active")
        #expect(claimed["subscription"]?["planId"] == .number(JSONNumber(plan)))
        #expect(claimed["subscription"]?["periodEnd"] == at(days: 60))
        let newest = try #require(try t.history(ana).first)
        #expect(newest["pricePaid"] == 0)
        #expect(newest["updatedPeriodStart"] == at(days: 30))
        #expect(newest["updatedSubscriptionGroupId"] == 3)
        #expect(try t.groups(ana) == ["paid"])
    }

    @Test func aClaimAfterALapseStartsAFreshTrial() async throws {
        // Given a paid subscription that lapsed 20 days ago
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product())
        try t.voucher(TestDatabase.voucherInput(to: TestDatabase.at(days: 100)))
        let ana = try t.user("ana@example.com")
        try t.renew(ana.id, plan: plan)
        t.advance(days: 50)
        // When she claims a voucher
        let claimed = try claim(t, as: ana)
        // Then a trial starts now
        #expect(claimed["subscription"]?["status"] == "trial")
        #expect(claimed["subscription"]?["periodStart"] == at(days: 50))
        #expect(claimed["subscription"]?["periodEnd"] == at(days: 80))
        #expect(try t.groups(ana) == ["trial"])
    }

    @Test func theProductMayBeOmittedOnlyWhenExactlyOneIsActive() async throws {
        // Given two active products, a retired one and an unbound voucher
        let t = try await TestDatabase()
        let first = try t.product("First")
        let second = try t.product("Second")
        let retired = try t.product("Retired", active: false)
        try t.voucher(TestDatabase.voucherInput(bound: false))
        let ana = try t.user("ana@example.com")
        // Then a claim must name the product, an active one
        let ambiguous = #expect(throws: DomainError.self) { try claim(t, as: ana) }
        #expect(ambiguous == DomainError(.productRequired, field: "productId"))
        let inactive = #expect(throws: DomainError.self) { try claim(t, as: ana, productId: retired) }
        #expect(inactive == DomainError(.productInactive))
        #expect(try claim(t, as: ana, productId: second)["subscription"]?["productId"] == .number(JSONNumber(second)))

        // When only one product is active
        let off = Store.ProductInput(name: nil, description: nil, appLink: nil, extraData: .absent, landingLink: nil, isActive: false, nickname: nil)
        _ = try t.admin(.storeChangeProduct) { admin, db in try t.services.store.updateProduct(db, admin: admin, productId: second, off) }
        // Then a claim without a product is for that one
        let budi = try t.user("budi@example.com")
        #expect(try claim(t, as: budi)["subscription"]?["productId"] == .number(JSONNumber(first)))
    }
}

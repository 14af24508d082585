import Foundation
import GRDB
import Testing
import TobaRPC

/// The bugs `MethodFuzzTests` found, each pinned down on its own.
@Suite struct FuzzRegressionTests {
    /// A timestamp whose offset carries it out of the four-digit years was stored as
    /// `10000-01-01 …` / `00-1-12-31 …`; the next read of the row trapped in the row decoder and
    /// killed the process (`landing.slide.update` after `eventStart: "0000-01-01T00:00:00+23:59"`,
    /// `voucher.get` after `validTo: "9999-12-31T23:59:59-23:59"`). Now they are -32602 `type`.
    @Test func timestampsBeyondTheFourDigitYearsAreInvalidParamsAndStoreNothing() throws {
        let (sidecar, admin) = try Sidecar.withAdmin()
        let voucher: JSONObject = ["token": admin, "code": "LATE", "name": "Late", "validFrom": "2026-01-01T00:00:00Z",
                                   "validTo": "9999-12-31T23:59:59-23:59", "bound": false, "usage": 0]
        let calls: [(String, JSONObject, String)] = [
            ("voucher.create", voucher, "validTo"),
            ("landing.slide.create", ["token": admin, "title": "Early", "eventStart": "0000-01-01T00:00:00+23:59"], "eventStart"),
            ("websession.save", ["data": "x", "expireDate": "9999-12-31T23:59:59.999999-00:01"], "expireDate"),
            ("social.login", ["provider": "p", "uid": "u", "email": "s@example.com", "accessToken": "t",
                              "expiresAt": "0000-01-01T00:00:00+00:01"], "expiresAt"),
            ("system.clock.set", ["now": "9999-12-31T23:59:59-01:00"], "now"),
        ]
        for (method, params, field) in calls {
            let error = try sidecar.error(method, .object(params))
            #expect(error["code"] == -32602, "\(method)")
            #expect(error["data"]?["field"] == .string(field), "\(method)")
        }
        #expect(try sidecar.error("voucher.get", ["code": "LATE"])["code"] == 1003)
        #expect(try sidecar.result("landing.list")["items"] == [])
        #expect(try sidecar.finish() == 0)
    }

    /// Periods computed from the clock (renewals, voucher grants, web-session and confirmation
    /// expiry) went past 9999-12-31 and were stored unreadable; they now end with the calendar.
    @Test func periodsThatWouldPassTheYear9999EndWithIt() throws {
        let shop = try Shop()
        let sidecar = shop.sidecar
        let product = try shop.product()
        let plan = try shop.plan(product, days: 36_500)
        try sidecar.setClock("9999-12-20T00:00:00Z")
        let (userId, token) = try shop.user("late@example.com")
        let end = "9999-12-31T23:59:59.999999Z"
        for _ in 0..<2 {
            let renewed = try sidecar.result("subscription.renew", ["token": shop.admin, "userId": userId, "planId": plan])
            #expect(renewed["subscription"]?["periodEnd"] == .string(end))
            #expect(renewed["history"]?["updatedPeriodEnd"] == .string(end))
        }
        _ = try sidecar.result("voucher.create", ["token": shop.admin, "code": "END", "name": "End", "validFrom": "2026-01-01T00:00:00Z",
                                                 "validTo": .string(end), "bound": false, "usage": 0])
        #expect(try sidecar.result("voucher.claim", ["token": token, "code": "end"])["subscription"]?["periodEnd"] == .string(end))
        #expect(try sidecar.result("subscription.get", ["token": token])["subscriptions"]?[0]?["status"] == "active")
        try sidecar.setClock("9999-12-30T00:00:00Z")
        let web = try sidecar.result("websession.save", ["data": ["a": 1]])
        #expect(web["expireDate"] == .string(end))
        #expect(try sidecar.result("websession.load", ["sessionKey": web["sessionKey"] ?? ""])["data"] == ["a": 1])
        let registered = try sidecar.result("user.register", ["email": "new@example.com", "password": "a long passphrase"])
        #expect(registered["confirmation"]?["expiresAt"] == .string(end))
        #expect(try sidecar.result("email.confirm", ["key": registered["confirmation"]?["key"] ?? ""])["verified"] == true)
        #expect(try sidecar.finish() == 0)
    }

    /// A `query` over SQLite's 50,000-byte LIKE pattern limit was an internal error; a query
    /// longer than any email or name matches nothing.
    @Test func aUserQueryLongerThanAnythingItSearchesMatchesNothing() throws {
        let (sidecar, admin) = try Sidecar.withAdmin()
        for query in [String(repeating: "a", count: 100_000), String(repeating: "é", count: 50_000), String(repeating: "%", count: 255)] {
            #expect(try sidecar.result("admin.user.list", ["token": admin, "query": .string(query)])["items"] == [])
        }
        let found = try sidecar.result("admin.user.list", ["token": admin, "query": "ADMIN@"])["items"]?.arrayValue ?? []
        #expect(found.map { $0["email"] } == ["admin@example.com"])
        #expect(try sidecar.finish() == 0)
    }

    /// Lengths were counted in Swift characters (grapheme clusters), so values of more code
    /// points than their column (what Django's `max_length` and PostgreSQL count) were stored,
    /// and admin-log reprs were cut to 200 characters rather than 200 code points.
    @Test func lengthsAreCountedInCodePointsAsTheColumnsCountThem() throws {
        let shop = try Shop()
        let sidecar = shop.sidecar
        let admin = shop.admin
        for (method, params, field) in [
            ("product.create", ["name": .string(String(repeating: "👍🏽", count: 21))], "name"),
            ("category.create", ["name": .string(String(repeating: "e\u{301}", count: 113))], "name"),
            ("voucher.create", ["code": .string(String(repeating: "ß", count: 33)), "name": "Sharp", "validFrom": "2026-01-01T00:00:00Z",
                                "validTo": "2027-01-01T00:00:00Z", "bound": false, "usage": 0], "code"),
            ("voucher.create", ["code": .string(String(repeating: "İ", count: 33)), "name": "Dotted", "validFrom": "2026-01-01T00:00:00Z",
                                "validTo": "2027-01-01T00:00:00Z", "bound": false, "usage": 0], "code"),
        ] as [(String, JSONObject, String)] {
            var withToken = params
            withToken["token"] = admin
            let error = try sidecar.error(method, .object(withToken))
            #expect(error["data"]?["reason"] == "value_too_long", "\(method)")
            #expect(error["data"]?["field"] == .string(field), "\(method)")
        }
        #expect(try sidecar.result("product.create", ["token": admin, "name": .string(String(repeating: "é", count: 40))])["product"] != nil)
        let sharp = try sidecar.result("voucher.create", [
            "token": admin, "code": .string(String(repeating: "ß", count: 32)), "name": "Sharp", "validFrom": "2026-01-01T00:00:00Z",
            "validTo": "2027-01-01T00:00:00Z", "bound": false, "usage": 0,
        ])
        #expect(sharp["voucher"]?["code"] == .string(String(repeating: "SS", count: 32)))
        let product = try shop.product("Emoji")
        let plan = try sidecar.result("plan.create", ["token": admin, "productId": product, "name": .string(String(repeating: "👍🏽", count: 112)),
                                                      "price": 1, "periodDays": 1])["plan"]?["id"]
        let (userId, _) = try shop.user("repr@example.com")
        _ = try sidecar.result("subscription.renew", ["token": admin, "userId": userId, "planId": plan ?? 0])
        let reprs = try shop.adminLog().compactMap { $0["objectRepr"]?.stringValue }
        #expect(reprs.contains { $0.hasPrefix("repr@example.com · 👍🏽") })
        #expect(reprs.allSatisfy { $0.unicodeScalars.count <= 200 })
        #expect(try sidecar.finish() == 0)
    }

    /// A rate-limit window whose seconds overflowed trapped: at start-up for `"5/9223372036854775807h"`,
    /// at the first failed login for `"5/9223372036854s"` (its microseconds overflow). Both are now
    /// invalid settings (exit 1, a message naming the setting); a 100-year window works.
    @Test(arguments: ["5/9223372036854775807h", "5/9223372036854s", "5/3153600001s"])
    func aRateLimitWindowTooLongForTheArithmeticIsAnInvalidSetting(_ rate: String) throws {
        let directory = try Sidecar.makeDirectory()
        let config = try Sidecar.writeFile(#"{"rateLimits": {"loginFailedPerEmail": "\#(rate)"}}"#, named: "config.json", in: directory)
        let login = #"{"jsonrpc":"2.0","method":"auth.login","params":{"email":"x@example.com","password":"wrong password"},"id":1}"# + "\n"
        let run = try Sidecar.run(["--db", ":memory:", "--config", config], stdin: Data(login.utf8), directory: directory)
        #expect(run.status == 1)
        #expect(run.stderr.contains("rateLimits.loginFailedPerEmail"))
        #expect(run.stdout.isEmpty)
    }

    @Test func aHundredYearRateLimitWindowWorks() throws {
        let sidecar = try Sidecar(config: #"{"passwords": {"iterations": 1000}, "rateLimits": {"loginFailedPerEmail": "2/3153600000s"}}"#)
        try sidecar.setClock("9999-12-31T00:00:00Z")
        let params: JSONValue = ["email": "x@example.com", "password": "wrong password"]
        #expect(try sidecar.error("auth.login", params)["data"]?["reason"] == "invalid_credentials")
        #expect(try sidecar.error("auth.login", params)["data"]?["reason"] == "invalid_credentials")
        let limited = try sidecar.error("auth.login", params)
        #expect(limited["data"]?["reason"] == "rate_limited")
        #expect(limited["data"]?["retryAfterSeconds"] == 3_153_600_000)
        #expect(try sidecar.finish() == 0)
    }
}

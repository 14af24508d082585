import Foundation
import Testing
import TobaRPC

/// Issue 8: the limits of PROTOCOL.md §6, §8.2 and §8.8 that an outside attack found missing.
@Suite struct AccountLimitsTests {
    static func expectRateLimited(_ error: JSONObject, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(error["code"] == 1005, sourceLocation: sourceLocation)
        #expect(error["data"]?["reason"] == "rate_limited", sourceLocation: sourceLocation)
        #expect((error["data"]?["retryAfterSeconds"]?.int64Value ?? 0) > 0, sourceLocation: sourceLocation)
    }

    @Test func anIpAddressThatIsNoAddressIsRefusedByEveryMethodThatTakesOne() throws {
        let sidecar = try Sidecar()
        _ = try sidecar.registerAndLogin("ip@example.com")
        let calls: [(String, JSONObject)] = [
            ("auth.login", ["email": "ip@example.com", "password": "a long passphrase"]),
            ("user.register", ["email": "new@example.com", "password": "a long passphrase"]),
            ("social.login", ["provider": "google", "uid": "g-1", "email": "g@example.com", "emailVerified": true]),
        ]
        for (method, params) in calls {
            for bad in ["localhost", "1.2.3", "203.0.113.256", "2001:db8::1::2", "fe80::1%eth0", "203.0.113.9; DROP", "01.2.3.4"] {
                var withAddress = params
                withAddress["ipAddress"] = .string(bad)
                let error = try sidecar.error(method, .object(withAddress))
                #expect(error["code"] == 1000, "\(method) \(bad)")
                #expect(error["data"]?["reason"] == "ip_invalid", "\(method) \(bad)")
                #expect(error["data"]?["field"] == "ipAddress", "\(method) \(bad)")
            }
        }
        #expect(try sidecar.finish() == 0)
    }

    @Test func sessionsStoreTheAddressInCanonicalForm() throws {
        let sidecar = try Sidecar()
        _ = try sidecar.registerAndLogin("canon@example.com")
        let cases: [(String, JSONValue)] = [
            ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"), ("::ffff:203.0.113.9", "203.0.113.9"), (" 198.51.100.7 ", "198.51.100.7"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("", .null),
        ]
        for (given, stored) in cases {
            let login = try sidecar.result("auth.login", ["email": "canon@example.com", "password": "a long passphrase", "ipAddress": .string(given)])
            #expect(login["session"]?["ipAddress"] == stored, "\(given)")
        }
        let social = try sidecar.result("social.login", ["provider": "google", "uid": "g", "email": "s@example.com", "ipAddress": "2001:0DB8::0001"])
        #expect(social["session"]?["ipAddress"] == "2001:db8::1")
        #expect(try sidecar.finish() == 0)
    }

    /// An attacker rotating through the addresses of one IPv6 /64, or writing one IPv4 address
    /// as IPv4-mapped IPv6, stays under one limit.
    @Test func failedLoginsFromOneIPv6SubnetOrOneMappedAddressShareTheirLimit() throws {
        let sidecar = try Sidecar()
        _ = try sidecar.registerAndLogin("target@example.com")
        for i in 0..<10 {
            _ = try sidecar.error("auth.login", ["email": .string("u\(i)@example.com"), "password": "wrong", "ipAddress": .string("2001:db8:0:0:\(i)::\(i)")])
        }
        Self.expectRateLimited(try sidecar.error("auth.login", ["email": "target@example.com", "password": "a long passphrase", "ipAddress": "2001:DB8::2"]))
        _ = try sidecar.result("auth.login", ["email": "target@example.com", "password": "a long passphrase", "ipAddress": "2001:db8:0:1::1"])

        for i in 0..<10 {
            let address = i % 2 == 0 ? "203.0.113.9" : "::ffff:203.0.113.9"
            _ = try sidecar.error("auth.login", ["email": .string("v\(i)@example.com"), "password": "wrong", "ipAddress": .string(address)])
        }
        Self.expectRateLimited(try sidecar.error("auth.login", ["email": "target@example.com", "password": "a long passphrase", "ipAddress": "203.0.113.9"]))
        #expect(try sidecar.finish() == 0)
    }

    /// A stolen token must not become an oracle for the account's password.
    @Test func guessingTheCurrentPasswordWithAStolenTokenIsRateLimited() throws {
        let sidecar = try Sidecar()
        try sidecar.setClock("2026-03-01T00:00:00Z")
        let (_, token) = try sidecar.registerAndLogin("stolen@example.com")
        for i in 0..<5 {
            let method = i % 2 == 0 ? "user.changePassword" : "user.delete"
            let params: JSONValue = method == "user.delete"
                ? ["token": token, "password": .string("guess \(i)")]
                : ["token": token, "currentPassword": .string("guess \(i)"), "newPassword": "brand new passphrase"]
            #expect(try sidecar.error(method, params)["data"]?["reason"] == "invalid_credentials")
        }
        Self.expectRateLimited(try sidecar.error("user.changePassword", ["token": token, "currentPassword": "a long passphrase",
                                                                          "newPassword": "brand new passphrase"]))
        Self.expectRateLimited(try sidecar.error("user.delete", ["token": token, "password": "a long passphrase"]))
        _ = try sidecar.advanceClock(seconds: 301)
        let changed = try sidecar.result("user.changePassword", ["token": token, "currentPassword": "a long passphrase",
                                                                  "newPassword": "brand new passphrase"])
        #expect(changed["changed"] == true)
        #expect(try sidecar.finish() == 0)
    }

    @Test func guessingVoucherCodesIsRateLimitedEvenForAValidCode() throws {
        let shop = try Shop()
        _ = try shop.product()
        _ = try shop.sidecar.result("voucher.create", ["token": shop.admin, "code": "REAL-CODE", "name": "Real", "bound": true, "usage": 5,
                                                       "validFrom": .string(Shop.start), "validTo": .string(Shop.at(days: 10))])
        let (_, user) = try shop.user("guesser@example.com")
        for i in 0..<10 {
            #expect(try shop.sidecar.error("voucher.claim", ["token": user, "code": .string("GUESS-\(i)")])["code"] == 1003)
        }
        Self.expectRateLimited(try shop.sidecar.error("voucher.claim", ["token": user, "code": "GUESS-10"]))
        Self.expectRateLimited(try shop.sidecar.error("voucher.claim", ["token": user, "code": "real-code"]))
        // another user is not limited by the first one's guesses
        let (_, other) = try shop.user("other@example.com")
        _ = try shop.sidecar.result("voucher.claim", ["token": other, "code": "real-code"])
        _ = try shop.sidecar.advanceClock(seconds: 301)
        _ = try shop.sidecar.result("voucher.claim", ["token": user, "code": "real-code"])
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func aUserHoldsAtMostTenAddresses() throws {
        let sidecar = try Sidecar()
        let (_, token) = try sidecar.registerAndLogin("many@example.com")
        for i in 1...9 {
            _ = try sidecar.result("email.add", ["token": token, "email": .string("many\(i)@example.com")])
        }
        let error = try sidecar.error("email.add", ["token": token, "email": "many10@example.com"])
        #expect(error["code"] == 1000)
        #expect(error["data"]?["reason"] == "too_many_addresses")
        _ = try sidecar.result("email.remove", ["token": token, "email": "many9@example.com"])
        _ = try sidecar.result("email.add", ["token": token, "email": "many10@example.com"])
        #expect(try sidecar.finish() == 0)
    }
}

import Crypto
import Foundation
import Testing
import TobaRPC

/// §8.3 Sessions through the real binary.
@Suite struct SessionTests {
    static let start = "2030-01-01T00:00:00.000000Z"
    static let startSeconds: Int64 = 1_893_456_000

    func sidecar(config: String? = Sidecar.fastConfig) throws -> Sidecar {
        let sidecar = try Sidecar(config: config)
        try sidecar.setClock(Self.start)
        return sidecar
    }

    func login(_ sidecar: Sidecar, _ email: String, password: String = "a long passphrase", extra: JSONObject = [:]) throws -> JSONValue {
        var params: JSONObject = ["email": .string(email), "password": .string(password)]
        for (key, value) in extra { params[key] = value }
        return try sidecar.result("auth.login", .object(params))
    }

    func expectRefused(_ sidecar: Sidecar, _ token: JSONValue, reason: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try sidecar.error("auth.verify", ["token": token])
        #expect(error["code"] == 1001, sourceLocation: sourceLocation)
        #expect(error["message"] == "Unauthenticated", sourceLocation: sourceLocation)
        #expect(error["data"]?["reason"] == .string(reason), sourceLocation: sourceLocation)
    }

    // MARK: JWT helpers

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: Substring) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }

    static func claims(_ token: JSONValue) throws -> JSONValue {
        let parts = try #require(token.stringValue?.split(separator: ".", omittingEmptySubsequences: false))
        try #require(parts.count == 3)
        let payload = try #require(decodeBase64URL(parts[1]))
        return try JSONParser.parse(Array(payload))
    }

    /// A token with `claims` signed HS256 under `key`.
    static func sign(_ claims: JSONValue, key: String, header: JSONValue = ["alg": "HS256", "typ": "JWT"]) -> String {
        let input = base64URL(Data(JSONWriter.bytes(header))) + "." + base64URL(Data(JSONWriter.bytes(claims)))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: Array(key.utf8)))
        return input + "." + base64URL(Data(mac))
    }

    // MARK: auth.login / auth.verify

    @Test func loginReturnsATokenInTheShapeOfDjangoRestFrameworkSSO() throws {
        let sidecar = try sidecar()
        let registered = try sidecar.result("user.register", ["email": "login@example.com", "password": "a long passphrase"])
        let userId = try #require(registered["user"]?["id"])
        let longAgent = String(repeating: "u", count: 1500)
        let result = try login(sidecar, "Login@Example.com", extra: ["clientId": "web", "ipAddress": "203.0.113.9", "userAgent": .string(longAgent)])
        #expect(Set(result.objectValue?.keys ?? []) == ["token", "session", "user"])
        let session = try #require(result["session"])
        #expect(session["userId"] == userId)
        #expect(session["ipAddress"] == "203.0.113.9")
        #expect(session["clientId"] == "web")
        #expect(session["userAgent"]?.stringValue?.count == 1000)
        #expect(session["createdAt"] == .string(Self.start))
        #expect(session["revokedAt"] == .null)
        let sessionId = try #require(session["id"]?.stringValue)
        #expect(UUID(uuidString: sessionId) != nil && sessionId == sessionId.lowercased())
        #expect(result["user"]?["lastLogin"] == .string(Self.start))
        #expect(result["user"]?["password"] == nil)

        let token = try #require(result["token"])
        let header = try JSONParser.parse(Array(try #require(Self.decodeBase64URL(token.stringValue!.split(separator: ".")[0]))))
        #expect(header["alg"] == "HS256")
        let claims = try Self.claims(token)
        #expect(claims["token"] == "session")
        #expect(claims["sid"] == .string(sessionId))
        #expect(claims["cid"] == "web")
        #expect(claims["uid"] == userId)
        #expect(claims["email"] == "login@example.com")
        #expect(claims["iat"]?.int64Value == Self.startSeconds)
        #expect(claims["iss"] == "toba-register")
        #expect(claims["aud"] == "toba-register")
        #expect(claims["exp"] == nil, "no expiry by default")

        let verified = try sidecar.result("auth.verify", ["token": token])
        let expected: JSONValue = ["userId": userId, "sessionId": .string(sessionId), "email": "login@example.com",
                                   "isStaff": false, "isSuperuser": false, "groups": ["trial"]]
        #expect(verified.canonical == expected.canonical)
    }

    @Test func aTokenWithoutAClientIdCarriesANullCid() throws {
        let sidecar = try sidecar()
        let (_, token) = try sidecar.registerAndLogin("nocid@example.com")
        let claims = try Self.claims(token)
        #expect(claims["cid"] == .null)
    }

    @Test func badCredentialsAreOneErrorWhateverFailed() throws {
        let sidecar = try sidecar()
        _ = try sidecar.registerAndLogin("known@example.com")
        let wrongPassword = try sidecar.error("auth.login", ["email": "known@example.com", "password": "wrong passphrase"])
        let unknownUser = try sidecar.error("auth.login", ["email": "unknown@example.com", "password": "a long passphrase"])
        for error in [wrongPassword, unknownUser] {
            #expect(error["code"] == 1001)
            #expect(error["data"]?["reason"] == "invalid_credentials")
        }
        #expect(wrongPassword == unknownUser)
    }

    @Test func forgedAlteredGarbageAndForeignTokensAreRefused() throws {
        let sidecar = try sidecar()
        let (victimId, victim) = try sidecar.registerAndLogin("victim@example.com")
        let (_, mine) = try sidecar.registerAndLogin("attacker@example.com")
        let parts = try #require(mine.stringValue?.split(separator: ".").map(String.init))
        var claims = try #require(try Self.claims(mine).objectValue)

        var refused: [String] = ["", "garbage", "a.b.c", "....", parts[0] + "." + parts[1], parts[0] + "." + parts[1] + ".",
                                 String(repeating: "A", count: 10_000)]
        // Someone else's signature on my claims.
        refused.append(parts[0] + "." + parts[1] + "." + victim.stringValue!.split(separator: ".")[2])
        // My signature on claims naming the victim.
        claims["uid"] = .number(JSONNumber(victimId))
        claims["email"] = "victim@example.com"
        refused.append(parts[0] + "." + Self.base64URL(Data(JSONWriter.bytes(.object(claims)))) + "." + parts[2])
        // The same claims, unsigned (alg none) and signed with guessed keys.
        refused.append(Self.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." +
                       Self.base64URL(Data(JSONWriter.bytes(.object(claims)))) + ".")
        for key in ["secret", "toba-register", ""] {
            refused.append(Self.sign(.object(claims), key: key))
        }
        // A flipped byte inside the signature.
        var signature = Array(parts[2])
        signature[4] = signature[4] == "A" ? "B" : "A"
        refused.append(parts[0] + "." + parts[1] + "." + String(signature))

        for token in refused {
            let error = try sidecar.error("auth.verify", ["token": .string(token)])
            #expect(error["code"] == 1001, "\(token.prefix(80))")
            #expect(error["data"]?["reason"] == "invalid_token", "\(token.prefix(80))")
        }

        // A token from another service instance (another secret key) is foreign here.
        let other = try Sidecar()
        let (_, foreign) = try other.registerAndLogin("victim@example.com")
        try expectRefused(sidecar, foreign, reason: "invalid_token")
        // The genuine ones still work.
        #expect(try sidecar.result("auth.verify", ["token": victim])["userId"]?.int64Value == victimId)
    }

    @Test func aTokenOfALoggedOutSessionIsRevoked() throws {
        let sidecar = try sidecar()
        let (_, token) = try sidecar.registerAndLogin("logout@example.com")
        let (_, other) = try sidecar.registerAndLogin("logout@example.com".replacingOccurrences(of: "logout", with: "stays"))
        let second = try #require(try login(sidecar, "logout@example.com")["token"])
        #expect(try sidecar.result("auth.logout", ["token": token]) == ["loggedOut": true])
        try expectRefused(sidecar, token, reason: "session_revoked")
        #expect(try sidecar.error("auth.logout", ["token": token])["data"]?["reason"] == "session_revoked")
        _ = try sidecar.result("auth.verify", ["token": second])
        _ = try sidecar.result("auth.verify", ["token": other])
    }

    @Test func sessionsExpireWithMaxAgeOnTheServiceClock() throws {
        let sidecar = try sidecar(config: #"{"passwords": {"iterations": 1000}, "sessions": {"maxAgeSeconds": 60, "issuer": "toba-test"}}"#)
        let (_, token) = try sidecar.registerAndLogin("maxage@example.com")
        let claims = try Self.claims(token)
        #expect(claims["exp"]?.int64Value == Self.startSeconds + 60)
        #expect(claims["iss"] == "toba-test")
        try sidecar.advanceClock(seconds: 59)
        _ = try sidecar.result("auth.verify", ["token": token])
        try sidecar.advanceClock(seconds: 1)
        #expect(try sidecar.error("auth.verify", ["token": token])["code"] == 1001)
    }

    // MARK: session.*

    @Test func sessionListIsNewestFirstWithTheCurrentOneMarked() throws {
        let sidecar = try sidecar()
        _ = try sidecar.result("user.register", ["email": "many@example.com", "password": "a long passphrase"])
        var tokens: [JSONValue] = []
        var ids: [String] = []
        for i in 0..<3 {
            let result = try login(sidecar, "many@example.com", extra: ["userAgent": .string("agent \(i)")])
            tokens.append(try #require(result["token"]))
            ids.append(try #require(result["session"]?["id"]?.stringValue))
            try sidecar.advanceClock(seconds: 10)
        }
        _ = try sidecar.registerAndLogin("someone-else@example.com")

        let list = try sidecar.result("session.list", ["token": tokens[1]])
        let items = try #require(list["items"]?.arrayValue)
        #expect(items.compactMap { $0["id"]?.stringValue } == ids.reversed())
        #expect(items.map { $0["current"] } == [false, true, false])
        #expect(list["nextCursor"] == .null)

        let first = try sidecar.result("session.list", ["token": tokens[0], "limit": 2])
        #expect(first["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2], ids[1]])
        let cursor = try #require(first["nextCursor"]?.stringValue)
        let rest = try sidecar.result("session.list", ["token": tokens[0], "limit": 2, "cursor": .string(cursor)])
        #expect(rest["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[0]])
        #expect(rest["items"]?[0]?["current"] == true)
        #expect(rest["nextCursor"] == .null)
    }

    @Test func aSessionIsRevokedByItsOwnerOnly() throws {
        let sidecar = try sidecar()
        let (_, a) = try sidecar.registerAndLogin("owner@example.com")
        let b = try #require(try login(sidecar, "owner@example.com")["token"])
        let bId = try #require(try Self.claims(b)["sid"])
        let (_, stranger) = try sidecar.registerAndLogin("stranger@example.com")
        let strangerId = try #require(try Self.claims(stranger)["sid"])

        #expect(try sidecar.error("session.revoke", ["token": a, "sessionId": strangerId])["code"] == 1003)
        #expect(try sidecar.error("session.revoke", ["token": a, "sessionId": "not-a-uuid"])["code"] == 1003)
        #expect(try sidecar.error("session.revoke", ["token": a, "sessionId": .string(UUID().uuidString.lowercased())])["code"] == 1003)
        _ = try sidecar.result("auth.verify", ["token": stranger])

        let revoked = try sidecar.result("session.revoke", ["token": a, "sessionId": bId])
        #expect(revoked["revoked"] == true)
        try expectRefused(sidecar, b, reason: "session_revoked")
        _ = try sidecar.result("auth.verify", ["token": a])
        let listed = try sidecar.result("session.list", ["token": a])["items"]?.arrayValue ?? []
        #expect(listed.first { $0["id"] == bId }?["revokedAt"] == .string(Self.start))
    }

    @Test func revokeAllKeepsTheCurrentSessionUnlessAsked() throws {
        let sidecar = try sidecar()
        let (_, a) = try sidecar.registerAndLogin("all@example.com")
        let b = try #require(try login(sidecar, "all@example.com")["token"])
        let c = try #require(try login(sidecar, "all@example.com")["token"])
        let (_, stranger) = try sidecar.registerAndLogin("bystander@example.com")

        #expect(try sidecar.result("session.revokeAll", ["token": a]) == ["revoked": 2])
        _ = try sidecar.result("auth.verify", ["token": a])
        try expectRefused(sidecar, b, reason: "session_revoked")
        try expectRefused(sidecar, c, reason: "session_revoked")
        _ = try sidecar.result("auth.verify", ["token": stranger])

        let d = try #require(try login(sidecar, "all@example.com")["token"])
        #expect(try sidecar.result("session.revokeAll", ["token": a, "exceptCurrent": false]) == ["revoked": 2])
        try expectRefused(sidecar, a, reason: "session_revoked")
        try expectRefused(sidecar, d, reason: "session_revoked")
        _ = try sidecar.result("auth.verify", ["token": stranger])
    }

    @Test func usingATokenMarksItsSessionUsedAtMostOnceAMinute() throws {
        let sidecar = try sidecar()
        let (_, token) = try sidecar.registerAndLogin("used@example.com")
        func lastUsed() throws -> JSONValue? {
            try sidecar.result("session.list", ["token": token])["items"]?[0]?["lastUsedAt"]
        }
        #expect(try lastUsed() == .string(Self.start))
        try sidecar.advanceClock(seconds: 30)
        #expect(try lastUsed() == .string(Self.start))
        try sidecar.advanceClock(seconds: 31)
        #expect(try lastUsed() == "2030-01-01T00:01:01.000000Z")
    }

    // MARK: websession.*

    @Test func webSessionsAreSavedLoadedAndDeleted() throws {
        let sidecar = try sidecar()
        let created = try sidecar.result("websession.save", ["data": ["cart": [1, 2], "user": "ana"]])
        let key = try #require(created["sessionKey"]?.stringValue)
        #expect(key.count == 32 && key.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        #expect(created["expireDate"] == "2030-01-15T00:00:00.000000Z", "two weeks by default")
        #expect(try sidecar.result("websession.load", ["sessionKey": .string(key)]) ==
                ["data": ["cart": [1, 2], "user": "ana"], "expireDate": "2030-01-15T00:00:00.000000Z"])

        // Django's own encoded text is kept as it is.
        let django = "eyJfYXV0aF91c2VyX2lkIjoiMSJ9:1uD9Zq:abc"
        _ = try sidecar.result("websession.save", ["sessionKey": .string(key), "data": .string(django),
                                                   "expireDate": "2030-02-01T07:00:00+07:00"])
        let loaded = try sidecar.result("websession.load", ["sessionKey": .string(key)])
        #expect(loaded["data"] == .string(django))
        #expect(loaded["expireDate"] == "2030-02-01T00:00:00.000000Z")
        _ = try sidecar.result("websession.save", ["sessionKey": "listkey", "data": [1, "two"]])
        #expect(try sidecar.result("websession.load", ["sessionKey": "listkey"])["data"] == [1, "two"])

        #expect(try sidecar.result("websession.delete", ["sessionKey": .string(key)]) == ["deleted": true])
        #expect(try sidecar.result("websession.delete", ["sessionKey": .string(key)]) == ["deleted": false])
        #expect(try sidecar.result("websession.load", ["sessionKey": .string(key)]) == .null)
        #expect(try sidecar.result("websession.load", ["sessionKey": "neverexisted"]) == .null)

        let bad = try sidecar.error("websession.save", ["sessionKey": "not a key!", "data": "x"])
        #expect(bad["code"] == 1000)
        #expect(bad["data"]?["field"] == "sessionKey")
    }

    @Test func webSessionsExpireByTheServiceClockAndAreCleared() throws {
        let sidecar = try sidecar()
        _ = try sidecar.result("websession.save", ["sessionKey": "short", "data": "s", "expireDate": "2030-01-01T00:01:00Z"])
        _ = try sidecar.result("websession.save", ["sessionKey": "shorter", "data": "s", "expireDate": "2030-01-01T00:00:30Z"])
        _ = try sidecar.result("websession.save", ["sessionKey": "long", "data": "l"])
        #expect(try sidecar.result("websession.clearExpired") == ["deleted": 0])
        try sidecar.advanceClock(seconds: 59)
        #expect(try sidecar.result("websession.load", ["sessionKey": "short"])["data"] == "s")
        #expect(try sidecar.result("websession.load", ["sessionKey": "shorter"]) == .null)
        try sidecar.advanceClock(seconds: 1)
        #expect(try sidecar.result("websession.load", ["sessionKey": "short"]) == .null)
        #expect(try sidecar.result("websession.clearExpired") == ["deleted": 2])
        #expect(try sidecar.result("websession.clearExpired") == ["deleted": 0])
        #expect(try sidecar.result("websession.load", ["sessionKey": "long"])["data"] == "l")
        // Saving again revives an expired key with a new date.
        _ = try sidecar.result("websession.save", ["sessionKey": "short", "data": "again"])
        #expect(try sidecar.result("websession.load", ["sessionKey": "short"])["data"] == "again")
    }

    // MARK: Rate limits

    @Test func fiveFailedLoginsPerEmailBlockTheEmailUntilTheWindowPasses() throws {
        let sidecar = try sidecar()
        _ = try sidecar.result("user.register", ["email": "limited@example.com", "password": "a long passphrase"])
        for _ in 0..<5 {
            #expect(try sidecar.error("auth.login", ["email": "limited@example.com", "password": "wrong passphrase"])["data"]?["reason"] == "invalid_credentials")
        }
        let blocked = try sidecar.error("auth.login", ["email": "LIMITED@example.com", "password": "a long passphrase"])
        #expect(blocked["code"] == 1005)
        #expect(blocked["message"] == "Rate limited")
        #expect(blocked["data"]?["reason"] == "rate_limited")
        #expect(blocked["data"]?["retryAfterSeconds"] == 300)
        // Other emails are not affected.
        _ = try sidecar.registerAndLogin("free@example.com")

        try sidecar.advanceClock(seconds: 299)
        let still = try sidecar.error("auth.login", ["email": "limited@example.com", "password": "a long passphrase"])
        #expect(still["data"]?["retryAfterSeconds"] == 1)
        try sidecar.advanceClock(seconds: 1)
        _ = try login(sidecar, "limited@example.com")
    }

    @Test func tenFailedLoginsPerIPBlockTheIPForAMinute() throws {
        let sidecar = try sidecar()
        _ = try sidecar.result("user.register", ["email": "ip@example.com", "password": "a long passphrase"])
        for i in 0..<10 {
            let error = try sidecar.error("auth.login", ["email": .string("guess\(i)@example.com"), "password": "wrong passphrase",
                                                         "ipAddress": "198.51.100.7"])
            #expect(error["data"]?["reason"] == "invalid_credentials")
        }
        let blocked = try sidecar.error("auth.login", ["email": "ip@example.com", "password": "a long passphrase", "ipAddress": "198.51.100.7"])
        #expect(blocked["code"] == 1005)
        #expect(blocked["data"]?["retryAfterSeconds"] == 60)
        _ = try login(sidecar, "ip@example.com", extra: ["ipAddress": "198.51.100.8"])
        _ = try login(sidecar, "ip@example.com")
        try sidecar.advanceClock(seconds: 60)
        _ = try login(sidecar, "ip@example.com", extra: ["ipAddress": "198.51.100.7"])
    }

    @Test func rateLimitsFollowTheSettings() throws {
        let sidecar = try sidecar(config: #"{"passwords": {"iterations": 1000}, "rateLimits": {"loginFailedPerEmail": "2/1m"}}"#)
        _ = try sidecar.result("user.register", ["email": "tight@example.com", "password": "a long passphrase"])
        for _ in 0..<2 { _ = try sidecar.error("auth.login", ["email": "tight@example.com", "password": "wrong passphrase"]) }
        let blocked = try sidecar.error("auth.login", ["email": "tight@example.com", "password": "a long passphrase"])
        #expect(blocked["data"]?["retryAfterSeconds"] == 60)
    }
}

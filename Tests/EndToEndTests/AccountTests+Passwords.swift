import Foundation
import GRDB
import Testing
import TobaRPC

/// Passwords, stored hashes, inactive users and categories.
extension AccountTests {
    // MARK: Passwords

    @Test func changingThePasswordChecksTheCurrentOneAndRevokesOtherSessions() throws {
        let sidecar = try sidecar()
        _ = try register(sidecar, "change@example.com", password: "first passphrase")
        let a = try login(sidecar, "change@example.com", password: "first passphrase")
        let b = try login(sidecar, "change@example.com", password: "first passphrase")

        let wrong = try sidecar.error("user.changePassword", ["token": a, "currentPassword": "not it at all", "newPassword": "second passphrase"])
        #expect(wrong["code"] == 1001)
        #expect(wrong["data"]?["reason"] == "invalid_credentials")
        let weak = try sidecar.error("user.changePassword", ["token": a, "currentPassword": "first passphrase", "newPassword": "short"])
        #expect(weak["code"] == 1000)
        #expect(weak["data"]?["reason"] == "password_too_short")
        #expect(weak["data"]?["field"] == "newPassword")
        let similar = try sidecar.error("user.changePassword", ["token": a, "currentPassword": "first passphrase", "newPassword": "change123"])
        #expect(similar["data"]?["reason"] == "password_too_similar")
        // Refused changes left both sessions alone.
        _ = try sidecar.result("auth.verify", ["token": b])

        _ = try sidecar.result("user.changePassword", ["token": a, "currentPassword": "first passphrase", "newPassword": "second passphrase"])
        _ = try sidecar.result("auth.verify", ["token": a])
        let revoked = try sidecar.error("auth.verify", ["token": b])
        #expect(revoked["code"] == 1001)
        #expect(revoked["data"]?["reason"] == "session_revoked")
        #expect(try sidecar.error("auth.login", ["email": "change@example.com", "password": "first passphrase"])["code"] == 1001)
        let c = try login(sidecar, "change@example.com", password: "second passphrase")

        _ = try sidecar.result("user.changePassword", ["token": a, "currentPassword": "second passphrase",
                                                       "newPassword": "third passphrase", "revokeOtherSessions": false])
        _ = try sidecar.result("auth.verify", ["token": c])
        _ = try login(sidecar, "change@example.com", password: "third passphrase")
    }

    @Test func deletingTheAccountAnonymisesItAndFreesTheEmail() throws {
        let sidecar = try sidecar()
        let registered = try register(sidecar, "leaving@example.com", extra: ["firstName": "Leaving"])
        let token = try login(sidecar, "leaving@example.com")
        let other = try login(sidecar, "leaving@example.com")

        let wrong = try sidecar.error("user.delete", ["token": token, "password": "not my password"])
        #expect(wrong["code"] == 1001)
        _ = try sidecar.result("auth.verify", ["token": token])

        #expect(try sidecar.result("user.delete", ["token": token, "password": "a long passphrase"]) == ["deleted": true])
        #expect(try sidecar.error("auth.verify", ["token": token])["code"] == 1001)
        #expect(try sidecar.error("user.me", ["token": other])["code"] == 1001)
        let gone = try sidecar.error("auth.login", ["email": "leaving@example.com", "password": "a long passphrase"])
        #expect(gone["code"] == 1001)
        #expect(gone["data"]?["reason"] == "invalid_credentials")
        #expect(try sidecar.result("password.requestReset", ["email": "leaving@example.com"]) == .null)

        let again = try register(sidecar, "leaving@example.com")
        #expect(again["user"]?["id"] != registered["user"]?["id"])
        _ = try login(sidecar, "leaving@example.com")
    }

    @Test func aPasswordResetTokenWorksOnceAndRevokesEverySession() throws {
        let sidecar = try sidecar()
        #expect(try sidecar.result("password.requestReset", ["email": "nobody@example.com"]) == .null)
        let registered = try register(sidecar, "reset@example.com")
        let session = try login(sidecar, "reset@example.com")

        let reset = try sidecar.result("password.requestReset", ["email": "RESET@example.com"])
        let uid = try #require(reset["uid"])
        let token = try #require(reset["token"])
        // Django's uid: the base64url (unpadded) of the decimal user id.
        let userId = try #require(registered["user"]?["id"]?.int64Value)
        #expect(uid == .string(Data(String(userId).utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")))
        #expect(token.stringValue?.wholeMatch(of: /[0-9a-z]+-[0-9a-f]{32}/) != nil)

        let weak = try sidecar.error("password.reset", ["uid": uid, "token": token, "newPassword": "12345"])
        #expect(weak["code"] == 1000)
        let forged = try sidecar.error("password.reset", ["uid": uid, "token": "c0ffee-0123456789abcdef0123456789abcdef", "newPassword": "a new passphrase"])
        #expect(forged["code"] == 1001)
        let otherUid = try sidecar.error("password.reset", ["uid": "OTk5", "token": token, "newPassword": "a new passphrase"])
        #expect(otherUid["code"] == 1001)

        _ = try sidecar.result("password.reset", ["uid": uid, "token": token, "newPassword": "a new passphrase"])
        let revoked = try sidecar.error("auth.verify", ["token": session])
        #expect(revoked["data"]?["reason"] == "session_revoked")
        _ = try login(sidecar, "reset@example.com", password: "a new passphrase")
        #expect(try sidecar.error("auth.login", ["email": "reset@example.com", "password": "a long passphrase"])["code"] == 1001)

        // The password changed: the token is dead.
        let reused = try sidecar.error("password.reset", ["uid": uid, "token": token, "newPassword": "yet another passphrase"])
        #expect(reused["code"] == 1001)
        _ = try login(sidecar, "reset@example.com", password: "a new passphrase")
    }

    @Test func aPasswordResetTokenDiesWhenTheUserLogsIn() throws {
        let sidecar = try sidecar()
        _ = try register(sidecar, "login-kills@example.com")
        let reset = try sidecar.result("password.requestReset", ["email": "login-kills@example.com"])
        try sidecar.advanceClock(seconds: 1)
        _ = try login(sidecar, "login-kills@example.com")
        let error = try sidecar.error("password.reset", ["uid": try #require(reset["uid"]), "token": try #require(reset["token"]),
                                                         "newPassword": "a new passphrase"])
        #expect(error["code"] == 1001)
        _ = try login(sidecar, "login-kills@example.com")
    }

    @Test func aPasswordResetTokenExpiresAfterTheTimeout() throws {
        let sidecar = try sidecar()
        _ = try register(sidecar, "in-time@example.com")
        _ = try register(sidecar, "too-late@example.com")
        let inTime = try sidecar.result("password.requestReset", ["email": "in-time@example.com"])
        let tooLate = try sidecar.result("password.requestReset", ["email": "too-late@example.com"])
        try sidecar.advanceClock(seconds: 259_200)
        _ = try sidecar.result("password.reset", ["uid": try #require(inTime["uid"]), "token": try #require(inTime["token"]),
                                                  "newPassword": "a new passphrase"])
        try sidecar.advanceClock(seconds: 1)
        let expired = try sidecar.error("password.reset", ["uid": try #require(tooLate["uid"]), "token": try #require(tooLate["token"]),
                                                           "newPassword": "a new passphrase"])
        #expect([1001, 1006].contains(expired["code"]?.int64Value ?? 0))
        _ = try login(sidecar, "too-late@example.com")
    }

    @Test func passwordResetRequestsAreRateLimitedPerEmail() throws {
        let sidecar = try sidecar()
        _ = try register(sidecar, "many-resets@example.com")
        for _ in 0..<5 { _ = try sidecar.result("password.requestReset", ["email": "many-resets@example.com"]) }
        let limited = try sidecar.error("password.requestReset", ["email": "Many-Resets@example.com"])
        #expect(limited["code"] == 1005)
        #expect((1...60).contains(limited["data"]?["retryAfterSeconds"]?.int64Value ?? 0))
        // Unknown addresses are limited the same way, so the limit tells nothing about accounts.
        for _ in 0..<5 { #expect(try sidecar.result("password.requestReset", ["email": "ghost@example.com"]) == .null) }
        #expect(try sidecar.error("password.requestReset", ["email": "ghost@example.com"])["code"] == 1005)
        try sidecar.advanceClock(seconds: 60)
        #expect(try sidecar.result("password.requestReset", ["email": "many-resets@example.com"])["token"] != nil)
    }

    // MARK: Stored hashes

    /// Registered under 1,000 iterations, logged in under 2,000: the stored hash is redone.
    @Test func aLoginRehashesAnOutdatedHash() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("upgrade.sqlite")
        let first = try Sidecar(arguments: ["--db", file.path], directory: directory)
        _ = try register(first, "upgrade@example.com")
        #expect(try first.finish() == 0)
        let before = try #require(try SidecarDatabase.passwordHash(file, email: "upgrade@example.com"))
        #expect(before.hasPrefix("pbkdf2_sha256$1000$"))

        let config = #"{"passwords": {"iterations": 2000}}"#
        let second = try Sidecar(arguments: ["--db", file.path], config: config, directory: directory)
        // A failed login changes nothing.
        _ = try second.error("auth.login", ["email": "upgrade@example.com", "password": "wrong passphrase"])
        _ = try login(second, "upgrade@example.com")
        #expect(try second.finish() == 0)
        let after = try #require(try SidecarDatabase.passwordHash(file, email: "upgrade@example.com"))
        let parts = after.split(separator: "$")
        #expect(parts.count == 4)
        #expect(parts.first == "pbkdf2_sha256")
        #expect(parts.dropFirst().first == "2000")
        #expect(parts.dropFirst(2).first?.count == 22)

        let third = try Sidecar(arguments: ["--db", file.path], config: config, directory: directory)
        _ = try login(third, "upgrade@example.com")
        #expect(try third.finish() == 0)
        #expect(try SidecarDatabase.passwordHash(file, email: "upgrade@example.com") == after, "an up-to-date hash is kept")
    }

    /// A hash in Django's format written by another program (salt and hash made with Python's
    /// hashlib, as Django's PBKDF2PasswordHasher does) logs in.
    @Test func aDjangoHashLogsIn() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("django.sqlite")
        let first = try Sidecar(arguments: ["--db", file.path], directory: directory)
        _ = try register(first, "django@example.com")
        #expect(try first.finish() == 0)
        // pbkdf2_hmac("sha256", b"correct horse", b"saltsaltsaltsaltsaltsa", 1000), base64.
        let django = "pbkdf2_sha256$1000$saltsaltsaltsaltsaltsa$rrFqfY54t+CcYpzPEaBDNhjkhYBmcvjLfi7UsJc1TIs="
        try SidecarDatabase.write(file) { db in
            try db.execute(sql: "UPDATE users_user SET password = ? WHERE email = ?", arguments: [django, "django@example.com"])
        }
        let second = try Sidecar(arguments: ["--db", file.path], directory: directory)
        _ = try login(second, "django@example.com", password: "correct horse")
        #expect(try second.error("auth.login", ["email": "django@example.com", "password": "a long passphrase"])["code"] == 1001)
        #expect(try second.finish() == 0)
    }

    @Test func anInactiveUserCannotLogInAndTheirTokensStopWorking() throws {
        let directory = try Sidecar.makeDirectory()
        let file = directory.appendingPathComponent("inactive.sqlite")
        let first = try Sidecar(arguments: ["--db", file.path], directory: directory)
        _ = try register(first, "inactive@example.com")
        let token = try login(first, "inactive@example.com")
        #expect(try first.finish() == 0)
        try SidecarDatabase.write(file) { db in
            try db.execute(sql: "UPDATE users_user SET is_active = 0 WHERE email = ?", arguments: ["inactive@example.com"])
        }
        let second = try Sidecar(arguments: ["--db", file.path], directory: directory)
        let refused = try second.error("auth.login", ["email": "inactive@example.com", "password": "a long passphrase"])
        #expect(refused["code"] == 1001)
        #expect(refused["data"]?["reason"] == "account_inactive")
        let wrong = try second.error("auth.login", ["email": "inactive@example.com", "password": "wrong passphrase"])
        #expect(wrong["data"]?["reason"] == "invalid_credentials", "the state shows only to who knows the password")
        let stale = try second.error("auth.verify", ["token": token])
        #expect(stale["code"] == 1001)
        #expect(try second.result("password.requestReset", ["email": "inactive@example.com"]) == .null)
        #expect(try second.finish() == 0)
    }

    // MARK: Categories

    @Test func categoriesAreCreatedByAdminsAndListedByAnyone() throws {
        let (sidecar, admin) = try Sidecar.withAdmin()
        let umkm = try sidecar.result("category.create", ["token": admin, "name": "UMKM"])["category"]
        _ = try sidecar.result("category.create", ["token": admin, "name": "Retail"])
        #expect(umkm?["name"] == "UMKM")
        #expect(umkm?["id"]?.int64Value != nil)

        let blank = try sidecar.error("category.create", ["token": admin, "name": "   "])
        #expect(blank["code"] == 1000)
        #expect(blank["data"]?["field"] == "name")
        let long = try sidecar.error("category.create", ["token": admin, "name": .string(String(repeating: "n", count: 226))])
        #expect(long["data"]?["reason"] == "value_too_long")

        let (_, plain) = try sidecar.registerAndLogin("plain@example.com")
        let denied = try sidecar.error("category.create", ["token": plain, "name": "Mine"])
        #expect(denied["code"] == 1002)
        #expect(try sidecar.error("category.create", ["token": "garbage", "name": "Mine"])["code"] == 1001)

        let page1 = try sidecar.result("category.list", ["limit": 1])
        #expect(page1["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["UMKM"])
        let cursor = try #require(page1["nextCursor"]?.stringValue)
        let page2 = try sidecar.result("category.list", ["limit": 1, "cursor": .string(cursor)])
        #expect(page2["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Retail"])
        #expect(page2["nextCursor"] == .null)
        let all = try sidecar.result("category.list")
        #expect(all["items"]?.arrayValue?.count == 2)
        #expect(try sidecar.finish() == 0)
    }
}

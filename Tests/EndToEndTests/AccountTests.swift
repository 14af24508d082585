import Foundation
import Testing
import TobaRPC

/// §8.2 Accounts through the real binary.
@Suite struct AccountTests {
    static let start = "2030-01-01T00:00:00.000000Z"

    /// A sidecar (in memory, test clock frozen at `start`).
    func sidecar() throws -> Sidecar {
        let sidecar = try Sidecar()
        try sidecar.setClock(Self.start)
        return sidecar
    }

    func register(_ sidecar: Sidecar, _ email: String, password: String = "a long passphrase",
                  extra: JSONObject = [:]) throws -> JSONValue {
        var params: JSONObject = ["email": .string(email), "password": .string(password)]
        for (key, value) in extra { params[key] = value }
        return try sidecar.result("user.register", .object(params))
    }

    func login(_ sidecar: Sidecar, _ email: String, password: String = "a long passphrase") throws -> JSONValue {
        try #require(try sidecar.result("auth.login", ["email": .string(email), "password": .string(password)])["token"])
    }

    func isKey(_ value: JSONValue?, length: Int) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.count == length && text.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    // MARK: Registration

    @Test func registrationStoresALowerCasedEmailAndRefusesItAgainInAnyCase() throws {
        let sidecar = try sidecar()
        let registered = try register(sidecar, "  Ana.Maria@Example.COM ")
        let user = try #require(registered["user"])
        #expect(user["email"] == "ana.maria@example.com")
        #expect(user["isActive"] == true)
        #expect(user["isStaff"] == false)
        #expect(user["isSuperuser"] == false)
        #expect(user["password"] == nil, "the hash is never returned")
        #expect(user["dateJoined"] == .string(Self.start))
        let confirmation = try #require(registered["confirmation"])
        #expect(confirmation["email"] == "ana.maria@example.com")
        #expect(isKey(confirmation["key"], length: 64))
        #expect(confirmation["expiresAt"] == "2030-01-04T00:00:00.000000Z")

        for variant in ["ANA.MARIA@example.com", "ana.maria@EXAMPLE.com", " ana.maria@example.com"] {
            let error = try sidecar.error("user.register", ["email": .string(variant), "password": "another passphrase"])
            #expect(error["code"] == 1004)
            #expect(error["data"]?["reason"] == "email_taken")
        }

        let me = try sidecar.result("user.me", ["token": try login(sidecar, "ANA.MARIA@EXAMPLE.COM")])
        #expect(me["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["trial"])
        #expect(me["emails"]?.arrayValue?.count == 1)
        #expect(me["emails"]?[0]?["email"] == "ana.maria@example.com")
        #expect(me["emails"]?[0]?["primary"] == true)
        #expect(me["emails"]?[0]?["verified"] == false)
    }

    @Test(arguments: [
        ("short1!", "someone@example.com", [:], "password_too_short"),
        ("84736291058473", "someone@example.com", [:], "password_entirely_numeric"),
        ("iloveyou1", "someone@example.com", [:], "password_too_common"),
        ("Password123", "someone@example.com", [:], "password_too_common"),
        ("johnsmith1", "johnsmith@example.com", [:], "password_too_similar"),
        ("bartholomew!", "someone@example.com", ["firstName": "Bartholomew"], "password_too_similar"),
        ("kennedyfitz", "someone@example.com", ["lastName": "Fitzgerald-Kennedy"], "password_too_similar"),
    ] as [(String, String, JSONObject, String)])
    func eachPasswordRuleHasItsReason(_ password: String, _ email: String, _ extra: JSONObject, _ reason: String) throws {
        let sidecar = try sidecar()
        var params: JSONObject = ["email": .string(email), "password": .string(password)]
        for (key, value) in extra { params[key] = value }
        let error = try sidecar.error("user.register", .object(params))
        #expect(error["code"] == 1000)
        #expect(error["message"] == "Validation failed")
        #expect(error["data"]?["reason"] == .string(reason))
        #expect(error["data"]?["field"] == "password")
        // Nothing was created: the address is still free.
        _ = try register(sidecar, email)
    }

    @Test func aPasswordThatBreaksNoRuleIsAccepted() throws {
        let sidecar = try sidecar()
        _ = try register(sidecar, "johnsmith@example.com", password: "correct horse battery",
                         extra: ["firstName": "John", "lastName": "Smith"])
    }

    @Test(arguments: [
        (["email": "not-an-email"], "email_invalid", "email"),
        (["email": "a@b"], "email_invalid", "email"),
        (["email": "two@@example.com"], "email_invalid", "email"),
        (["email": .string(String(repeating: "a", count: 250) + "@example.com")], "value_too_long", "email"),
        (["firstName": .string(String(repeating: "f", count: 151))], "value_too_long", "firstName"),
        (["lastName": .string(String(repeating: "l", count: 151))], "value_too_long", "lastName"),
        (["phone": "+62 812 3456 7890 12"], "value_too_long", "phone"),
    ] as [(JSONObject, String, String)])
    func invalidRegistrationValuesAreValidationErrors(_ change: JSONObject, _ reason: String, _ field: String) throws {
        let sidecar = try sidecar()
        var params: JSONObject = ["email": "valid@example.com", "password": "a long passphrase"]
        for (key, value) in change { params[key] = value }
        let error = try sidecar.error("user.register", .object(params))
        #expect(error["code"] == 1000)
        #expect(error["data"]?["reason"] == .string(reason))
        #expect(error["data"]?["field"] == .string(field))
    }

    @Test func registrationWithAnUnknownCategoryIsNotFound() throws {
        let sidecar = try sidecar()
        let error = try sidecar.error("user.register", ["email": "cat@example.com", "password": "a long passphrase", "categoryId": 4242])
        #expect(error["code"] == 1003)
    }

    // MARK: Confirmation

    @Test func confirmationKeysMatchCaseInsensitivelyAndConfirmingTwiceSucceeds() throws {
        let sidecar = try sidecar()
        let registered = try register(sidecar, "confirm@example.com")
        let key = try #require(registered["confirmation"]?["key"]?.stringValue)
        let userId = try #require(registered["user"]?["id"])
        let confirmed = try sidecar.result("email.confirm", ["key": .string(key.uppercased())])
        #expect(confirmed == ["email": "confirm@example.com", "userId": userId, "verified": true])
        #expect(try sidecar.result("email.confirm", ["key": .string(key)]) == confirmed)
        let me = try sidecar.result("user.me", ["token": try login(sidecar, "confirm@example.com")])
        #expect(me["emails"]?[0]?["verified"] == true)
        #expect(me["emails"]?[0]?["primary"] == true)

        let unknown = try sidecar.error("email.confirm", ["key": .string(String(repeating: "z", count: 64))])
        #expect(unknown["code"] == 1003)
    }

    @Test func aConfirmationExpiresThreeDaysAfterItWasSent() throws {
        let sidecar = try sidecar()
        let early = try register(sidecar, "early@example.com")["confirmation"]?["key"]
        let late = try register(sidecar, "late@example.com")["confirmation"]?["key"]
        try sidecar.advanceClock(seconds: 3 * 86_400 - 1)
        #expect(try sidecar.result("email.confirm", ["key": try #require(early)])["verified"] == true)
        try sidecar.advanceClock(seconds: 2)
        let expired = try sidecar.error("email.confirm", ["key": try #require(late)])
        #expect(expired["code"] == 1006)
        #expect(expired["data"]?["reason"] == "confirmation_expired")
        // A verified address stays confirmable whatever the key's age.
        #expect(try sidecar.result("email.confirm", ["key": try #require(early)])["verified"] == true)
    }

    @Test func resendingAConfirmationHidesUnknownAndVerifiedAddressesAndHasACooldown() throws {
        let sidecar = try sidecar()
        #expect(try sidecar.result("email.resendConfirmation", ["email": "nobody@example.com"]) == ["confirmation": .null])
        let first = try register(sidecar, "resend@example.com")["confirmation"]?["key"]?.stringValue

        let limited = try sidecar.error("email.resendConfirmation", ["email": "RESEND@example.com"])
        #expect(limited["code"] == 1005)
        #expect(limited["data"]?["reason"] == "rate_limited")
        let wait = try #require(limited["data"]?["retryAfterSeconds"]?.int64Value)
        #expect((1...180).contains(wait))

        try sidecar.advanceClock(seconds: 181)
        let again = try sidecar.result("email.resendConfirmation", ["email": "resend@example.com"])
        let second = try #require(again["confirmation"]?["key"]?.stringValue)
        #expect(isKey(.string(second), length: 64))
        #expect(second != first)
        #expect(again["confirmation"]?["email"] == "resend@example.com")
        #expect(try sidecar.error("email.resendConfirmation", ["email": "resend@example.com"])["code"] == 1005)

        #expect(try sidecar.result("email.confirm", ["key": .string(second)])["verified"] == true)
        try sidecar.advanceClock(seconds: 181)
        #expect(try sidecar.result("email.resendConfirmation", ["email": "resend@example.com"]) == ["confirmation": .null])
    }

    // MARK: Email addresses

    @Test func addressesAreAddedVerifiedMadePrimaryAndRemoved() throws {
        let sidecar = try sidecar()
        _ = try register(sidecar, "one@example.com")
        _ = try register(sidecar, "taken@example.com")
        let token = try login(sidecar, "one@example.com")

        let added = try sidecar.result("email.add", ["token": token, "email": "Two@Example.com"])
        #expect(added["email"]?["email"] == "two@example.com")
        #expect(added["email"]?["verified"] == false)
        #expect(added["email"]?["primary"] == false)
        let key = try #require(added["confirmation"]?["key"])
        #expect(isKey(key, length: 64))
        #expect(try sidecar.error("email.add", ["token": token, "email": "TAKEN@example.com"])["data"]?["reason"] == "email_taken")
        #expect(try sidecar.error("email.add", ["token": token, "email": "two@example.com"])["data"]?["reason"] == "email_taken")
        #expect(try sidecar.error("user.register", ["email": "two@example.com", "password": "a long passphrase"])["data"]?["reason"] == "email_taken")

        let listed = try sidecar.result("email.list", ["token": token])["items"]?.arrayValue?.compactMap { $0["email"]?.stringValue }
        #expect(listed == ["one@example.com", "two@example.com"])

        let unverified = try sidecar.error("email.setPrimary", ["token": token, "email": "two@example.com"])
        #expect(unverified["code"] == 1000)
        #expect(try sidecar.result("email.confirm", ["key": key])["verified"] == true)
        _ = try sidecar.result("email.setPrimary", ["token": token, "email": "two@example.com"])

        let me = try sidecar.result("user.me", ["token": token])
        #expect(me["user"]?["email"] == "two@example.com")
        #expect(me["emails"]?[0]?["email"] == "two@example.com")
        #expect(me["emails"]?[0]?["primary"] == true)
        #expect(me["emails"]?[1]?["primary"] == false)
        // The account's login email moved with it.
        _ = try login(sidecar, "two@example.com")
        #expect(try sidecar.error("auth.login", ["email": "one@example.com", "password": "a long passphrase"])["code"] == 1001)

        let primary = try sidecar.error("email.remove", ["token": token, "email": "two@example.com"])
        #expect(primary["code"] == 1004)
        _ = try sidecar.result("email.remove", ["token": token, "email": "one@example.com"])
        let left = try sidecar.result("email.list", ["token": token])["items"]?.arrayValue?.compactMap { $0["email"]?.stringValue }
        #expect(left == ["two@example.com"])
        #expect(try sidecar.error("email.remove", ["token": token, "email": "one@example.com"])["code"] == 1003)
        // Someone else's address is not the caller's to remove or promote.
        #expect(try sidecar.error("email.remove", ["token": token, "email": "taken@example.com"])["code"] == 1003)
        // A removed address is free again.
        _ = try register(sidecar, "one@example.com")
    }

    // MARK: Profile

    @Test func userMeHasItsDocumentedShapeAndNoSecrets() throws {
        let sidecar = try sidecar()
        let registered = try register(sidecar, "shape@example.com", extra: ["firstName": "Ana", "lastName": "Lee", "phone": "0812"])
        let token = try login(sidecar, "shape@example.com")
        let me = try sidecar.result("user.me", ["token": token])
        #expect(Set(me.objectValue?.keys ?? []) == ["user", "profile", "emails", "groups", "permissions", "subscriptions"])
        #expect(me["user"]?["id"] == registered["user"]?["id"])
        #expect(me["user"]?["firstName"] == "Ana")
        #expect(me["user"]?["lastName"] == "Lee")
        #expect(me["user"]?["lastLogin"] == .string(Self.start))
        #expect(me["user"]?["password"] == nil)
        #expect(me["profile"]?["phone"] == "0812")
        #expect(me["profile"]?["categoryId"] == .null)
        #expect(me["permissions"] == [])
        #expect(me["subscriptions"] == [])
        #expect(me["emails"]?.arrayValue?.allSatisfy { $0["key"] == nil } == true)
        #expect(try sidecar.error("user.me", ["token": token, "verbose": true])["code"] == -32602)
    }

    @Test func updateProfileChangesOnlyWhatIsGivenAndNullClears() throws {
        let (sidecar, admin) = try Sidecar.withAdmin()
        let category = try #require(try sidecar.result("category.create", ["token": admin, "name": "UMKM"])["category"]?["id"])
        _ = try register(sidecar, "profile@example.com")
        let token = try login(sidecar, "profile@example.com")

        let set = try sidecar.result("user.updateProfile", [
            "token": token, "firstName": "Ana", "phone": "0812", "photo": "photos/ana.png",
            "categoryId": category, "extraData": ["theme": "dark", "n": 1],
        ])
        #expect(set["user"]?["firstName"] == "Ana")
        #expect(set["profile"]?["phone"] == "0812")
        #expect(set["profile"]?["photo"] == "photos/ana.png")
        #expect(set["profile"]?["categoryId"] == category)
        #expect(set["profile"]?["extraData"] == ["theme": "dark", "n": 1])

        let untouched = try sidecar.result("user.updateProfile", ["token": token, "lastName": "Lee"])
        #expect(untouched["user"]?["firstName"] == "Ana")
        #expect(untouched["user"]?["lastName"] == "Lee")
        #expect(untouched["profile"]?["phone"] == "0812")
        #expect(untouched["profile"]?["categoryId"] == category)
        #expect(untouched["profile"]?["extraData"] == ["theme": "dark", "n": 1])

        let cleared = try sidecar.result("user.updateProfile", ["token": token, "extraData": .null])
        #expect(cleared["profile"]?["extraData"] == .null)
        #expect(cleared["profile"]?["categoryId"] == category)
        let noCategory = try sidecar.result("user.updateProfile", ["token": token, "categoryId": .null])
        #expect(noCategory["profile"]?["categoryId"] == .null)
        #expect(noCategory["user"]?["firstName"] == "Ana")

        #expect(try sidecar.error("user.updateProfile", ["token": token, "categoryId": 999_999])["code"] == 1003)
        let long = try sidecar.error("user.updateProfile", ["token": token, "firstName": .string(String(repeating: "x", count: 151))])
        #expect(long["data"]?["reason"] == "value_too_long")
        #expect(long["data"]?["field"] == "firstName")
        // The refused updates changed nothing.
        let me = try sidecar.result("user.me", ["token": token])
        #expect(me["user"]?["firstName"] == "Ana")
        #expect(me["profile"]?["categoryId"] == .null)
        #expect(try sidecar.finish() == 0)
    }

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

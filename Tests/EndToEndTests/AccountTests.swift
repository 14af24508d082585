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

        let listed = try sidecar.result("email.list", ["token": token])["items"]?.arrayValue?.compactMap { $0["email"]?.stringValue }
        #expect(listed == ["one@example.com", "two@example.com"])

        let unverified = try sidecar.error("email.setPrimary", ["token": token, "email": "two@example.com"])
        #expect(unverified["code"] == 1000)
        #expect(try sidecar.result("email.confirm", ["key": key])["verified"] == true)
        // Verified, the address is taken (unverified, a registration would have taken it: §8.2).
        #expect(try sidecar.error("user.register", ["email": "two@example.com", "password": "a long passphrase"])["data"]?["reason"] == "email_taken")
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
        #expect(keysSorted(set["profile"]?["extraData"]) == ["n": 1, "theme": "dark"])

        let untouched = try sidecar.result("user.updateProfile", ["token": token, "lastName": "Lee"])
        #expect(untouched["user"]?["firstName"] == "Ana")
        #expect(untouched["user"]?["lastName"] == "Lee")
        #expect(untouched["profile"]?["phone"] == "0812")
        #expect(untouched["profile"]?["categoryId"] == category)
        #expect(keysSorted(untouched["profile"]?["extraData"]) == ["n": 1, "theme": "dark"])

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

}

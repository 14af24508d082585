import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.2 `user.register`: the stored user, the values refused, and Django's four password
/// validators wherever a password is set (registration, change, reset).
@Suite struct RegistrationTests {
    @Test func registrationStoresALowerCasedEmailAndRefusesItAgainInAnyCase() async throws {
        // Given an address registered with spaces and capitals
        let t = try await TestDatabase()
        let registered = try t.register("  Ana.Maria@Example.COM ")
        // Then the user is stored lower-cased, active, neither staff nor superuser, without the hash
        let user = try #require(registered["user"])
        #expect(user["email"] == "ana.maria@example.com")
        #expect(user["isActive"] == true)
        #expect(user["isStaff"] == false)
        #expect(user["isSuperuser"] == false)
        #expect(user["password"] == nil, "the hash is never returned")
        #expect(user["dateJoined"] == .string(TestDatabase.start.rfc3339))
        // And a confirmation of 64 [a-z0-9] expiring in three days was sent
        let confirmation = try #require(registered["confirmation"])
        #expect(confirmation["email"] == "ana.maria@example.com")
        #expect(confirmation["key"]?.stringValue?.wholeMatch(of: /[a-z0-9]{64}/) != nil)
        #expect(confirmation["expiresAt"] == .string(TestDatabase.at(days: 3).rfc3339))
        // And the address is taken in any case
        for variant in ["ANA.MARIA@example.com", "ana.maria@EXAMPLE.com", " ana.maria@example.com"] {
            #expect(#expect(throws: DomainError.self) { try t.register(variant, password: "another passphrase") } == DomainError(.emailTaken))
        }
        // And the user logs in with any case, in group trial, with one primary unverified address
        let me = try t.me(try t.login("ANA.MARIA@EXAMPLE.COM"))
        #expect(me["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["trial"])
        #expect(me["emails"]?.arrayValue?.count == 1)
        #expect(me["emails"]?[0]?["email"] == "ana.maria@example.com")
        #expect(me["emails"]?[0]?["primary"] == true)
        #expect(me["emails"]?[0]?["verified"] == false)
    }

    @Test(arguments: [
        ("short1!", "someone@example.com", "", "", DomainError.Reason.passwordTooShort),
        ("84736291058473", "someone@example.com", "", "", DomainError.Reason.passwordEntirelyNumeric),
        ("iloveyou1", "someone@example.com", "", "", DomainError.Reason.passwordTooCommon),
        ("Password123", "someone@example.com", "", "", DomainError.Reason.passwordTooCommon),
        ("johnsmith1", "johnsmith@example.com", "", "", DomainError.Reason.passwordTooSimilar),
        ("bartholomew!", "someone@example.com", "Bartholomew", "", DomainError.Reason.passwordTooSimilar),
        ("kennedyfitz", "someone@example.com", "", "Fitzgerald-Kennedy", DomainError.Reason.passwordTooSimilar),
    ])
    func eachPasswordRuleHasItsReason(_ password: String, _ email: String, _ firstName: String, _ lastName: String,
                                      _ reason: DomainError.Reason) async throws {
        // Given a registration breaking one rule
        let t = try await TestDatabase()
        // When it is made
        let refused = #expect(throws: DomainError.self) {
            try t.register(email, password: password, firstName: firstName, lastName: lastName)
        }
        // Then it is refused with that rule's reason, naming the password
        #expect(refused == DomainError(reason, field: "password"))
        // And nothing was created: the address is still free
        try t.register(email)
    }

    @Test func aPasswordThatBreaksNoRuleIsAccepted() async throws {
        let t = try await TestDatabase()
        #expect(try t.register("johnsmith@example.com", password: "correct horse battery", firstName: "John", lastName: "Smith")["user"] != nil)
    }

    @Test func aChangeOrAResetWithAWeakPasswordNamesNewPassword() async throws {
        // Given a user
        let t = try await TestDatabase()
        let weak = try t.user("change@example.com")
        // When they change their password to a short one, or one like their address, or reset it to a short one
        let short = #expect(throws: DomainError.self) { try t.changePassword(as: weak, current: TestDatabase.password, new: "short") }
        let similar = #expect(throws: DomainError.self) { try t.changePassword(as: weak, current: TestDatabase.password, new: "change123") }
        let reset = #expect(throws: DomainError.self) { try t.reset(try t.requestReset("change@example.com"), newPassword: "short") }
        // Then each names the parameter at fault
        #expect(short == DomainError(.passwordTooShort, field: "newPassword"))
        #expect(similar == DomainError(.passwordTooSimilar, field: "newPassword"))
        #expect(reset == DomainError(.passwordTooShort, field: "newPassword"))
    }

    @Test(arguments: [
        ("email", "not-an-email", DomainError.Reason.emailInvalid),
        ("email", "a@b", DomainError.Reason.emailInvalid),
        ("email", "two@@example.com", DomainError.Reason.emailInvalid),
        ("email", String(repeating: "a", count: 250) + "@example.com", DomainError.Reason.valueTooLong),
        ("firstName", String(repeating: "f", count: 151), DomainError.Reason.valueTooLong),
        ("lastName", String(repeating: "l", count: 151), DomainError.Reason.valueTooLong),
        ("phone", "+62 812 3456 7890 12", DomainError.Reason.valueTooLong),
    ])
    func invalidRegistrationValuesAreValidationErrors(_ field: String, _ value: String, _ reason: DomainError.Reason) async throws {
        // Given a valid registration with one value replaced
        let t = try await TestDatabase()
        var registration = Accounts.Registration(email: "valid@example.com", password: TestDatabase.password)
        switch field {
        case "email": registration.email = value
        case "firstName": registration.firstName = value
        case "lastName": registration.lastName = value
        default: registration.phone = value
        }
        // Then it is refused before any work, naming the field
        let refused = #expect(throws: DomainError.self) { try t.services.accounts.prepareRegistration(registration) }
        #expect(refused == DomainError(reason, field: field))
    }

    @Test func registrationWithAnUnknownCategoryIsNotFound() async throws {
        let t = try await TestDatabase()
        let refused = #expect(throws: DomainError.self) { try t.register("cat@example.com", categoryId: 4242) }
        #expect(refused == DomainError.notFound("category"))
    }
}

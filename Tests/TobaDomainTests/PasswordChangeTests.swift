import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.2 what needs the current password: a change of password, the deletion of the account.
/// (The limit on guessing it with a stolen token is one of the binary's `AccountLimitsTests`.)
@Suite struct PasswordChangeTests {
    @Test func changingThePasswordChecksTheCurrentOneAndRevokesOtherSessions() async throws {
        // Given a user logged in twice
        let t = try await TestDatabase()
        try t.register("change@example.com", password: "first passphrase")
        let a = try t.login("change@example.com", password: "first passphrase")
        let b = try t.login("change@example.com", password: "first passphrase")
        // When a change gives the wrong current password, or a new one breaking a rule
        let wrong = #expect(throws: DomainError.self) { try t.changePassword(as: a, current: "not it at all", new: "second passphrase") }
        let weak = #expect(throws: DomainError.self) { try t.changePassword(as: a, current: "first passphrase", new: "short") }
        // Then it is refused, naming the parameter, and both sessions still hold
        #expect(wrong == DomainError(.invalidCredentials, field: "currentPassword"))
        #expect(weak == DomainError(.passwordTooShort, field: "newPassword"))
        try t.verify(b)

        // When the change is right
        try t.changePassword(as: a, current: "first passphrase", new: "second passphrase")
        // Then the session that made it holds, the other is revoked, and only the new password logs in
        try t.verify(a)
        #expect(#expect(throws: DomainError.self) { try t.verify(b) } == .sessionRevoked)
        #expect(#expect(throws: DomainError.self) { try t.login("change@example.com", password: "first passphrase") } == .invalidCredentials)
        let c = try t.login("change@example.com", password: "second passphrase")

        // When the next change keeps the other sessions
        try t.changePassword(as: a, current: "second passphrase", new: "third passphrase", revokeOtherSessions: false)
        // Then they hold
        try t.verify(c)
        _ = try t.login("change@example.com", password: "third passphrase")
    }

    @Test func deletingTheAccountAnonymisesItAndFreesTheEmail() async throws {
        // Given a user logged in twice
        let t = try await TestDatabase()
        let registered = try t.register("leaving@example.com", firstName: "Leaving")
        let session = try t.login("leaving@example.com")
        let other = try t.login("leaving@example.com")
        // When the deletion gives the wrong password
        let wrong = #expect(throws: DomainError.self) { try t.deleteAccount(as: session, password: "not my password") }
        // Then it is refused and the account is as it was
        #expect(wrong == DomainError(.invalidCredentials, field: "password"))
        try t.verify(session)

        // When it gives the right one
        #expect(try t.deleteAccount(as: session, password: TestDatabase.password) == ["deleted": true])
        // Then every session is gone, nobody logs in with the old address, no reset is offered
        #expect(#expect(throws: DomainError.self) { try t.verify(session) }?.kind == .unauthenticated)
        #expect(#expect(throws: DomainError.self) { try t.me(other) }?.kind == .unauthenticated)
        #expect(#expect(throws: DomainError.self) { try t.login("leaving@example.com") } == .invalidCredentials)
        #expect(try t.requestReset("leaving@example.com") == .null)
        // And the row stays, anonymised, for payments and history
        let row = try #require(try t.write { db in
            try StoredRow.fetchOne(db, sql: "SELECT email, first_name, is_active, password FROM users_user WHERE id = ?",
                                   arguments: [registered["user"]?["id"]?.int64Value])
        })
        #expect(try row.read("email", as: String.self).hasSuffix("@deleted.invalid"))
        #expect(try row.read("first_name", as: String.self) == "")
        #expect(try row.read("is_active", as: Bool.self) == false)
        #expect(try !PasswordHasher.isUsable(row.read("password", as: String.self)))
        // And the address registers again, as another user
        let again = try t.register("leaving@example.com")
        #expect(again["user"]?["id"] != registered["user"]?["id"])
        _ = try t.login("leaving@example.com")
    }
}

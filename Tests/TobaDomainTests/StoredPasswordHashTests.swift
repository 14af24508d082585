import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §6 stored hashes: Django's hashes log in, an outdated one is redone at the next login, and
/// an inactive user is told so only when they know the password.
@Suite struct StoredPasswordHashTests {
    /// Registered under one iteration, logged in by a service configured for two: the stored hash is redone.
    @Test func aLoginRehashesAnOutdatedHash() async throws {
        // Given a user registered under 1 iteration
        let first = try await TestDatabase()
        try first.register("upgrade@example.com")
        let before = try #require(try first.passwordHash("upgrade@example.com"))
        #expect(before.hasPrefix("pbkdf2_sha256$1$"))
        // When the same database is served with 2 iterations, and a login fails, then succeeds
        let second = try await TestDatabase(configure: { $0.passwordIterations = 2 }, database: first.database)
        _ = #expect(throws: DomainError.self) { try second.login("upgrade@example.com", password: "wrong passphrase") }
        #expect(try second.passwordHash("upgrade@example.com") == before, "a failed login changes nothing")
        _ = try second.login("upgrade@example.com")
        // Then the hash is redone at 2 iterations with a new 22-character salt
        let after = try #require(try second.passwordHash("upgrade@example.com"))
        let parts = after.split(separator: "$")
        #expect(parts.count == 4)
        #expect(parts.first == "pbkdf2_sha256")
        #expect(parts.dropFirst().first == "2")
        #expect(parts.dropFirst(2).first?.count == 22)
        // And an up-to-date hash is kept
        _ = try second.login("upgrade@example.com")
        #expect(try second.passwordHash("upgrade@example.com") == after, "an up-to-date hash is kept")
    }

    /// A hash in Django's format written by another program (salt and hash made with Python's
    /// hashlib, as Django's PBKDF2PasswordHasher does) logs in.
    @Test func aDjangoHashLogsIn() async throws {
        // Given a user whose stored hash is pbkdf2_hmac("sha256", b"correct horse", b"saltsaltsaltsaltsaltsa", 1000)
        let t = try await TestDatabase()
        try t.register("django@example.com")
        let django = "pbkdf2_sha256$1000$saltsaltsaltsaltsaltsa$rrFqfY54t+CcYpzPEaBDNhjkhYBmcvjLfi7UsJc1TIs="
        try t.write { db in
            try db.execute(sql: "UPDATE users_user SET password = ? WHERE email = ?", arguments: [django, "django@example.com"])
        }
        // Then its password logs in, the one registered no longer does
        _ = try t.login("django@example.com", password: "correct horse")
        #expect(#expect(throws: DomainError.self) { try t.login("django@example.com") } == .invalidCredentials)
    }

    @Test func anInactiveUserCannotLogInAndTheirTokensStopWorking() async throws {
        // Given a logged-in user another program deactivated
        let t = try await TestDatabase()
        let token = try t.user("inactive@example.com")
        try t.write { db in
            try db.execute(sql: "UPDATE users_user SET is_active = FALSE WHERE email = ?", arguments: ["inactive@example.com"])
        }
        // Then the right password learns the account is inactive, a wrong one only that it is wrong
        #expect(#expect(throws: DomainError.self) { try t.login("inactive@example.com") } == .accountInactive)
        #expect(#expect(throws: DomainError.self) { try t.login("inactive@example.com", password: "wrong passphrase") } == .invalidCredentials,
                "the state shows only to who knows the password")
        // And the token stops working, and no reset is offered
        #expect(#expect(throws: DomainError.self) { try t.verify(token) } == .accountInactive)
        #expect(try t.requestReset("inactive@example.com") == .null)
    }
}

import Foundation
import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.2 password resets: Django's uid and token, good once, dead after a login or the timeout,
/// every session revoked, and a limit per address that tells nothing about accounts.
@Suite struct PasswordResetTests {
    @Test func aPasswordResetTokenWorksOnceAndRevokesEverySession() async throws {
        // Given an unknown address and a logged-in user
        let t = try await TestDatabase()
        #expect(try t.requestReset("nobody@example.com") == .null)
        let registered = try t.register("reset@example.com")
        let session = try t.login("reset@example.com")
        // When a reset is asked, in another case
        let reset = try t.requestReset("RESET@example.com")
        // Then the uid is Django's (base64url of the decimal id, unpadded) and the token has Django's form
        let userId = try #require(registered["user"]?["id"]?.int64Value)
        #expect(reset["uid"] == .string(Data(String(userId).utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")))
        #expect(reset["token"]?.stringValue?.wholeMatch(of: /[0-9a-z]+-[0-9a-f]{32}/) != nil)
        // And a weak password, a forged token, another uid are refused
        #expect(#expect(throws: DomainError.self) { try t.reset(reset, newPassword: "12345") }?.kind == .validation)
        let forged = #expect(throws: DomainError.self) {
            try t.reset(reset, token: "c0ffee-0123456789abcdef0123456789abcdef", newPassword: "a new passphrase")
        }
        #expect(forged == .invalidToken)
        #expect(#expect(throws: DomainError.self) { try t.reset(reset, uid: "OTk5", newPassword: "a new passphrase") } == .invalidToken)

        // When the reset is made
        try t.reset(reset, newPassword: "a new passphrase")
        // Then every session is revoked and only the new password logs in
        #expect(#expect(throws: DomainError.self) { try t.verify(session) } == .sessionRevoked)
        _ = try t.login("reset@example.com", password: "a new passphrase")
        #expect(#expect(throws: DomainError.self) { try t.login("reset@example.com") } == .invalidCredentials)
        // And the password changed, so the token is dead
        #expect(#expect(throws: DomainError.self) { try t.reset(reset, newPassword: "yet another passphrase") } == .invalidToken)
        _ = try t.login("reset@example.com", password: "a new passphrase")
    }

    @Test func aPasswordResetTokenDiesWhenTheUserLogsIn() async throws {
        // Given a reset token
        let t = try await TestDatabase()
        try t.register("login-kills@example.com")
        let reset = try t.requestReset("login-kills@example.com")
        // When the user logs in a second later
        t.advance(seconds: 1)
        _ = try t.login("login-kills@example.com")
        // Then the token is dead and the password unchanged
        #expect(#expect(throws: DomainError.self) { try t.reset(reset, newPassword: "a new passphrase") } == .invalidToken)
        _ = try t.login("login-kills@example.com")
    }

    @Test func aPasswordResetTokenExpiresAfterTheTimeout() async throws {
        // Given two reset tokens
        let t = try await TestDatabase()
        try t.register("in-time@example.com")
        try t.register("too-late@example.com")
        let inTime = try t.requestReset("in-time@example.com")
        let tooLate = try t.requestReset("too-late@example.com")
        // Then one used at the timeout (259,200 s) holds, the other a second later has expired
        t.advance(seconds: 259_200)
        try t.reset(inTime, newPassword: "a new passphrase")
        t.advance(seconds: 1)
        #expect(#expect(throws: DomainError.self) { try t.reset(tooLate, newPassword: "a new passphrase") } == DomainError(.tokenExpired))
        _ = try t.login("too-late@example.com")
    }

    @Test func passwordResetRequestsAreRateLimitedPerEmail() async throws {
        // Given five requests for an account's address
        let t = try await TestDatabase()
        try t.register("many-resets@example.com")
        for _ in 0..<5 { _ = try t.requestReset("many-resets@example.com") }
        // Then the sixth, in any case, waits up to a minute
        let limited = #expect(throws: DomainError.self) { try t.requestReset("Many-Resets@example.com") }
        #expect(limited?.reason == .rateLimited)
        #expect((1...60).contains(limited?.details["retryAfterSeconds"]?.int64Value ?? 0))
        // And unknown addresses are limited the same way, so the limit tells nothing about accounts
        for _ in 0..<5 { #expect(try t.requestReset("ghost@example.com") == .null) }
        #expect(#expect(throws: DomainError.self) { try t.requestReset("ghost@example.com") }?.kind == .rateLimited)
        // And a minute later a reset is offered again
        t.advance(seconds: 60)
        #expect(try t.requestReset("many-resets@example.com")["token"] != nil)
    }
}

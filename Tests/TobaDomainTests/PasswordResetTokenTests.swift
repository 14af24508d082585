import Testing
import TobaStore
@testable import TobaDomain

/// `PasswordResetTokens` against Django 5.2's `PasswordResetTokenGenerator`. The expected tokens
/// were computed once with Django itself:
///
/// ```python
/// settings.configure(SECRET_KEY="test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
/// g = PasswordResetTokenGenerator()
/// g._make_token_with_timestamp(user, 798_000_000, g.secret)   # user: pk, password, last_login, email
/// urlsafe_base64_encode(force_bytes(42))
/// ```
@Suite struct PasswordResetTokenTests {
    static let secret = "test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
    static let hash = "pbkdf2_sha256$1000$saltsaltsaltsaltsaltsa$rrFqfY54t+CcYpzPEaBDNhjkhYBmcvjLfi7UsJc1TIs="
    /// 798,000,000 seconds after 2001-01-01T00:00:00Z.
    static let issued = Timestamp(seconds: PasswordResetTokens.epoch + 798_000_000)
    static let timeout: Int64 = 259_200

    let tokens = PasswordResetTokens(secret: secret, timeoutSeconds: timeout)

    static let neverLoggedIn = PasswordResetTokens.User(id: 42, password: hash, lastLogin: nil, email: "ana@example.com")
    static let loggedIn = PasswordResetTokens.User(
        id: 42, password: hash, lastLogin: Timestamp(parsing: "2026-03-04T05:06:07.891234Z"), email: "ana@example.com")

    @Test func tokensMatchDjangosForTheSameInputs() {
        #expect(tokens.make(for: Self.neverLoggedIn, now: Self.issued) == "d73wqo-e436e8aff70588ac9f29329e74b41851")
        #expect(tokens.make(for: Self.loggedIn, now: Self.issued) == "d73wqo-f737fb8c48f902e28765741653013ed0")
    }

    @Test func uidsMatchDjangosAndReadBack() {
        #expect(PasswordResetTokens.uid(42) == "NDI")
        #expect(PasswordResetTokens.uid(1_234_567) == "MTIzNDU2Nw")
        for id: Int64 in [1, 42, 1_234_567, Int64.max] {
            #expect(PasswordResetTokens.userId(fromUid: PasswordResetTokens.uid(id)) == id)
        }
        for garbage in ["", "!!!", "NDI=extra", "YWJj", String(repeating: "M", count: 40)] {
            #expect(PasswordResetTokens.userId(fromUid: garbage) == nil, "\(garbage)")
        }
    }

    @Test func theFormatIsBase36SecondsDashTwentyHexDigits() {
        let token = tokens.make(for: Self.loggedIn, now: Self.issued)
        let parts = token.split(separator: "-")
        #expect(parts.count == 2)
        #expect(Int64(parts[0], radix: 36) == 798_000_000)
        #expect(parts[1].count == 32)
        #expect(parts[1].allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func aTokenHoldsUntilTheTimeoutAndExpiresAfterIt() {
        let token = tokens.make(for: Self.loggedIn, now: Self.issued)
        #expect(tokens.check(token, for: Self.loggedIn, now: Self.issued) == .valid)
        #expect(tokens.check(token, for: Self.loggedIn, now: Self.issued.adding(seconds: Self.timeout)) == .valid)
        #expect(tokens.check(token, for: Self.loggedIn, now: Self.issued.adding(seconds: Self.timeout + 1)) == .expired)
    }

    @Test func aTokenDiesWhenThePasswordTheLastLoginOrTheEmailChanges() {
        let token = tokens.make(for: Self.loggedIn, now: Self.issued)
        let u = Self.loggedIn
        let changed = [
            PasswordResetTokens.User(id: u.id, password: u.password + "x", lastLogin: u.lastLogin, email: u.email),
            PasswordResetTokens.User(id: u.id, password: u.password, lastLogin: u.lastLogin!.adding(seconds: 1), email: u.email),
            PasswordResetTokens.User(id: u.id, password: u.password, lastLogin: nil, email: u.email),
            PasswordResetTokens.User(id: u.id, password: u.password, lastLogin: u.lastLogin, email: "other@example.com"),
            PasswordResetTokens.User(id: 43, password: u.password, lastLogin: u.lastLogin, email: u.email),
        ]
        for user in changed {
            #expect(tokens.check(token, for: user, now: Self.issued) == .invalid)
        }
        // Django keeps the last login to the second: a change of microseconds keeps the token.
        let sameSecond = PasswordResetTokens.User(id: u.id, password: u.password,
                                                  lastLogin: Timestamp(parsing: "2026-03-04T05:06:07.000001Z"), email: u.email)
        #expect(tokens.check(token, for: sameSecond, now: Self.issued) == .valid)
        // Another secret key knows nothing of it.
        let other = PasswordResetTokens(secret: Self.secret + "!", timeoutSeconds: Self.timeout)
        #expect(other.check(token, for: u, now: Self.issued) == .invalid)
    }

    @Test(arguments: ["", "-", "d73wqo", "d73wqo-", "-f737fb8c48f902e28765741653013ed0", "D73WQO-f737fb8c48f902e28765741653013ed0",
                      "d73wqo-F737FB8C48F902E28765741653013ED0", "d73wqo-f737fb8c48f902e28765741653013ed", "d73wqo-f737fb8c48f902e28765741653013ed0-",
                      "zzzzzzzzzzzzzzzzzz-f737fb8c48f902e28765741653013ed0", "d73wqp-f737fb8c48f902e28765741653013ed0"])
    func malformedOrTamperedTokensAreInvalid(_ token: String) {
        #expect(tokens.check(token, for: Self.loggedIn, now: Self.issued) == .invalid)
    }
}

import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §6 logins: failed attempts counted per email and per address, a blank address that is no
/// address, and what the session and its token keep of the client. (The limits an outside
/// attack found missing stay in the binary's `AccountLimitsTests`.)
@Suite struct LoginTests {
    @Test func failedLoginsAreCountedPerEmailAndPerAddressAcrossEmails() async throws {
        // Given five failed logins for one address, spelt differently
        let t = try await TestDatabase()
        try t.register("target@example.com")
        for _ in 0..<5 {
            _ = #expect(throws: DomainError.self) { try t.login(" TARGET@example.com", password: "wrong") }
        }
        // Then even the right password waits out the 300 s window, counted from the last failure
        #expect(#expect(throws: DomainError.self) { try t.login("target@example.com") } == .rateLimited(retryAfterSeconds: 300))
        t.advance(seconds: 120)
        #expect(#expect(throws: DomainError.self) { try t.login("target@example.com") } == .rateLimited(retryAfterSeconds: 180))
        t.advance(seconds: 180)
        _ = try t.login("target@example.com")

        // Given ten failed logins for ten emails from one IP address
        for i in 0..<10 {
            _ = #expect(throws: DomainError.self) { try t.login("u\(i)@example.com", password: "wrong", ipAddress: "203.0.113.9") }
        }
        // Then that address waits a minute, whatever the email; another address does not
        let address = #expect(throws: DomainError.self) { try t.login("target@example.com", ipAddress: "203.0.113.9") }
        #expect(address == .rateLimited(retryAfterSeconds: 60))
        _ = try t.login("target@example.com", ipAddress: "203.0.113.10")
    }

    @Test func aBlankIPAddressIsNoAddressAndPoolsNobody() async throws {
        // Given ten failed logins of ten emails, each with a blank address
        let t = try await TestDatabase()
        try t.register("blank@example.com")
        for i in 0..<10 {
            let failed = #expect(throws: DomainError.self) { try t.login("nobody\(i)@example.com", password: "wrong", ipAddress: "") }
            #expect(failed == .invalidCredentials)
        }
        // Then a login with a blank address is not limited by them, and its session has no address
        let login = try t.loginResult("blank@example.com", ipAddress: "")
        #expect(login.session["ipAddress"] == .null)
    }

    @Test func theTokensClientIdIsTheStoredOneCutTo1000Characters() async throws {
        // Given a login with a client id of 1,200 "é" and a user agent of 600 "👍🏽" (two code points each)
        let t = try await TestDatabase()
        try t.register("client@example.com")
        let login = try t.loginResult("client@example.com", clientId: String(repeating: "é", count: 1200),
                                      userAgent: String(repeating: "👍🏽", count: 600))
        // Then both are stored cut to 1,000 code points, as Django and PostgreSQL count a varchar(1000)
        let stored = try #require(login.session["clientId"]?.stringValue)
        #expect(stored.unicodeScalars.count == 1000)
        #expect(login.session["userAgent"]?.stringValue?.unicodeScalars.count == 1000)
        // And the token carries the stored client id
        #expect(login.claims.cid == stored)
        let token = try await t.services.sessions.tokens.sign(login.claims)
        #expect(try t.services.sessions.tokens.verify(token).cid == stored)
    }
}

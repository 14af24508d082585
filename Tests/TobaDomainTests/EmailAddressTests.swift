import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.2 email addresses: confirmation keys (any case, three days, a resend cooldown that hides
/// which addresses exist), adding, making primary, removing, and the list.
@Suite struct EmailAddressTests {
    func emails(_ t: TestDatabase, _ caller: TestDatabase.Caller, limit: Int? = nil, cursor: String? = nil) throws -> JSONValue {
        try t.call(as: caller) { user, db in try t.services.accounts.listEmails(db, user: user, page: try PageRequest(limit: limit, cursor: cursor)) }
    }

    func addresses(_ page: JSONValue) -> [String]? {
        page["items"]?.arrayValue?.compactMap { $0["email"]?.stringValue }
    }

    func add(_ t: TestDatabase, _ caller: TestDatabase.Caller, _ email: String) throws -> JSONValue {
        try t.call(as: caller) { user, db in try t.services.accounts.addEmail(db, user: user, email: email) }
    }

    func resend(_ t: TestDatabase, _ email: String) throws -> JSONValue {
        try t.write { db in try t.services.accounts.resendConfirmation(email: email, db) }
    }

    @Test func confirmationKeysMatchCaseInsensitivelyAndConfirmingTwiceSucceeds() async throws {
        // Given a registration's confirmation key
        let t = try await TestDatabase()
        let registered = try t.register("confirm@example.com")
        let key = try #require(registered["confirmation"]?["key"]?.stringValue)
        // When it is confirmed upper-cased, then again
        let confirmed = try t.confirm(.string(key.uppercased()))
        // Then the address is verified (and stays primary), and the second time answers the same
        #expect(confirmed == ["email": "confirm@example.com", "userId": registered["user"]?["id"] ?? .null, "verified": true])
        #expect(try t.confirm(.string(key)) == confirmed)
        let me = try t.me(try t.login("confirm@example.com"))
        #expect(me["emails"]?[0]?["verified"] == true)
        #expect(me["emails"]?[0]?["primary"] == true)
        // And an unknown key is not found
        #expect(#expect(throws: DomainError.self) { try t.confirm(.string(String(repeating: "z", count: 64))) }?.kind == .notFound)
    }

    @Test func aConfirmationExpiresThreeDaysAfterItWasSent() async throws {
        // Given two registrations' keys
        let t = try await TestDatabase()
        let early = try t.register("early@example.com")["confirmation"]?["key"]
        let late = try t.register("late@example.com")["confirmation"]?["key"]
        // Then one confirmed a second before three days holds, the other a second after has expired
        t.advance(days: 3, seconds: -1)
        #expect(try t.confirm(early)["verified"] == true)
        t.advance(seconds: 2)
        #expect(#expect(throws: DomainError.self) { try t.confirm(late) } == DomainError(.confirmationExpired))
        // And a verified address stays confirmable whatever the key's age
        #expect(try t.confirm(early)["verified"] == true)
    }

    @Test func resendingAConfirmationHidesUnknownAndVerifiedAddressesAndHasACooldown() async throws {
        // Given an unknown address and a registration, which sent a confirmation
        let t = try await TestDatabase()
        #expect(try resend(t, "nobody@example.com") == ["confirmation": .null])
        let first = try t.register("resend@example.com")["confirmation"]?["key"]?.stringValue
        // When another is asked at once
        let limited = #expect(throws: DomainError.self) { try resend(t, "RESEND@example.com") }
        // Then it waits for the 180 s cooldown
        #expect(limited?.reason == .rateLimited)
        #expect((1...180).contains(limited?.details["retryAfterSeconds"]?.int64Value ?? 0))
        // When the cooldown passed
        t.advance(seconds: 181)
        let again = try resend(t, "resend@example.com")
        // Then a new key comes, and the cooldown starts again
        let second = try #require(again["confirmation"]?["key"]?.stringValue)
        #expect(second.wholeMatch(of: /[a-z0-9]{64}/) != nil)
        #expect(second != first)
        #expect(again["confirmation"]?["email"] == "resend@example.com")
        #expect(#expect(throws: DomainError.self) { try resend(t, "resend@example.com") }?.kind == .rateLimited)
        // And once verified, the address gets no more
        #expect(try t.confirm(.string(second))["verified"] == true)
        t.advance(seconds: 181)
        #expect(try resend(t, "resend@example.com") == ["confirmation": .null])
    }

    @Test func addressesAreAddedVerifiedMadePrimaryAndRemoved() async throws {
        // Given a user and another account's address
        let t = try await TestDatabase()
        let one = try t.user("one@example.com")
        try t.register("taken@example.com")
        // When the user adds an address in capitals
        let added = try add(t, one, "Two@Example.com")
        // Then it is stored lower-cased, unverified, secondary, with a confirmation
        #expect(added["email"]?["email"] == "two@example.com")
        #expect(added["email"]?["verified"] == false)
        #expect(added["email"]?["primary"] == false)
        let key = try #require(added["confirmation"]?["key"])
        #expect(key.stringValue?.wholeMatch(of: /[a-z0-9]{64}/) != nil)
        // And another account's address, or one the user has, cannot be added
        #expect(#expect(throws: DomainError.self) { try add(t, one, "TAKEN@example.com") } == DomainError(.emailTaken))
        #expect(#expect(throws: DomainError.self) { try add(t, one, "two@example.com") } == DomainError(.emailTaken))
        #expect(addresses(try emails(t, one)) == ["one@example.com", "two@example.com"])

        func setPrimary(_ email: String) throws -> JSONValue {
            try t.call(as: one) { user, db in try t.services.accounts.setPrimaryEmail(db, user: user, email: email) }
        }
        func remove(_ email: String) throws -> JSONValue {
            try t.call(as: one) { user, db in try t.services.accounts.removeEmail(db, user: user, email: email) }
        }
        // When it is made primary before it is verified
        #expect(#expect(throws: DomainError.self) { try setPrimary("two@example.com") }?.kind == .validation)
        // Then that waits for the confirmation, which makes it taken for a registration too (§8.2)
        #expect(try t.confirm(key)["verified"] == true)
        #expect(#expect(throws: DomainError.self) { try t.register("two@example.com") } == DomainError(.emailTaken))
        _ = try setPrimary("two@example.com")
        // And then it is primary and the account's login email
        let me = try t.me(one)
        #expect(me["user"]?["email"] == "two@example.com")
        #expect(me["emails"]?[0]?["email"] == "two@example.com")
        #expect(me["emails"]?[0]?["primary"] == true)
        #expect(me["emails"]?[1]?["primary"] == false)
        _ = try t.login("two@example.com")
        #expect(#expect(throws: DomainError.self) { try t.login("one@example.com") } == .invalidCredentials)

        // When addresses are removed
        #expect(#expect(throws: DomainError.self) { try remove("two@example.com") } == DomainError(.cannotRemovePrimary))
        _ = try remove("one@example.com")
        // Then the primary one stays, a removed or someone else's address is not the caller's, and a removed one is free
        #expect(addresses(try emails(t, one)) == ["two@example.com"])
        #expect(#expect(throws: DomainError.self) { try remove("one@example.com") }?.kind == .notFound)
        #expect(#expect(throws: DomainError.self) { try remove("taken@example.com") }?.kind == .notFound)
        try t.register("one@example.com")
    }

    @Test func setPrimaryReturnsTheAddressAndTheUser() async throws {
        // Given a user's second, verified address
        let t = try await TestDatabase()
        let user = try t.user("first@example.com")
        try t.confirm(try add(t, user, "second@example.com")["confirmation"]?["key"])
        // When it is made primary, spelt with spaces and capitals
        let primary = try t.call(as: user) { user, db in try t.services.accounts.setPrimaryEmail(db, user: user, email: " SECOND@example.com ") }
        // Then the answer holds the address and the user, without the hash
        #expect(primary["email"]?["email"] == "second@example.com")
        #expect(primary["email"]?["primary"] == true)
        #expect(primary["user"]?["email"] == "second@example.com")
        #expect(primary["user"]?["password"] == nil)
    }

    @Test func emailListPagesLikeEveryOtherListPrimaryFirst() async throws {
        // Given a user who added b@, then a@
        let t = try await TestDatabase()
        let user = try t.user("pages@example.com")
        for address in ["b@example.com", "a@example.com"] { _ = try add(t, user, address) }
        // Then the list is primary first, then in the order added, and pages
        let all = try emails(t, user)
        #expect(addresses(all) == ["pages@example.com", "b@example.com", "a@example.com"])
        #expect(all["nextCursor"] == .null)
        let first = try emails(t, user, limit: 2)
        #expect(addresses(first) == ["pages@example.com", "b@example.com"])
        let rest = try emails(t, user, limit: 2, cursor: try #require(first["nextCursor"]?.stringValue))
        #expect(addresses(rest) == ["a@example.com"])
        #expect(rest["nextCursor"] == .null)
        #expect(#expect(throws: DomainError.self) { try emails(t, user, limit: 501) } == DomainError(.invalidLimit, field: "limit"))
    }
}

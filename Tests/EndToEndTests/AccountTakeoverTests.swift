import Foundation
import Testing
import TobaRPC

/// Issue 8: account takeovers through addresses an attacker claimed but never proved
/// (PROTOCOL.md §8.2, §8.10), each test named after the attack it replays.
@Suite struct AccountTakeoverTests {
    static func login(_ sidecar: Sidecar, _ params: JSONObject) throws -> JSONValue {
        try sidecar.result("social.login", .object(params))
    }

    static func emails(_ sidecar: Sidecar, _ token: JSONValue) throws -> [String] {
        try sidecar.result("user.me", ["token": token])["emails"]?.arrayValue?.compactMap { $0["email"]?.stringValue } ?? []
    }

    /// Mallory registers and confirms her address, links her GitHub account, then adds
    /// `victim@…` with `email.add` (never confirmed). The victim's Google login must make the
    /// victim her own account, and Mallory's GitHub must not reach it.
    @Test func anUnconfirmedAddressAddedBySomeoneElseDoesNotCaptureTheVictimsSocialLogin() throws {
        let sidecar = try Sidecar()
        let registered = try sidecar.result("user.register", ["email": "mallory@example.com", "password": "a long passphrase"])
        _ = try sidecar.result("email.confirm", ["key": registered["confirmation"]!["key"]!])
        let github = try Self.login(sidecar, ["provider": "github", "uid": "m-1", "email": "mallory@example.com", "emailVerified": true])
        let malloryId = try #require(github["user"]?["id"])
        #expect(github["created"] == false)
        _ = try sidecar.result("email.add", ["token": github["token"]!, "email": "victim@example.com"])

        let google = try Self.login(sidecar, ["provider": "google", "uid": "v-1", "email": "Victim@example.com", "emailVerified": true])
        #expect(google["created"] == true)
        #expect(google["user"]?["id"] != malloryId)
        #expect(google["user"]?["email"] == "victim@example.com")
        let victimEmails = try sidecar.result("user.me", ["token": google["token"]!])["emails"]
        #expect(victimEmails?.arrayValue?.count == 1)
        #expect(victimEmails?[0]?["verified"] == true)

        let again = try Self.login(sidecar, ["provider": "github", "uid": "m-1"])
        #expect(again["user"]?["id"] == malloryId)
        #expect(try Self.emails(sidecar, again["token"]!) == ["mallory@example.com"])
        #expect(try sidecar.finish() == 0)
    }

    /// The same attack with an unverified provider email: the squatted address neither links
    /// nor blocks, and the victim gets a new account.
    @Test func anUnconfirmedAddressAddedBySomeoneElseDoesNotBlockAnUnverifiedSocialLogin() throws {
        let sidecar = try Sidecar()
        let (_, mallory) = try sidecar.registerAndLogin("mallory@example.com")
        _ = try sidecar.result("email.add", ["token": mallory, "email": "victim@example.com"])
        let victim = try Self.login(sidecar, ["provider": "twitter", "uid": "t-1", "email": "victim@example.com"])
        #expect(victim["created"] == true)
        #expect(try Self.emails(sidecar, mallory) == ["mallory@example.com"])
        #expect(try sidecar.finish() == 0)
    }

    /// Mallory signs up with the victim's address (never confirmed), adds and confirms an
    /// address of her own, links GitHub through it and registers a phone. When the victim
    /// logs in with Google, the account is the victim's alone: Mallory's password, sessions,
    /// GitHub link, phone and addresses are gone, so no password reset brings her back.
    @Test func aSquatterOfAnUnconfirmedSignUpAddressLosesEveryWayBackWhenTheOwnerLogsInThroughAProvider() throws {
        let sidecar = try Sidecar()
        let (squattedId, squatter) = try sidecar.registerAndLogin("victim@example.com")
        let added = try sidecar.result("email.add", ["token": squatter, "email": "mallory@example.com"])
        _ = try sidecar.result("email.confirm", ["key": added["confirmation"]!["key"]!])
        let github = try Self.login(sidecar, ["provider": "github", "uid": "m-1", "email": "mallory@example.com", "emailVerified": true])
        #expect(github["user"]?["id"] == .number(JSONNumber(squattedId)))
        _ = try sidecar.result("device.register", ["token": squatter, "kind": "gcm", "registrationId": "mallory-phone"])

        let google = try Self.login(sidecar, ["provider": "google", "uid": "v-1", "email": "victim@example.com", "emailVerified": true])
        #expect(google["created"] == false)
        #expect(google["user"]?["id"] == .number(JSONNumber(squattedId)))
        let token = try #require(google["token"])
        let me = try sidecar.result("user.me", ["token": token])
        #expect(me["emails"]?.arrayValue?.count == 1)
        #expect(me["emails"]?[0]?["email"] == "victim@example.com")
        #expect(me["emails"]?[0]?["verified"] == true)
        #expect(me["emails"]?[0]?["primary"] == true)
        #expect(try sidecar.result("social.list", ["token": token])["items"]?.arrayValue?.compactMap { $0["provider"]?.stringValue } == ["google"])
        #expect(try sidecar.result("device.list", ["token": token])["items"] == [])

        #expect(try sidecar.error("user.me", ["token": squatter])["data"]?["reason"] == "session_revoked")
        #expect(try sidecar.error("user.me", ["token": github["token"]!])["data"]?["reason"] == "session_revoked")
        #expect(try sidecar.error("auth.login", ["email": "victim@example.com", "password": "a long passphrase"])["data"]?["reason"] == "invalid_credentials")
        #expect(try sidecar.result("password.requestReset", ["email": "mallory@example.com"]) == .null)
        let back = try Self.login(sidecar, ["provider": "github", "uid": "m-1", "email": "mallory@example.com", "emailVerified": true])
        #expect(back["created"] == true)
        #expect(back["user"]?["id"] != .number(JSONNumber(squattedId)))
        #expect(try sidecar.finish() == 0)
    }

    /// Mallory adds the victim's address to her account before the victim signs up: the
    /// registration takes the address from her instead of answering `email_taken`.
    @Test func anAddressSquattedWithEmailAddCannotBlockItsOwnersRegistration() throws {
        let sidecar = try Sidecar()
        let (_, mallory) = try sidecar.registerAndLogin("mallory@example.com")
        _ = try sidecar.result("email.add", ["token": mallory, "email": "victim@example.com"])
        let (victimId, victim) = try sidecar.registerAndLogin("victim@example.com")
        #expect(victimId > 0)
        #expect(try Self.emails(sidecar, mallory) == ["mallory@example.com"])
        #expect(try Self.emails(sidecar, victim) == ["victim@example.com"])

        // email.add follows the same rule: an address only added elsewhere moves to the caller
        _ = try sidecar.result("email.add", ["token": mallory, "email": "third@example.com"])
        _ = try sidecar.result("email.add", ["token": victim, "email": "third@example.com"])
        #expect(try Self.emails(sidecar, mallory) == ["mallory@example.com"])
        #expect(try sidecar.error("email.add", ["token": victim, "email": "third@example.com"])["data"]?["reason"] == "email_taken")
        #expect(try sidecar.finish() == 0)
    }

    /// What still counts as taken: another account's sign-up address (confirmed or not) and
    /// any verified address.
    @Test func aSignUpAddressOrAVerifiedAddressStaysTaken() throws {
        let sidecar = try Sidecar()
        _ = try sidecar.registerAndLogin("first@example.com")
        let (_, owner) = try sidecar.registerAndLogin("owner@example.com")
        let added = try sidecar.result("email.add", ["token": owner, "email": "second@example.com"])
        _ = try sidecar.result("email.confirm", ["key": added["confirmation"]!["key"]!])
        for email in ["first@example.com", "second@example.com"] {
            let error = try sidecar.error("user.register", ["email": .string(email), "password": "a long passphrase"])
            #expect(error["code"] == 1004)
            #expect(error["data"]?["reason"] == "email_taken")
            #expect(try sidecar.error("email.add", ["token": owner, "email": "first@example.com"])["data"]?["reason"] == "email_taken")
            let social = try sidecar.error("social.login", ["provider": "x", "uid": .string(email), "email": .string(email)])
            #expect(social["data"]?["reason"] == "email_taken")
        }
        #expect(try sidecar.finish() == 0)
    }
}

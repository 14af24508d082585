import Foundation
import GRDB
import Testing
import TobaRPC

/// §8.10 end to end: social apps, social login, linked accounts.
@Suite struct SocialTests {
    static func login(_ sidecar: Sidecar, _ params: JSONObject) throws -> JSONValue {
        try sidecar.result("social.login", .object(params))
    }

    @Test func socialAppSecretsAreStoredButNeverReturned() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let secret = "very-secret-value-31337"
        let created = try sidecar.call("socialapp.create", ["token": root, "provider": "google", "name": "Google",
                                                             "clientId": "client-1", "secret": .string(secret)])
        #expect(created["result"]?["socialApp"]?["siteIds"] == [1])
        #expect(created["result"]?["socialApp"]?["clientId"] == "client-1")
        let listed = try sidecar.call("socialapp.list", ["token": root])
        #expect(listed["result"]?["items"]?.arrayValue?.count == 1)
        for response in [created, listed] {
            #expect(!JSONWriter.string(response).contains(secret))
            #expect(!JSONWriter.string(response).contains("\"secret\""))
        }
        #expect(try sidecar.error("socialapp.create", ["token": root, "provider": "x", "name": "X", "clientId": "c",
                                                        "secret": "s", "siteIds": [99]])["code"] == 1003)
        let log = try sidecar.result("admin.log.list", ["token": root])
        #expect(log["items"]?[0]?["objectRepr"] == "Google")
        #expect(log["items"]?[0]?["actionFlag"] == 1)

        let (_, user) = try sidecar.registerAndLogin("plain@example.com")
        #expect(try sidecar.error("socialapp.create", ["token": user, "provider": "x", "name": "X", "clientId": "c", "secret": "s"])["code"] == 1002)
        #expect(try sidecar.error("socialapp.list", ["token": user])["data"]?["permission"] == "socialaccount.view_socialapp")
        #expect(try sidecar.finish() == 0)
        let stored = try TestBackend.texts(try #require(sidecar.databaseLocation),
                                           "SELECT secret FROM socialaccount_socialapp WHERE provider = 'google'")
        #expect(stored == [secret])
    }

    @Test func anUnknownAccountCreatesAUserWithAnUnusablePasswordAndAKnownOneLogsItIn() throws {
        let sidecar = try Sidecar()
        let first = try Self.login(sidecar, ["provider": "google", "uid": "g-1", "email": "New@Example.com", "emailVerified": true,
                                             "extraData": ["locale": "id"]])
        #expect(first["created"] == true)
        #expect(first["user"]?["email"] == "new@example.com")
        #expect(first["user"]?["lastLogin"] != .null)
        let token = try #require(first["token"])
        let me = try sidecar.result("user.me", ["token": token])
        #expect(me["groups"]?[0]?["name"] == "trial")
        #expect(me["emails"]?[0]?["verified"] == true)
        #expect(me["emails"]?[0]?["primary"] == true)
        for password in ["", "a long passphrase", "!"] {
            let error = try sidecar.error("auth.login", ["email": "new@example.com", "password": .string(password)])
            #expect(error["data"]?["reason"] == "invalid_credentials")
        }

        let again = try Self.login(sidecar, ["provider": "google", "uid": "g-1"])
        #expect(again["created"] == false)
        #expect(again["user"]?["id"] == first["user"]?["id"])
        #expect(again["socialAccount"]?["extraData"] == ["locale": "id"])
        #expect(again["session"]?["id"] != first["session"]?["id"])
        #expect(try sidecar.result("social.list", ["token": again["token"]!])["items"]?.arrayValue?.count == 1)
        #expect(try sidecar.error("social.login", ["provider": "twitter", "uid": "t-1"])["data"]?["reason"] == "email_required")
        #expect(try sidecar.finish() == 0)
    }

    @Test func anExistingEmailIsLinkedOnlyWhenTheProviderVerifiedIt() throws {
        let sidecar = try Sidecar()
        let (userId, _) = try sidecar.registerAndLogin("owner@example.com")
        let refused = try sidecar.error("social.login", ["provider": "github", "uid": "42", "email": "owner@example.com"])
        #expect(refused["code"] == 1004)
        #expect(refused["data"]?["reason"] == "email_taken")
        let unverified = try sidecar.error("social.login", ["provider": "github", "uid": "42", "email": "owner@example.com", "emailVerified": false])
        #expect(unverified["data"]?["reason"] == "email_taken")

        let linked = try Self.login(sidecar, ["provider": "github", "uid": "42", "email": "OWNER@example.com", "emailVerified": true])
        #expect(linked["created"] == false)
        #expect(linked["user"]?["id"] == .number(JSONNumber(userId)))
        // The address was not verified here, so whoever set the password may not own it: it is wiped.
        #expect(try sidecar.error("auth.login", ["email": "owner@example.com", "password": "a long passphrase"])["data"]?["reason"] == "invalid_credentials")
        #expect(try sidecar.result("email.list", ["token": linked["token"]!])["items"]?[0]?["verified"] == true)
        #expect(try sidecar.finish() == 0)
    }

    @Test func anInactiveUserCannotLogInThroughAProvider() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let first = try Self.login(sidecar, ["provider": "google", "uid": "g-9", "email": "gone@example.com"])
        _ = try sidecar.result("admin.user.update", ["token": root, "userId": first["user"]!["id"]!, "isActive": false])
        let error = try sidecar.error("social.login", ["provider": "google", "uid": "g-9"])
        #expect(error["code"] == 1001)
        #expect(error["data"]?["reason"] == "account_inactive")
        #expect(try sidecar.finish() == 0)
    }

    @Test func disconnectingTheLastWayToLogInIsRefused() throws {
        let sidecar = try Sidecar()
        let a = try Self.login(sidecar, ["provider": "google", "uid": "g-1", "email": "solo@example.com", "emailVerified": true])
        let token = try #require(a["token"])
        let googleId = try #require(a["socialAccount"]?["id"])
        let refused = try sidecar.error("social.disconnect", ["token": token, "socialAccountId": googleId])
        #expect(refused["code"] == 1004)
        #expect(refused["data"]?["reason"] == "last_login_method")

        let b = try Self.login(sidecar, ["provider": "github", "uid": "h-1", "email": "solo@example.com", "emailVerified": true])
        #expect(b["user"]?["id"] == a["user"]?["id"])
        let done = try sidecar.result("social.disconnect", ["token": token, "socialAccountId": googleId])
        #expect(done["deleted"] == true)
        let remaining = try sidecar.result("social.list", ["token": token])["items"]
        #expect(remaining?.arrayValue?.compactMap { $0["provider"]?.stringValue } == ["github"])
        #expect(try sidecar.error("social.disconnect", ["token": token, "socialAccountId": b["socialAccount"]!["id"]!])["data"]?["reason"] == "last_login_method")

        let (_, other) = try sidecar.registerAndLogin("other@example.com")
        #expect(try sidecar.error("social.disconnect", ["token": other, "socialAccountId": b["socialAccount"]!["id"]!])["code"] == 1003)
        #expect(try sidecar.finish() == 0)
    }

    @Test func aConfirmedAddressLinksWithoutWipingThePasswordWhichThenAllowsDisconnecting() throws {
        let sidecar = try Sidecar()
        let registered = try sidecar.result("user.register", ["email": "pw@example.com", "password": "a long passphrase"])
        _ = try sidecar.result("email.confirm", ["key": registered["confirmation"]!["key"]!])
        let google = try Self.login(sidecar, ["provider": "google", "uid": "pw", "email": "pw@example.com", "emailVerified": true])
        #expect(google["created"] == false)
        let login = try sidecar.result("auth.login", ["email": "pw@example.com", "password": "a long passphrase"])
        let done = try sidecar.result("social.disconnect", ["token": login["token"]!, "socialAccountId": google["socialAccount"]!["id"]!])
        #expect(done["deleted"] == true)
        #expect(try sidecar.result("social.list", ["token": login["token"]!])["items"] == [])
        #expect(try sidecar.finish() == 0)
    }

    @Test func tokensAreKeptOncePerAppAndAccountAndNeverShown() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        _ = try sidecar.result("socialapp.create", ["token": root, "provider": "google", "name": "Google", "clientId": "c1", "secret": "s1"])
        _ = try sidecar.result("socialapp.create", ["token": root, "provider": "google", "name": "Google 2", "clientId": "c2", "secret": "s2"])
        let first = try sidecar.call("social.login", ["provider": "google", "uid": "t-1", "email": "tok@example.com", "emailVerified": true,
                                                       "accessToken": "access-one", "tokenSecret": "secret-one",
                                                       "expiresAt": "2030-01-01T07:00:00+07:00"])
        let second = try sidecar.call("social.login", ["provider": "google", "uid": "t-1", "accessToken": "access-two"])
        let listed = try sidecar.call("social.list", ["token": second["result"]!["token"]!])
        for response in [first, second, listed] {
            let text = JSONWriter.string(response)
            #expect(!text.contains("access-") && !text.contains("secret-one"))
        }
        #expect(try sidecar.error("social.login", ["provider": "google", "uid": "t-1", "tokenSecret": "x"])["data"]?["field"] == "accessToken")
        #expect(try sidecar.finish() == 0)
        let rows = try TestBackend.texts(try #require(sidecar.databaseLocation), """
            SELECT token || '|' || token_secret || '|' || (CASE WHEN expires_at IS NULL THEN 'null' ELSE 'set' END) || '|' || app_id
            FROM socialaccount_socialtoken
            """)
        #expect(rows == ["access-two||null|1"])
    }

    @Test func withoutAnAppForTheProviderNoTokenIsStoredButTheLoginWorks() throws {
        let (sidecar, _) = try Sidecar.withAdmin()
        let answer = try Self.login(sidecar, ["provider": "facebook", "uid": "f-1", "email": "fb@example.com", "accessToken": "tok"])
        #expect(answer["created"] == true)
        #expect(try sidecar.finish() == 0)
        let count = try TestBackend.integer(try #require(sidecar.databaseLocation), "SELECT COUNT(*) FROM socialaccount_socialtoken")
        #expect(count == 0)
    }
}

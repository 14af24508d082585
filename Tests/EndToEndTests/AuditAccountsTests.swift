import Foundation
import GRDB
import Testing
import TobaRPC

/// Deviations from PROTOCOL.md §5, §6, §8.2–§8.4 found by the accounts audit, each pinned down.
@Suite struct AuditAccountsTests {
    static let start = "2030-01-01T00:00:00.000000Z"

    func sidecar() throws -> Sidecar {
        let sidecar = try Sidecar()
        try sidecar.setClock(Self.start)
        return sidecar
    }

    // MARK: §5 lists

    @Test func emailListPagesLikeEveryOtherListPrimaryFirst() throws {
        let sidecar = try sidecar()
        let (_, token) = try sidecar.registerAndLogin("pages@example.com")
        for address in ["b@example.com", "a@example.com"] {
            _ = try sidecar.result("email.add", ["token": token, "email": .string(address)])
        }
        let all = try sidecar.result("email.list", ["token": token])
        #expect(all["items"]?.arrayValue?.compactMap { $0["email"]?.stringValue } == ["pages@example.com", "b@example.com", "a@example.com"])
        #expect(all["nextCursor"] == .null)

        let first = try sidecar.result("email.list", ["token": token, "limit": 2])
        #expect(first["items"]?.arrayValue?.compactMap { $0["email"]?.stringValue } == ["pages@example.com", "b@example.com"])
        let cursor = try #require(first["nextCursor"]?.stringValue)
        let rest = try sidecar.result("email.list", ["token": token, "limit": 2, "cursor": .string(cursor)])
        #expect(rest["items"]?.arrayValue?.compactMap { $0["email"]?.stringValue } == ["a@example.com"])
        #expect(rest["nextCursor"] == .null)
        #expect(try sidecar.error("email.list", ["token": token, "limit": 501])["data"]?["reason"] == "invalid_limit")
        #expect(try sidecar.finish() == 0)
    }

    @Test func setPrimaryReturnsTheAddressAndTheUser() throws {
        let sidecar = try sidecar()
        let (_, token) = try sidecar.registerAndLogin("first@example.com")
        let added = try sidecar.result("email.add", ["token": token, "email": "second@example.com"])
        _ = try sidecar.result("email.confirm", ["key": try #require(added["confirmation"]?["key"])])
        let primary = try sidecar.result("email.setPrimary", ["token": token, "email": " SECOND@example.com "])
        #expect(primary["email"]?["email"] == "second@example.com")
        #expect(primary["email"]?["primary"] == true)
        #expect(primary["user"]?["email"] == "second@example.com")
        #expect(primary["user"]?["password"] == nil)
        #expect(try sidecar.finish() == 0)
    }

    // MARK: §6 password rules name the parameter at fault

    @Test func aResetWithAWeakPasswordNamesNewPassword() throws {
        let sidecar = try sidecar()
        _ = try sidecar.registerAndLogin("weak@example.com")
        let reset = try sidecar.result("password.requestReset", ["email": "weak@example.com"])
        let error = try sidecar.error("password.reset", ["uid": try #require(reset["uid"]), "token": try #require(reset["token"]),
                                                          "newPassword": "short"])
        #expect(error["code"] == 1000)
        #expect(error["data"]?["reason"] == "password_too_short")
        #expect(error["data"]?["field"] == "newPassword")
        #expect(try sidecar.finish() == 0)
    }

    // MARK: §6 session tokens

    @Test func theTokensClientIdIsTheStoredOneCutTo1000Characters() throws {
        let sidecar = try sidecar()
        _ = try sidecar.registerAndLogin("client@example.com")
        let login = try sidecar.result("auth.login", ["email": "client@example.com", "password": "a long passphrase",
                                                      "clientId": .string(String(repeating: "é", count: 1200)),
                                                      "userAgent": .string(String(repeating: "👍🏽", count: 600))])
        let stored = try #require(login["session"]?["clientId"]?.stringValue)
        #expect(stored.unicodeScalars.count == 1000)
        #expect(try SessionTests.claims(try #require(login["token"]))["cid"] == .string(stored))
        // Cut by code points, as Django and PostgreSQL count a varchar(1000).
        #expect(login["session"]?["userAgent"]?.stringValue?.unicodeScalars.count == 1000)
        #expect(try sidecar.finish() == 0)
    }

    // MARK: §6 rate limits

    @Test func aBlankIPAddressIsNoAddressAndPoolsNobody() throws {
        let sidecar = try sidecar()
        _ = try sidecar.registerAndLogin("blank@example.com")
        for i in 0..<10 {
            let failed = try sidecar.error("auth.login", ["email": .string("nobody\(i)@example.com"), "password": "wrong", "ipAddress": ""])
            #expect(failed["data"]?["reason"] == "invalid_credentials")
        }
        let login = try sidecar.result("auth.login", ["email": "blank@example.com", "password": "a long passphrase", "ipAddress": ""])
        #expect(login["session"]?["ipAddress"] == .null)
        #expect(try sidecar.finish() == 0)
    }

    @Test func failedLoginsAreCountedPerEmailAndPerAddressAcrossEmails() throws {
        let sidecar = try sidecar()
        _ = try sidecar.registerAndLogin("target@example.com")
        for _ in 0..<5 {
            _ = try sidecar.error("auth.login", ["email": " TARGET@example.com", "password": "wrong"])
        }
        let blocked = try sidecar.error("auth.login", ["email": "target@example.com", "password": "a long passphrase"])
        #expect(blocked["code"] == 1005)
        #expect(blocked["data"]?["retryAfterSeconds"] == 300)
        _ = try sidecar.advanceClock(seconds: 120)
        #expect(try sidecar.error("auth.login", ["email": "target@example.com", "password": "a long passphrase"])["data"]?["retryAfterSeconds"] == 180)
        _ = try sidecar.advanceClock(seconds: 180)
        _ = try sidecar.result("auth.login", ["email": "target@example.com", "password": "a long passphrase"])

        for i in 0..<10 {
            _ = try sidecar.error("auth.login", ["email": .string("u\(i)@example.com"), "password": "wrong", "ipAddress": "203.0.113.9"])
        }
        let address = try sidecar.error("auth.login", ["email": "target@example.com", "password": "a long passphrase", "ipAddress": "203.0.113.9"])
        #expect(address["code"] == 1005)
        #expect(address["data"]?["retryAfterSeconds"] == 60)
        _ = try sidecar.result("auth.login", ["email": "target@example.com", "password": "a long passphrase", "ipAddress": "203.0.113.10"])
        #expect(try sidecar.finish() == 0)
    }

    // MARK: §6 admin log rows in Django's form

    @Test func changeMessagesAreStoredAsDjangoWritesThem() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (userId, _) = try sidecar.registerAndLogin("logged@example.com")
        _ = try sidecar.result("category.create", ["token": root, "name": "  Pelajar  "])
        _ = try sidecar.result("admin.user.update", ["token": root, "userId": .number(JSONNumber(userId)), "isActive": false, "isStaff": true])
        #expect(try sidecar.finish() == 0)

        let database = try #require(sidecar.databaseLocation)
        #expect(try TestBackend.texts(database, "SELECT object_repr FROM django_admin_log ORDER BY id") == ["Pelajar", "logged@example.com"])
        #expect(try TestBackend.texts(database, "SELECT action_flag FROM django_admin_log ORDER BY id") == ["1", "2"])
        #expect(try TestBackend.texts(database, "SELECT change_message FROM django_admin_log ORDER BY id") == [
            #"[{"added": {}}]"#,
            #"[{"changed": {"fields": ["is_active", "is_staff"]}}]"#,
        ])
    }

    @Test func categoryCreateIsAnAdminMethodAndStripsTheName() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (_, user) = try sidecar.registerAndLogin("plain@example.com")
        let denied = try sidecar.error("category.create", ["token": user, "name": "UMKM"])
        #expect(denied["code"] == 1002)
        #expect(denied["data"]?["permission"] == "users.add_category")
        #expect(try sidecar.result("category.create", ["token": root, "name": " UMKM "])["category"]?["name"] == "UMKM")
        #expect(try sidecar.error("category.create", ["token": root, "name": "   "])["data"]?["reason"] == "value_required")
        #expect(try sidecar.result("category.list", [:])["items"]?.arrayValue?.count == 1)
        #expect(try sidecar.finish() == 0)
    }
}

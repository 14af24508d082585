import Foundation
import Testing
import TobaRPC

@Suite struct SmokeTests {
    @Test func healthAnswersAndTheProcessExitsCleanlyAtEOF() throws {
        let sidecar = try Sidecar()
        let health = try sidecar.result("system.health")
        #expect(health["status"] == "ok")
        if TestBackend.isPostgreSQL {
            // The URL without its password.
            let path = try #require(health["database"]?["path"]?.stringValue)
            #expect(path.hasPrefix("postgres://toba@") && !path.contains(":toba@"))
            #expect(health["database"]?["journalMode"] == "postgresql")
        } else {
            #expect(health["database"]?["path"] == ":memory:")
        }
        #expect(try sidecar.finish() == 0)
    }

    @Test func registerThenLoginOnTheNextLineSeesTheUser() throws {
        let sidecar = try Sidecar()
        sidecar.send(Sidecar.requestLine("user.register", ["email": "Ana@Example.com", "password": "a long passphrase"], id: 1))
        sidecar.send(Sidecar.requestLine("auth.login", ["email": "ana@example.com", "password": "a long passphrase"], id: 2))
        let login = try sidecar.response(id: 2)
        #expect(login["result"]?["user"]?["email"] == "ana@example.com")
        let token = try #require(login["result"]?["token"])
        let me = try sidecar.result("user.me", ["token": token])
        #expect(me["groups"]?[0]?["name"] == "trial")
        #expect(try sidecar.finish() == 0)
    }

    /// The accounts domain's refusals as a client reads them: code, message, reason, field.
    /// (The rules themselves are tested in-process: `RegistrationTests`, `EmailAddressTests`, …)
    @Test func accountRefusalsCarryTheirCodesOnTheWire() throws {
        let sidecar = try Sidecar()
        let weak = try sidecar.error("user.register", ["email": "ana@example.com", "password": "short1!"])
        #expect(weak["code"] == 1000)
        #expect(weak["message"] == "Validation failed")
        #expect(weak["data"] == ["reason": "password_too_short", "field": "password"])
        let registered = try sidecar.result("user.register", ["email": "ana@example.com", "password": "a long passphrase"])
        #expect(try sidecar.error("user.register", ["email": "ANA@example.com", "password": "a long passphrase"])["code"] == 1004)
        let resend = try sidecar.error("email.resendConfirmation", ["email": "ana@example.com"])
        #expect(resend["code"] == 1005)
        #expect(resend["data"]?["retryAfterSeconds"] != nil)
        let wrong = try sidecar.error("auth.login", ["email": "ana@example.com", "password": "wrong passphrase"])
        #expect(wrong["code"] == 1001)
        #expect(wrong["data"]?["reason"] == "invalid_credentials")
        #expect(try sidecar.error("email.confirm", ["key": .string(String(repeating: "z", count: 64))])["code"] == 1003)
        try sidecar.advanceClock(seconds: 4 * 86_400)
        let expired = try sidecar.error("email.confirm", ["key": try #require(registered["confirmation"]?["key"])])
        #expect(expired["code"] == 1006)
        let token = try #require(try sidecar.result("auth.login", ["email": "ana@example.com", "password": "a long passphrase"])["token"])
        #expect(try sidecar.error("user.me", ["token": token, "verbose": true])["code"] == -32602)
        #expect(try sidecar.finish() == 0)
    }
}

@Suite struct AdminSmokeTests {
    @Test func createsuperuserMakesAnAdminWhoCanCreateCategories() throws {
        let (sidecar, token) = try Sidecar.withAdmin()
        let created = try sidecar.result("category.create", ["token": token, "name": "UMKM"])
        #expect(created["category"]?["name"] == "UMKM")
        let list = try sidecar.result("category.list", [:])
        #expect(list["items"]?[0]?["name"] == "UMKM")
        #expect(list["nextCursor"] == .null)
        #expect(try sidecar.finish() == 0)
    }

    @Test func aPlainUserMayNotCreateCategories() throws {
        let sidecar = try Sidecar()
        let (_, token) = try sidecar.registerAndLogin("plain@example.com")
        let error = try sidecar.error("category.create", ["token": token, "name": "X"])
        #expect(error["code"] == 1002)
        #expect(error["data"]?["permission"] == "users.add_category")
        #expect(try sidecar.finish() == 0)
    }
}

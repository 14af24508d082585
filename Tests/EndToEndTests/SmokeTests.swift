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

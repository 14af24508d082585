import Foundation
import Testing
import TobaRPC

/// §8.4 end to end: the admin rule (active staff + `has_perm`), users, groups, permissions, the
/// admin log and sites.
@Suite struct AdminTests {
    // MARK: The admin rule

    @Test func aSuperuserMayUseEveryAdminMethod() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        for method in ["admin.user.list", "group.list", "permission.list", "admin.log.list", "site.list"] {
            let page = try sidecar.result(method, ["token": root])
            #expect(page["items"]?.arrayValue != nil, "\(method)")
        }
        #expect(try sidecar.result("admin.user.get", ["token": root, "userId": 1])["user"]?["isSuperuser"] == true)
        #expect(try sidecar.result("auth.hasPerm", ["token": root, "permission": "vouchers.add_invitation"])["allowed"] == true)
        #expect(try sidecar.finish() == 0)
    }

    @Test func staffHoldingThePermissionThroughAGroupIsAllowedAndOtherwiseDenied() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let viewers = try createGroup(sidecar, root, "viewers", permissions: ["users.view_user"])
        let (staffId, staff) = try sidecar.registerAndLogin("staff@example.com")
        _ = try sidecar.result("admin.user.update", ["token": root, "userId": id(staffId), "isStaff": true, "groupIds": [viewers]])

        let users = try sidecar.result("admin.user.list", ["token": staff])
        #expect(users["items"]?.arrayValue?.count == 2)
        let denied = try sidecar.error("group.list", ["token": staff])
        #expect(denied["code"] == 1002)
        #expect(denied["data"]?["reason"] == "permission_denied")
        #expect(denied["data"]?["permission"] == "auth.view_group")
        #expect(try sidecar.finish() == 0)
    }

    @Test func inactiveStaffIsRefused() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (staffId, staff) = try sidecar.registerAndLogin("staff@example.com")
        let viewers = try createGroup(sidecar, root, "viewers", permissions: ["users.view_user"])
        _ = try sidecar.result("admin.user.update", ["token": root, "userId": id(staffId), "isStaff": true, "groupIds": [viewers]])
        _ = try sidecar.result("admin.user.list", ["token": staff])

        _ = try sidecar.result("admin.user.update", ["token": root, "userId": id(staffId), "isActive": false])
        #expect(try sidecar.error("admin.user.list", ["token": staff])["code"] == 1001)
        let login = try sidecar.error("auth.login", ["email": "staff@example.com", "password": "a long passphrase"])
        #expect(login["data"]?["reason"] == "account_inactive")
        #expect(try sidecar.finish() == 0)
    }

    @Test func aNonStaffUserHoldingThePermissionIsDeniedAdminMethodsButHasPermSaysYes() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (userId, user) = try sidecar.registerAndLogin("plain@example.com")
        let viewUser = try permissionId(sidecar, root, "users.view_user")
        _ = try sidecar.result("admin.user.update", ["token": root, "userId": id(userId), "permissionIds": [viewUser]])

        #expect(try sidecar.result("auth.hasPerm", ["token": user, "permission": "users.view_user"])["allowed"] == true)
        let denied = try sidecar.error("admin.user.list", ["token": user])
        #expect(denied["code"] == 1002)
        #expect(denied["data"]?["permission"] == "users.view_user")
        #expect(try sidecar.finish() == 0)
    }

    @Test func ownPermissionsAndGroupPermissionsAreUnited() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (userId, user) = try sidecar.registerAndLogin("both@example.com")
        let groupViewers = try createGroup(sidecar, root, "group viewers", permissions: ["auth.view_group"])
        let viewUser = try permissionId(sidecar, root, "users.view_user")
        _ = try sidecar.result("admin.user.update", ["token": root, "userId": id(userId), "permissionIds": [viewUser], "groupIds": [groupViewers]])

        for (permission, allowed) in [("users.view_user", true), ("auth.view_group", true), ("auth.add_group", false), ("nonsense", false)] {
            let answer = try sidecar.result("auth.hasPerm", ["token": user, "permission": .string(permission)])
            #expect(answer["allowed"] == .bool(allowed), "\(permission)")
        }
        let detail = try sidecar.result("admin.user.get", ["token": root, "userId": id(userId)])
        #expect(detail["permissions"] == ["auth.view_group", "users.view_user"])
        #expect(detail["userPermissions"]?[0]?["permission"] == "users.view_user")
        #expect(detail["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["group viewers"])
        #expect(detail["emails"]?[0]?["email"] == "both@example.com")
        #expect(try sidecar.finish() == 0)
    }

    // MARK: Users

    @Test func deactivatingAUserRevokesTheirSessionsAndLogsTheChangeOnce() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (userId, user) = try sidecar.registerAndLogin("leaving@example.com")
        let updated = try sidecar.result("admin.user.update", ["token": root, "userId": id(userId), "isActive": false])
        #expect(updated["user"]?["isActive"] == false)
        #expect(updated["changed"] == ["is_active"])

        let refused = try sidecar.error("user.me", ["token": user])
        #expect(refused["code"] == 1001)
        #expect(refused["data"]?["reason"] == "session_revoked")
        let log = try sidecar.result("admin.log.list", ["token": root])
        #expect(log["items"]?.arrayValue?.count == 1)
        let entry = try #require(log["items"]?[0])
        #expect(entry["actionFlag"] == 2)
        #expect(entry["objectId"] == .string(String(userId)))
        #expect(entry["objectRepr"] == "leaving@example.com")
        #expect(entry["changeMessage"] == [["changed": ["fields": ["is_active"]]]])
        #expect(entry["appLabel"] == "users")
        #expect(entry["model"] == "user")

        let unchanged = try sidecar.result("admin.user.update", ["token": root, "userId": id(userId), "isActive": false, "groupIds": [2]])
        #expect(unchanged["changed"] == [])
        #expect(try sidecar.result("admin.log.list", ["token": root])["items"]?.arrayValue?.count == 1)
        #expect(try sidecar.finish() == 0)
    }

    @Test func userListFiltersByTextFlagsAndGroup() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        _ = try sidecar.result("user.register", ["email": "siti@example.com", "password": "a long passphrase", "lastName": "Nurhaliza"])
        _ = try sidecar.result("user.register", ["email": "budi@example.com", "password": "a long passphrase"])
        func emails(_ params: JSONObject) throws -> [String] {
            var all = params
            all["token"] = root
            return try sidecar.result("admin.user.list", .object(all))["items"]?.arrayValue?.compactMap { $0["email"]?.stringValue } ?? []
        }
        #expect(try emails(["query": "NURHAL"]) == ["siti@example.com"])
        #expect(try emails(["query": "example"]).count == 3)
        #expect(try emails(["query": "%"]) == [])
        #expect(try emails(["isStaff": true]) == ["admin@example.com"])
        #expect(try emails(["groupId": 2]) == ["siti@example.com", "budi@example.com"])
        let first = try sidecar.result("admin.user.list", ["token": root, "limit": 2])
        let cursor = try #require(first["nextCursor"]?.stringValue)
        let rest = try sidecar.result("admin.user.list", ["token": root, "limit": 2, "cursor": .string(cursor)])
        #expect(rest["items"]?[0]?["email"] == "budi@example.com")
        #expect(rest["nextCursor"] == .null)
        #expect(try sidecar.error("admin.user.get", ["token": root, "userId": 999])["code"] == 1003)
        #expect(try sidecar.finish() == 0)
    }

    @Test func unknownGroupOrPermissionIdsAreNotFoundAndChangeNothing() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let (userId, _) = try sidecar.registerAndLogin("someone@example.com")
        let error = try sidecar.error("admin.user.update", ["token": root, "userId": id(userId), "isStaff": true, "groupIds": [999]])
        #expect(error["code"] == 1003)
        #expect(error["data"]?["object"] == "group")
        #expect(try sidecar.error("admin.user.update", ["token": root, "userId": id(userId), "permissionIds": [99999]])["code"] == 1003)
        #expect(try sidecar.result("admin.user.get", ["token": root, "userId": id(userId)])["user"]?["isStaff"] == false)
        #expect(try sidecar.finish() == 0)
    }

    @Test func anAdminCannotLockThemselvesOutNorRaiseAnyoneAboveTheirOwnRights() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let selfOff = try sidecar.error("admin.user.update", ["token": root, "userId": 1, "isActive": false])
        #expect(selfOff["data"]?["reason"] == "cannot_deactivate_self")
        #expect(try sidecar.error("admin.user.update", ["token": root, "userId": 1, "isSuperuser": false])["data"]?["reason"] == "cannot_demote_self")

        let editors = try createGroup(sidecar, root, "editors", permissions: ["users.view_user", "users.change_user"])
        let (staffId, staff) = try sidecar.registerAndLogin("staff@example.com")
        let (otherId, _) = try sidecar.registerAndLogin("other@example.com")
        _ = try sidecar.result("admin.user.update", ["token": root, "userId": id(staffId), "isStaff": true, "groupIds": [editors]])

        let promote = try sidecar.error("admin.user.update", ["token": staff, "userId": id(otherId), "isSuperuser": true])
        #expect(promote["code"] == 1002)
        #expect(promote["data"]?["reason"] == "superuser_required")
        #expect(try sidecar.error("admin.user.update", ["token": staff, "userId": 1, "isStaff": true])["data"]?["reason"] == "superuser_required")
        let escalate = try sidecar.error("admin.user.update", ["token": staff, "userId": id(staffId), "groupIds": [editors, 1]])
        #expect(escalate["code"] == 1002)
        #expect(escalate["data"]?["reason"] == "permission_denied")
        let viewUser = try permissionId(sidecar, root, "users.view_user")
        let granted = try sidecar.result("admin.user.update", ["token": staff, "userId": id(otherId), "isStaff": true, "permissionIds": [viewUser]])
        #expect(granted["changed"] == ["is_staff", "user_permissions"])
        #expect(try sidecar.finish() == 0)
    }

    // MARK: Groups and permissions

    @Test func groupsAreCreatedUpdatedAndListedWithTheirPermissions() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let viewSite = try permissionId(sidecar, root, "sites.view_site")
        let changeSite = try permissionId(sidecar, root, "sites.change_site")
        let created = try sidecar.result("group.create", ["token": root, "name": "  support ", "permissionIds": [changeSite, viewSite, viewSite]])
        let group = try #require(created["group"])
        #expect(group["name"] == "support")
        #expect(group["permissionIds"] == .array([viewSite, changeSite].sorted { $0.int64Value! < $1.int64Value! }))
        let groupId = try #require(group["id"])

        #expect(try sidecar.error("group.create", ["token": root, "name": "support"])["data"]?["reason"] == "group_name_taken")
        #expect(try sidecar.error("group.create", ["token": root, "name": .string(String(repeating: "g", count: 151))])["data"]?["reason"] == "value_too_long")
        #expect(try sidecar.error("group.create", ["token": root, "name": "  "])["data"]?["reason"] == "value_required")
        #expect(try sidecar.error("group.create", ["token": root, "name": "x", "permissionIds": [99999]])["code"] == 1003)
        #expect(try sidecar.error("group.update", ["token": root, "groupId": groupId, "name": "paid"])["data"]?["reason"] == "group_name_taken")
        #expect(try sidecar.error("group.update", ["token": root, "groupId": 2, "name": "trial users"])["data"]?["reason"] == "group_builtin")

        let updated = try sidecar.result("group.update", ["token": root, "groupId": groupId, "name": "helpdesk", "permissionIds": [viewSite]])
        #expect(updated["group"]?["name"] == "helpdesk")
        #expect(updated["group"]?["permissionIds"] == [viewSite])
        #expect(updated["changed"] == ["name", "permissions"])

        let list = try sidecar.result("group.list", ["token": root])
        #expect(list["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["admin", "trial", "paid", "helpdesk"])
        #expect(list["items"]?[0]?["permissionIds"]?.arrayValue?.count == 116)
        let log = try sidecar.result("admin.log.list", ["token": root])
        #expect(log["items"]?[0]?["changeMessage"] == [["changed": ["fields": ["name", "permissions"]]]])
        #expect(log["items"]?[1]?["changeMessage"] == [["added": [:]]])
        #expect(log["items"]?[1]?["actionFlag"] == 1)
        #expect(try sidecar.finish() == 0)
    }

    @Test func permissionListFiltersByAppAndDescribesEachPermission() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let sites = try sidecar.result("permission.list", ["token": root, "appLabel": "sites"])
        let items = try #require(sites["items"]?.arrayValue)
        #expect(items.compactMap { $0["permission"]?.stringValue } == ["sites.add_site", "sites.change_site", "sites.delete_site", "sites.view_site"])
        #expect(items[0]["name"] == "Can add site")
        #expect(items[0]["model"] == "site")
        #expect(items[0]["contentTypeId"]?.int64Value != nil)
        #expect(sites["nextCursor"] == .null)
        #expect(try sidecar.result("permission.list", ["token": root, "appLabel": "nope"])["items"] == [])
        var seen = 0
        var cursor: JSONValue = .null
        repeat {
            let page = try sidecar.result("permission.list", ["token": root, "limit": 50, "cursor": cursor])
            seen += page["items"]?.arrayValue?.count ?? 0
            cursor = page["nextCursor"] ?? .null
        } while cursor != .null
        #expect(seen == 116)
        #expect(try sidecar.finish() == 0)
    }

    // MARK: Admin log and sites

    @Test func theAdminLogIsNewestFirstAndPagesWithItsCursor() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        _ = try sidecar.result("system.clock.set", ["now": "2026-01-01T00:00:00Z"])
        for name in ["one", "two", "three"] {
            _ = try sidecar.result("group.create", ["token": root, "name": .string(name)])
        }
        _ = try sidecar.result("system.clock.set", ["now": "2025-12-31T00:00:00Z"])
        _ = try sidecar.result("group.create", ["token": root, "name": "earlier"])

        let first = try sidecar.result("admin.log.list", ["token": root, "limit": 2])
        #expect(first["items"]?.arrayValue?.compactMap { $0["objectRepr"]?.stringValue } == ["three", "two"])
        #expect(first["items"]?[0]?["actionTime"] == "2026-01-01T00:00:00.000000Z")
        let cursor = try #require(first["nextCursor"]?.stringValue)
        let second = try sidecar.result("admin.log.list", ["token": root, "limit": 2, "cursor": .string(cursor)])
        #expect(second["items"]?.arrayValue?.compactMap { $0["objectRepr"]?.stringValue } == ["one", "earlier"])
        #expect(second["nextCursor"] == .null)
        #expect(try sidecar.result("admin.log.list", ["token": root, "userId": 999])["items"] == [])
        #expect(try sidecar.result("admin.log.list", ["token": root, "userId": 1])["items"]?.arrayValue?.count == 4)
        #expect(try sidecar.error("admin.log.list", ["token": root, "cursor": "garbage!"])["data"]?["reason"] == "invalid_cursor")
        #expect(try sidecar.finish() == 0)
    }

    @Test func sitesAreUpdatedWithUniqueDomains() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        #expect(try sidecar.result("site.list", ["token": root])["items"]?[0]?["domain"] == "example.com")
        let updated = try sidecar.result("site.update", ["token": root, "siteId": 1, "domain": "store.toba.ai", "name": "Toba Store"])
        #expect(updated["site"] == ["id": 1, "domain": "store.toba.ai", "name": "Toba Store"])
        #expect(updated["changed"] == ["domain", "name"])
        let second = try sidecar.result("site.create", ["token": root, "domain": "api.toba.ai", "name": "API"])
        let secondId = try #require(second["site"]?["id"])

        let taken = try sidecar.error("site.update", ["token": root, "siteId": secondId, "domain": "store.toba.ai"])
        #expect(taken["code"] == 1004)
        #expect(taken["data"]?["reason"] == "site_domain_taken")
        #expect(try sidecar.error("site.update", ["token": root, "siteId": 1, "domain": .string(String(repeating: "a", count: 101))])["data"]?["reason"] == "value_too_long")
        #expect(try sidecar.error("site.update", ["token": root, "siteId": 1, "name": .string(String(repeating: "n", count: 51))])["data"]?["reason"] == "value_too_long")
        #expect(try sidecar.error("site.update", ["token": root, "siteId": 1, "domain": "a b"])["data"]?["reason"] == "domain_invalid")
        #expect(try sidecar.error("site.update", ["token": root, "siteId": 9, "name": "x"])["code"] == 1003)
        #expect(try sidecar.result("site.update", ["token": root, "siteId": 1, "domain": "store.toba.ai"])["changed"] == [])
        let log = try sidecar.result("admin.log.list", ["token": root])
        #expect(log["items"]?.arrayValue?.count == 2)
        #expect(log["items"]?[1]?["changeMessage"] == [["changed": ["fields": ["domain", "name"]]]])
        #expect(try sidecar.finish() == 0)
    }

    // MARK: Parameters

    @Test func unknownAndMissingParametersAreInvalidParams() throws {
        let (sidecar, root) = try Sidecar.withAdmin()
        let unknown = try sidecar.error("group.list", ["token": root, "colour": "red"])
        #expect(unknown["code"] == -32602)
        #expect(unknown["data"]?["reason"] == "unknown")
        #expect(unknown["data"]?["field"] == "colour")
        let missing = try sidecar.error("admin.user.get", ["token": root])
        #expect(missing["code"] == -32602)
        #expect(missing["data"]?["reason"] == "missing")
        #expect(missing["data"]?["field"] == "userId")
        // §7: a missing token is Unauthenticated; a token of the wrong type is still Invalid params.
        let noToken = try sidecar.error("admin.user.list", [:])
        #expect(noToken["code"] == 1001)
        #expect(noToken["data"]?["reason"] == "invalid_token")
        let numberToken = try sidecar.error("admin.user.list", ["token": 42])
        #expect(numberToken["code"] == -32602)
        #expect(numberToken["data"]?["field"] == "token")
        let wrongType = try sidecar.error("admin.user.update", ["token": root, "userId": 1, "groupIds": ["admin"]])
        #expect(wrongType["data"]?["reason"] == "type")
        #expect(wrongType["data"]?["field"] == "groupIds")
        #expect(try sidecar.finish() == 0)
    }

    // MARK: Helpers

    private func id(_ value: Int64) -> JSONValue { .number(JSONNumber(value)) }

    /// The id of the permission `app_label.codename`, found through `permission.list`.
    private func permissionId(_ sidecar: Sidecar, _ token: JSONValue, _ dotted: String) throws -> JSONValue {
        let app = String(dotted.split(separator: ".")[0])
        let list = try sidecar.result("permission.list", ["token": token, "appLabel": .string(app), "limit": 500])
        return try #require(list["items"]?.arrayValue?.first { $0["permission"] == .string(dotted) }?["id"])
    }

    /// Creates a group holding `permissions` (dotted names); returns its id.
    private func createGroup(_ sidecar: Sidecar, _ token: JSONValue, _ name: String, permissions: [String]) throws -> JSONValue {
        let ids = try permissions.map { try permissionId(sidecar, token, $0) }
        let created = try sidecar.result("group.create", ["token": token, "name": .string(name), "permissionIds": .array(ids)])
        return try #require(created["group"]?["id"])
    }
}

import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// PROTOCOL.md §6 and §8.4: Django's `has_perm` (an active superuser holds every permission, an
/// inactive user none, anyone else their own permissions and their groups'), and the admin rule
/// built on it: an active staff user holding the method's permission.
@Suite struct AdminRuleTests {
    static var page: PageRequest { get throws { try PageRequest(limit: 500, cursor: nil) } }

    func hasPerm(_ t: TestDatabase, _ caller: TestDatabase.Caller, _ permission: String) throws -> Bool? {
        try t.call(as: caller) { user, db in try t.services.admin.hasPerm(db, user: user, permission: permission) }["allowed"]?.boolValue
    }

    @Test func aSuperuserHoldsEveryPermissionAndPassesTheRuleOfEveryAdminMethod() async throws {
        // Given the superuser and every permission of the catalogue
        let t = try await TestDatabase()
        let all = try t.write { db in try PermissionChecker.allPermissions(db, userId: t.root.id) }
        #expect(all.count == 116)
        // Then the admin rule lets them through for each permission a method requires (all of them in the catalogue),
        // and has_perm says yes to every permission of the catalogue, to unknown names too (as Django)
        #expect(Set(Permission.allCases.map(\.rawValue)).isSubset(of: all))
        for permission in Permission.allCases {
            #expect(throws: Never.self, "\(permission)") { try t.admin(permission) { _, _ in } }
        }
        for permission in all {
            #expect(try hasPerm(t, t.root, permission) == true, "\(permission)")
        }
        #expect(try hasPerm(t, t.root, "vouchers.add_invitation") == true)
        #expect(try hasPerm(t, t.root, "nonsense.unknown") == true)
        // And the admin reads answer
        let admin = t.services.admin
        let pages = try t.write { db in
            [try admin.listUsers(db, filter: Admin.UserFilter(query: nil, isActive: nil, isStaff: nil, groupId: nil), page: Self.page),
             try admin.listGroups(db, page: Self.page), try admin.listPermissions(db, appLabel: nil, page: Self.page),
             try admin.listLog(db, userId: nil, page: Self.page), try admin.listSites(db, page: Self.page)]
        }
        #expect(pages.allSatisfy { $0["items"]?.arrayValue != nil })
        #expect(try t.write { db in try admin.getUser(db, userId: t.root.id) }["user"]?["isSuperuser"] == true)
    }

    @Test func staffHoldingThePermissionThroughAGroupIsAllowedAndOtherwiseDenied() async throws {
        // Given a staff user in a group holding `users.view_user`
        let t = try await TestDatabase()
        let viewers = try t.group("viewers", permissions: [.usersViewUser])
        let staff = try t.user("staff@example.com")
        try t.update(staff.id, isStaff: true, groupIds: [viewers])
        // Then the user list is theirs
        let users = try t.admin(.usersViewUser, as: staff) { _, db in
            try t.services.admin.listUsers(db, filter: Admin.UserFilter(query: nil, isActive: nil, isStaff: nil, groupId: nil), page: Self.page)
        }
        #expect(users["items"]?.arrayValue?.count == 2)
        // And the group list is not, naming the permission
        let denied = #expect(throws: DomainError.self) { try t.admin(.authViewGroup, as: staff) { _, _ in } }
        #expect(denied == DomainError.permissionDenied("auth.view_group"))
        #expect(denied?.kind == .forbidden)
    }

    @Test func inactiveStaffIsRefusedAndHoldsNothing() async throws {
        // Given a staff user who used an admin method
        let t = try await TestDatabase()
        let staff = try t.user("staff@example.com")
        let viewers = try t.group("viewers", permissions: [.usersViewUser])
        try t.update(staff.id, isStaff: true, groupIds: [viewers])
        try t.admin(.usersViewUser, as: staff) { _, _ in }
        // When the superuser deactivates them
        try t.update(staff.id, isActive: false)
        // Then their session is revoked, a new login is refused, and has_perm grants them nothing
        #expect(#expect(throws: DomainError.self) { try t.admin(.usersViewUser, as: staff) { _, _ in } } == .sessionRevoked)
        #expect(#expect(throws: DomainError.self) { try t.login("staff@example.com") } == .accountInactive)
        #expect(try t.write { db in try PermissionChecker.hasPerm(db, userId: staff.id, permission: "users.view_user") } == false)
        #expect(try t.write { db in try PermissionChecker.allPermissions(db, userId: staff.id) }.isEmpty)
    }

    @Test func aNonStaffUserHoldingThePermissionIsDeniedAdminMethodsButHasPermSaysYes() async throws {
        // Given a plain user given `users.view_user` directly
        let t = try await TestDatabase()
        let user = try t.user("plain@example.com")
        try t.update(user.id, permissions: [.usersViewUser])
        // Then has_perm says yes, but the admin rule wants staff
        #expect(try hasPerm(t, user, "users.view_user") == true)
        let denied = #expect(throws: DomainError.self) { try t.admin(.usersViewUser, as: user) { _, _ in } }
        #expect(denied == DomainError.permissionDenied("users.view_user"))
    }

    @Test func ownPermissionsAndGroupPermissionsAreUnited() async throws {
        // Given a user holding `users.view_user` and, through a group, `auth.view_group`
        let t = try await TestDatabase()
        let user = try t.user("both@example.com")
        let groupViewers = try t.group("group viewers", permissions: [.authViewGroup])
        try t.update(user.id, groupIds: [groupViewers], permissions: [.usersViewUser])
        // Then has_perm grants both and nothing else; a name without a dot is nothing
        for (permission, allowed) in [("users.view_user", true), ("auth.view_group", true), ("auth.add_group", false), ("nonsense", false)] {
            #expect(try hasPerm(t, user, permission) == allowed, "\(permission)")
        }
        // And the admin's view of the user tells both apart
        let detail = try t.admin(.usersViewUser) { _, db in try t.services.admin.getUser(db, userId: user.id) }
        #expect(detail["permissions"] == ["auth.view_group", "users.view_user"])
        #expect(detail["userPermissions"]?[0]?["permission"] == "users.view_user")
        #expect(detail["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["group viewers"])
        #expect(detail["emails"]?[0]?["email"] == "both@example.com")
    }
}

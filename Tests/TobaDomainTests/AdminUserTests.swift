import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.4 users as an admin sees and changes them: the list's filters, the changes and their log,
/// and the rules that keep an admin from locking themselves out or raising anyone above their
/// own rights.
@Suite struct AdminUserTests {
    func change(_ t: TestDatabase, _ userId: Int64, as caller: TestDatabase.Caller? = nil, isActive: Bool? = nil, isStaff: Bool? = nil,
                isSuperuser: Bool? = nil, groupIds: [Int64]? = nil, permissionIds: [Int64]? = nil) throws -> JSONValue {
        let change = Admin.UserChange(isActive: isActive, isStaff: isStaff, isSuperuser: isSuperuser, groupIds: groupIds, permissionIds: permissionIds)
        return try t.admin(.usersChangeUser, as: caller) { admin, db in
            try t.services.admin.updateUser(db, admin: admin, userId: userId, change: change)
        }
    }

    @Test func deactivatingAUserRevokesTheirSessionsAndLogsTheChangeOnce() async throws {
        // Given a logged-in user
        let t = try await TestDatabase()
        let user = try t.user("leaving@example.com")
        // When the superuser deactivates them
        let updated = try change(t, user.id, isActive: false)
        // Then the user is inactive, their session revoked, and one change is logged as Django logs it
        #expect(updated["user"]?["isActive"] == false)
        #expect(updated["changed"] == ["is_active"])
        #expect(#expect(throws: DomainError.self) { try t.call(as: user) { _, _ in } } == .sessionRevoked)
        let log = try t.adminLog()
        #expect(log.count == 1)
        let entry = try #require(log.first)
        #expect(entry["actionFlag"] == 2)
        #expect(entry["objectId"] == .string(String(user.id)))
        #expect(entry["objectRepr"] == "leaving@example.com")
        #expect(entry["changeMessage"] == [["changed": ["fields": ["is_active"]]]])
        #expect(entry["appLabel"] == "users")
        #expect(entry["model"] == "user")

        // When the same values are given again (group trial is already theirs)
        let unchanged = try change(t, user.id, isActive: false, groupIds: [2])
        // Then nothing changed and nothing more is logged
        #expect(unchanged["changed"] == [])
        #expect(try t.adminLog().count == 1)
    }

    @Test func userListFiltersByTextFlagsAndGroup() async throws {
        // Given the superuser, Siti Nurhaliza and Budi
        let t = try await TestDatabase()
        try t.register("siti@example.com", lastName: "Nurhaliza")
        try t.register("budi@example.com")
        func list(_ filter: Admin.UserFilter, limit: Int? = nil, cursor: String? = nil) throws -> JSONValue {
            try t.admin(.usersViewUser) { _, db in
                try t.services.admin.listUsers(db, filter: filter, page: try PageRequest(limit: limit, cursor: cursor))
            }
        }
        func emails(query: String? = nil, isStaff: Bool? = nil, groupId: Int64? = nil) throws -> [String] {
            try list(Admin.UserFilter(query: query, isActive: nil, isStaff: isStaff, groupId: groupId))["items"]?
                .arrayValue?.compactMap { $0["email"]?.stringValue } ?? []
        }
        // Then text matches any case of email and names, and a LIKE wildcard is only a character
        #expect(try emails(query: "NURHAL") == ["siti@example.com"])
        #expect(try emails(query: "example").count == 3)
        #expect(try emails(query: "%") == [])
        #expect(try emails(query: String(repeating: "x", count: 255)) == [], "longer than anything searched")
        // And flags and groups filter
        #expect(try emails(isStaff: true) == ["admin@example.com"])
        #expect(try emails(groupId: 2) == ["siti@example.com", "budi@example.com"])
        // And the list pages
        let everyone = Admin.UserFilter(query: nil, isActive: nil, isStaff: nil, groupId: nil)
        let first = try list(everyone, limit: 2)
        let rest = try list(everyone, limit: 2, cursor: try #require(first["nextCursor"]?.stringValue))
        #expect(rest["items"]?[0]?["email"] == "budi@example.com")
        #expect(rest["nextCursor"] == .null)
        // And an unknown user is not found
        #expect(#expect(throws: DomainError.self) { try t.write { db in try t.services.admin.getUser(db, userId: 999) } }?.kind == .notFound)
    }

    @Test func unknownGroupOrPermissionIdsAreNotFoundAndChangeNothing() async throws {
        // Given a user
        let t = try await TestDatabase()
        let user = try t.user("someone@example.com")
        // When made staff in a group that does not exist, or given a permission that does not exist
        let group = #expect(throws: DomainError.self) { try change(t, user.id, isStaff: true, groupIds: [999]) }
        let permission = #expect(throws: DomainError.self) { try change(t, user.id, permissionIds: [99_999]) }
        // Then both are not found, naming what, and the user is not staff
        #expect(group?.kind == .notFound)
        #expect(group?.details["object"] == "group")
        #expect(permission?.kind == .notFound)
        #expect(try t.write { db in try t.services.admin.getUser(db, userId: user.id) }["user"]?["isStaff"] == false)
    }

    @Test func anAdminCannotLockThemselvesOutNorRaiseAnyoneAboveTheirOwnRights() async throws {
        // Given the superuser
        let t = try await TestDatabase()
        // Then they may neither deactivate nor demote themselves
        #expect(#expect(throws: DomainError.self) { try change(t, t.root.id, isActive: false) }
                == DomainError(.cannotDeactivateSelf, field: "isActive"))
        #expect(#expect(throws: DomainError.self) { try change(t, t.root.id, isSuperuser: false) }
                == DomainError(.cannotDemoteSelf, field: "isSuperuser"))

        // Given a staff editor holding `users.view_user` and `users.change_user`, and another user
        let editors = try t.group("editors", permissions: [.usersViewUser, .usersChangeUser])
        let staff = try t.user("staff@example.com")
        let other = try t.user("other@example.com")
        try t.update(staff.id, isStaff: true, groupIds: [editors])
        // Then the editor may not make a superuser, nor change one, nor join a group holding more
        let superuserRequired = DomainError(.superuserRequired)
        #expect(#expect(throws: DomainError.self) { try change(t, other.id, as: staff, isSuperuser: true) } == superuserRequired)
        #expect(#expect(throws: DomainError.self) { try change(t, t.root.id, as: staff, isStaff: true) } == superuserRequired)
        let escalate = #expect(throws: DomainError.self) { try change(t, staff.id, as: staff, groupIds: [editors, 1]) }
        #expect(escalate?.kind == .forbidden)
        #expect(escalate?.reason == .permissionDenied)
        // And may grant a permission they hold
        let granted = try change(t, other.id, as: staff, isStaff: true, permissionIds: [try t.permissionId(.usersViewUser)])
        #expect(granted["changed"] == ["is_staff", "user_permissions"])
    }
}

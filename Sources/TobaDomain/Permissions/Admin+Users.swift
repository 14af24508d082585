import Foundation
package import TobaRPC
package import TobaStore

extension Admin {
    /// `auth.hasPerm`: Django's `user.has_perm(permission)` for the caller. `{allowed}`.
    package func hasPerm(_ db: any SQLConnection, user: AuthUser, permission: String) throws -> JSONValue {
        ["allowed": .bool(try PermissionChecker.hasPerm(db, userId: user.id, permission: permission))]
    }

    package struct UserFilter: Sendable {
        package var query: String?
        package var isActive: Bool?
        package var isStaff: Bool?
        package var groupId: Int64?

        package init(query: String?, isActive: Bool?, isStaff: Bool?, groupId: Int64?) {
            self.query = query
            self.isActive = isActive
            self.isStaff = isStaff
            self.groupId = groupId
        }
    }

    /// The longest value `query` searches: an email (254; names are at most 150).
    static let longestSearched = 254

    /// `admin.user.list`: user records by id. `query` matches a substring of the email, first or
    /// last name, case-insensitively (ASCII letters, as Django's `icontains` on SQLite).
    package func listUsers(_ db: any SQLConnection, filter: UserFilter, page: PageRequest) throws -> JSONValue {
        try SubscriptionExpiry.apply(db, now: clock.now())
        var conditions: [String] = []
        var arguments: SQLArguments = []
        if let query = filter.query?.trimmingCharacters(in: .whitespacesAndNewlines), query.unicodeScalars.count > Self.longestSearched {
            // Longer than any value searched, it matches nothing; as a LIKE pattern (over
            // SQLite's 50,000-byte limit) it would not even run.
            conditions.append("FALSE")
        } else if let query = filter.query?.trimmingCharacters(in: .whitespacesAndNewlines), !query.isEmpty {
            let pattern = "%" + query.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            conditions.append(#"(UPPER(email) LIKE UPPER(?) ESCAPE '\' OR UPPER(first_name) LIKE UPPER(?) ESCAPE '\' OR UPPER(last_name) LIKE UPPER(?) ESCAPE '\')"#)
            arguments += [pattern, pattern, pattern]
        }
        if let isActive = filter.isActive {
            conditions.append("is_active = ?")
            arguments += [isActive]
        }
        if let isStaff = filter.isStaff {
            conditions.append("is_staff = ?")
            arguments += [isStaff]
        }
        if let groupId = filter.groupId {
            conditions.append("id IN (SELECT user_id FROM users_user_groups WHERE group_id = ?)")
            arguments += [groupId]
        }
        return try Page.fetch(db, table: Table.usersUser, page: page,
                              where: conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND "), arguments: arguments)
    }

    /// `admin.user.get`: `{user, profile, emails, groups, userPermissions, permissions}`:
    /// `userPermissions` are the permissions given to the user directly (records as in
    /// `permission.list`), `permissions` every permission `has_perm` grants (as in `user.me`).
    package func getUser(_ db: any SQLConnection, userId: Int64) throws -> JSONValue {
        try SubscriptionExpiry.apply(db, now: clock.now(), userId: userId)
        let user = try RecordJSON.user(db, id: userId)
        return [
            "user": user,
            "profile": try RecordJSON.profile(db, userId: userId),
            "emails": try Accounts.emailRecords(db, userId: userId),
            "groups": try groupRecords(db, userId: userId),
            "userPermissions": try directPermissions(db, userId: userId),
            "permissions": .array(try PermissionChecker.allPermissions(db, userId: userId).map(JSONValue.string)),
        ]
    }

    func directPermissions(_ db: any SQLConnection, userId: Int64) throws -> JSONValue {
        let types = try contentTypes(db)
        let records = try RecordJSON.fetchAll(db, table: Table.authPermission, sql: """
            SELECT p.* FROM auth_permission p JOIN users_user_user_permissions up ON up.permission_id = p.id
            WHERE up.user_id = ? ORDER BY p.id
            """, arguments: [userId])
        return .array(records.map { permissionRecord($0, types: types) })
    }

    package struct UserChange: Sendable {
        package var isActive: Bool?
        package var isStaff: Bool?
        package var isSuperuser: Bool?
        /// Replaces the user's groups when given.
        package var groupIds: [Int64]?
        /// Replaces the user's own permissions when given.
        package var permissionIds: [Int64]?

        package init(isActive: Bool?, isStaff: Bool?, isSuperuser: Bool?, groupIds: [Int64]?, permissionIds: [Int64]?) {
            self.isActive = isActive
            self.isStaff = isStaff
            self.isSuperuser = isSuperuser
            self.groupIds = groupIds
            self.permissionIds = permissionIds
        }
    }

    /// `admin.user.update` → `{user, groups, userPermissions, permissions, changed}`.
    ///
    /// Rules beyond Django's admin, so an admin can neither lock themselves out nor raise
    /// themselves or others above their own rights:
    /// - nobody deactivates themselves (`cannot_deactivate_self`) or drops their own staff or
    ///   superuser status (`cannot_demote_self`);
    /// - only a superuser changes `isSuperuser` or changes a superuser at all (`superuser_required`);
    /// - a non-superuser grants (directly or through a newly given group) only permissions they
    ///   hold themselves (`permission_denied` naming the first one they lack).
    /// Deactivating revokes every session of the user.
    package func updateUser(_ db: any SQLConnection, admin: AuthUser, userId: Int64, change: UserChange) throws -> JSONValue {
        guard let row = try StoredRow.fetchOne(db, sql: """
            SELECT email, is_active, is_staff, is_superuser FROM users_user WHERE id = ?
            """, arguments: [userId])
        else { throw DomainError.notFound("user") }
        if try row.read("is_superuser", as: Bool.self), !admin.isSuperuser { throw DomainError(.superuserRequired) }
        let groupIds = try change.groupIds.map { try existingIds(db, table: Table.authGroup, $0, what: "group") }
        let permissionIds = try change.permissionIds.map { try existingIds(db, table: Table.authPermission, $0, what: "permission") }
        let flags: [(column: String, field: String, wanted: Bool?)] = [
            ("is_active", "isActive", change.isActive),
            ("is_staff", "isStaff", change.isStaff),
            ("is_superuser", "isSuperuser", change.isSuperuser),
        ]
        let flagChanges = try flags.filter { try $0.wanted != nil && $0.wanted != row.read($0.column, as: Bool.self) }
        for flag in flagChanges {
            if userId == admin.id, flag.wanted == false {
                throw DomainError(flag.column == "is_active" ? .cannotDeactivateSelf : .cannotDemoteSelf, field: flag.field)
            }
            if flag.column == "is_superuser", !admin.isSuperuser { throw DomainError(.superuserRequired) }
        }
        try requireHeld(db, admin: admin, try newlyGranted(db, userId: userId, groupIds: groupIds, permissionIds: permissionIds))

        var changed = flagChanges.map(\.column)
        for flag in flagChanges {
            try db.execute(sql: "UPDATE users_user SET \"\(flag.column)\" = ? WHERE id = ?", arguments: [flag.wanted, userId])
        }
        if let groupIds, try replaceLinks(db, table: Table.usersUserGroups, owner: ("user_id", userId), target: "group_id", ids: groupIds) {
            changed.append("groups")
        }
        if let permissionIds,
           try replaceLinks(db, table: Table.usersUserUserPermissions, owner: ("user_id", userId), target: "permission_id", ids: permissionIds) {
            changed.append("user_permissions")
        }
        if change.isActive == false, changed.contains("is_active") {
            try sessions.revokeAll(db, userId: userId)
        }
        try AdminLog.write(db, userId: admin.id, model: ("users", "user"), objectId: String(userId), repr: try row.read("email"),
                           action: .change, changedFields: changed, at: clock.now())
        return [
            "user": try RecordJSON.user(db, id: userId),
            "groups": try groupRecords(db, userId: userId),
            "userPermissions": try directPermissions(db, userId: userId),
            "permissions": .array(try PermissionChecker.allPermissions(db, userId: userId).map(JSONValue.string)),
            "changed": .array(changed.map(JSONValue.string)),
        ]
    }

    /// The permissions the change newly gives `userId`, directly or through a new group.
    private func newlyGranted(_ db: any SQLConnection, userId: Int64, groupIds: [Int64]?, permissionIds: [Int64]?) throws -> [Int64] {
        var granted: [Int64] = []
        if let permissionIds {
            let current = Set(try Int64.fetchAll(db, sql: "SELECT permission_id FROM users_user_user_permissions WHERE user_id = ?",
                                                 arguments: [userId]))
            granted += permissionIds.filter { !current.contains($0) }
        }
        if let groupIds {
            let current = Set(try Int64.fetchAll(db, sql: "SELECT group_id FROM users_user_groups WHERE user_id = ?", arguments: [userId]))
            for group in groupIds where !current.contains(group) {
                granted += try Int64.fetchAll(db, sql: "SELECT permission_id FROM auth_group_permissions WHERE group_id = ?", arguments: [group])
            }
        }
        return granted
    }
}

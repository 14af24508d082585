import TobaRPC
package import TobaStore

/// Django's `has_perm` over the stored tables: an active superuser holds every permission; an
/// inactive user none; anyone else the permissions given to them plus those of their groups.
package enum PermissionChecker {
    /// `permission` is `app_label.codename`.
    package static func hasPerm(_ db: any SQLConnection, userId: Int64, permission: String) throws -> Bool {
        guard let user = try StoredRow.fetchOne(db, sql: "SELECT is_active, is_superuser FROM users_user WHERE id = ?", arguments: [userId]),
              try user.read("is_active", as: Bool.self)
        else { return false }
        if try user.read("is_superuser", as: Bool.self) { return true }
        let parts = permission.split(separator: ".", maxSplits: 1)
        guard parts.count == 2 else { return false }
        return try Bool.fetchOne(db, sql: """
            SELECT EXISTS (
                SELECT 1 FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
                WHERE ct.app_label = ? AND p.codename = ? AND (
                    p.id IN (SELECT permission_id FROM users_user_user_permissions WHERE user_id = ?)
                    OR p.id IN (SELECT gp.permission_id FROM auth_group_permissions gp
                                JOIN users_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = ?)))
            """, arguments: [String(parts[0]), String(parts[1]), userId, userId]) ?? false
    }

    /// Every permission the user holds, as sorted `app_label.codename` strings.
    package static func allPermissions(_ db: any SQLConnection, userId: Int64) throws -> [String] {
        guard let user = try StoredRow.fetchOne(db, sql: "SELECT is_active, is_superuser FROM users_user WHERE id = ?", arguments: [userId]),
              try user.read("is_active", as: Bool.self)
        else { return [] }
        let all = """
            SELECT ct.app_label || '.' || p.codename AS perm FROM auth_permission p
            JOIN django_content_type ct ON ct.id = p.content_type_id
            """
        if try user.read("is_superuser", as: Bool.self) {
            return try String.fetchAll(db, sql: all + " ORDER BY perm")
        }
        return try String.fetchAll(db, sql: all + """
             WHERE p.id IN (SELECT permission_id FROM users_user_user_permissions WHERE user_id = ?)
                OR p.id IN (SELECT gp.permission_id FROM auth_group_permissions gp
                            JOIN users_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = ?)
             ORDER BY perm
            """, arguments: [userId, userId])
    }

    /// The admin rule of PROTOCOL.md §6: an active staff user holding `permission`.
    /// - Throws: `permission_denied` (1002) naming the permission.
    package static func requireAdmin(_ db: any SQLConnection, _ user: AuthUser, _ permission: Permission) throws {
        guard user.isActive, user.isStaff, try hasPerm(db, userId: user.id, permission: permission.rawValue) else {
            throw DomainError.permissionDenied(permission.rawValue)
        }
    }
}

package import TobaRPC
package import TobaStore

extension Admin {
    /// `group.list`: groups by id, each with its `permissionIds`.
    package func listGroups(_ db: any SQLConnection, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.authGroup, page: page) { try groupRecord($0, db) }
    }

    /// `group.create` → `{group}`. Names are stripped, unique (`group_name_taken`), at most 150
    /// characters; a non-superuser gives the group only permissions they hold.
    package func createGroup(_ db: any SQLConnection, admin: AuthUser, name raw: String, permissionIds: [Int64]?) throws -> JSONValue {
        let name = try Validate.text(raw, max: 150, field: "name")
        try requireFreeGroupName(db, name, except: nil)
        let permissions = try existingIds(db, table: Table.authPermission, permissionIds ?? [], what: "permission")
        try requireHeld(db, admin: admin, permissions)
        try db.execute(sql: "INSERT INTO auth_group (name) VALUES (?)", arguments: [name])
        let id = db.lastInsertedRowID
        _ = try replaceLinks(db, table: Table.authGroupPermissions, owner: ("group_id", id), target: "permission_id", ids: permissions)
        try AdminLog.write(db, userId: admin.id, model: ("auth", "group"), objectId: String(id), repr: name,
                           action: .addition, at: clock.now())
        return ["group": try groupRecord(db, id: id)]
    }

    /// `group.update` → `{group, changed}`: renames it and/or replaces its permissions. The
    /// built-in groups `admin`, `trial` and `paid` keep their names (`group_builtin`): other
    /// domains find them by name.
    package func updateGroup(_ db: any SQLConnection, admin: AuthUser, groupId: Int64, name raw: String?, permissionIds: [Int64]?) throws -> JSONValue {
        guard let current = try String.fetchOne(db, sql: "SELECT name FROM auth_group WHERE id = ?", arguments: [groupId]) else {
            throw DomainError.notFound("group")
        }
        let name = try raw.map { try Validate.text($0, max: 150, field: "name") }
        let permissions = try permissionIds.map { try existingIds(db, table: Table.authPermission, $0, what: "permission") }
        var changed: [String] = []
        if let name, name != current {
            if BuiltinGroup(rawValue: current) != nil { throw DomainError(.groupBuiltin, field: "name") }
            try requireFreeGroupName(db, name, except: groupId)
            try db.execute(sql: "UPDATE auth_group SET name = ? WHERE id = ?", arguments: [name, groupId])
            changed.append("name")
        }
        if let permissions {
            let held = Set(try Int64.fetchAll(db, sql: "SELECT permission_id FROM auth_group_permissions WHERE group_id = ?",
                                              arguments: [groupId]))
            try requireHeld(db, admin: admin, permissions.filter { !held.contains($0) })
            if try replaceLinks(db, table: Table.authGroupPermissions, owner: ("group_id", groupId), target: "permission_id", ids: permissions) {
                changed.append("permissions")
            }
        }
        try AdminLog.write(db, userId: admin.id, model: ("auth", "group"), objectId: String(groupId), repr: name ?? current,
                           action: .change, changedFields: changed, at: clock.now())
        return ["group": try groupRecord(db, id: groupId), "changed": .array(changed.map(JSONValue.string))]
    }

    private func requireFreeGroupName(_ db: any SQLConnection, _ name: String, except id: Int64?) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM auth_group WHERE name = ? AND id IS DISTINCT FROM ?", arguments: [name, id]) == true {
            throw DomainError(.groupNameTaken, field: "name")
        }
    }

    /// `permission.list`: permissions by id, optionally of one app, each with `appLabel`,
    /// `model` and the dotted `permission` string.
    package func listPermissions(_ db: any SQLConnection, appLabel: String?, page: PageRequest) throws -> JSONValue {
        let types = try contentTypes(db)
        var condition = "TRUE"
        var arguments: SQLArguments = []
        if let appLabel {
            condition = "content_type_id IN (SELECT id FROM django_content_type WHERE app_label = ?)"
            arguments = [appLabel]
        }
        return try Page.fetch(db, table: Table.authPermission, page: page, where: condition, arguments: arguments) {
            permissionRecord($0, types: types)
        }
    }
}

import Foundation
import TobaRPC
import TobaStore

/// Permissions and the admin of §8.4: users' flags, groups and permissions, groups, the
/// permission catalogue, the admin log and sites. The admin rule itself (`Bind.admin`,
/// `PermissionChecker.requireAdmin`) runs before these; every change writes one
/// `django_admin_log` row naming the changed columns, and a call that changes nothing writes none.
package final class Admin: Sendable {
    let clock: ServiceClock
    let sessions: Sessions

    package init(clock: ServiceClock, sessions: Sessions) {
        self.clock = clock
        self.sessions = sessions
    }

    // MARK: Shared reads

    /// A group record with `permissionIds` (ascending).
    func groupRecord(_ record: JSONValue, _ db: any SQLConnection) throws -> JSONValue {
        guard var object = record.objectValue, let id = object["id"]?.int64Value else { return record }
        let ids = try Int64.fetchAll(db, sql: """
            SELECT permission_id FROM auth_group_permissions WHERE group_id = ? ORDER BY permission_id
            """, arguments: [id])
        object["permissionIds"] = .array(ids.map { .number(JSONNumber($0)) })
        return .object(object)
    }

    func groupRecord(_ db: any SQLConnection, id: Int64) throws -> JSONValue {
        let group = try RecordJSON.fetch(db, table: Table.authGroup, id: id, orNotFound: "group")
        return try groupRecord(group, db)
    }

    /// The groups of a user, by id, each with its `permissionIds`.
    func groupRecords(_ db: any SQLConnection, userId: Int64) throws -> JSONValue {
        let groups = try RecordJSON.fetchAll(db, table: Table.authGroup, sql: """
            SELECT g.* FROM auth_group g JOIN users_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = ? ORDER BY g.id
            """, arguments: [userId])
        return .array(try groups.map { try groupRecord($0, db) })
    }

    /// Content types by id: `(app_label, model)`.
    func contentTypes(_ db: any SQLConnection) throws -> [Int64: (appLabel: String, model: String)] {
        var types: [Int64: (appLabel: String, model: String)] = [:]
        for row in try StoredRow.fetchAll(db, sql: "SELECT id, app_label, model FROM django_content_type") {
            types[try row.read("id")] = (try row.read("app_label"), try row.read("model"))
        }
        return types
    }

    /// A permission record with its content type's `appLabel` and `model`, and the dotted
    /// `permission` string `has_perm` takes (`users.view_user`).
    func permissionRecord(_ record: JSONValue, types: [Int64: (appLabel: String, model: String)]) -> JSONValue {
        guard var object = record.objectValue, let typeId = object["contentTypeId"]?.int64Value,
              let type = types[typeId], let codename = object["codename"]?.stringValue
        else { return record }
        object["appLabel"] = .string(type.appLabel)
        object["model"] = .string(type.model)
        object["permission"] = .string(type.appLabel + "." + codename)
        return .object(object)
    }

    // MARK: Shared checks

    /// `ids` without repeats, ascending, once every one names a row of `table`.
    /// - Throws: Not found naming `what` for the first unknown id.
    func existingIds(_ db: any SQLConnection, table: String, _ ids: [Int64], what: String) throws -> [Int64] {
        let unique = Array(Set(ids)).sorted()
        for id in unique where try Bool.fetchOne(db, sql: "SELECT 1 FROM \"\(table)\" WHERE id = ?", arguments: [id]) != true {
            throw DomainError(.notFound, ["object": .string(what), "id": .number(JSONNumber(id))])
        }
        return unique
    }

    /// Replaces the rows of a link table (`owner` → `target`) with `ids`.
    /// - Returns: whether the set changed.
    func replaceLinks(_ db: any SQLConnection, table: String, owner: (column: String, id: Int64), target: String, ids: [Int64]) throws -> Bool {
        let current = Set(try Int64.fetchAll(db, sql: """
            SELECT "\(target)" FROM "\(table)" WHERE "\(owner.column)" = ?
            """, arguments: [owner.id]))
        let wanted = Set(ids)
        guard current != wanted else { return false }
        for id in current.subtracting(wanted) {
            try db.execute(sql: "DELETE FROM \"\(table)\" WHERE \"\(owner.column)\" = ? AND \"\(target)\" = ?", arguments: [owner.id, id])
        }
        for id in wanted.subtracting(current).sorted() {
            try db.execute(sql: "INSERT INTO \"\(table)\" (\"\(owner.column)\", \"\(target)\") VALUES (?, ?)", arguments: [owner.id, id])
        }
        return true
    }

    /// A non-superuser admin may give (to a user or a group) only permissions they hold
    /// themselves, so nobody raises anyone, themselves included, above their own rights.
    /// - Throws: `permission_denied` naming the first permission the admin lacks.
    func requireHeld(_ db: any SQLConnection, admin: AuthUser, _ granted: [Int64]) throws {
        guard !admin.isSuperuser, !granted.isEmpty else { return }
        let held = Set(try PermissionChecker.allPermissions(db, userId: admin.id))
        let types = try contentTypes(db)
        for id in Set(granted).sorted() {
            guard let row = try StoredRow.fetchOne(db, sql: "SELECT content_type_id, codename FROM auth_permission WHERE id = ?", arguments: [id]),
                  let type = types[try row.read("content_type_id")]
            else { continue }
            let name = type.appLabel + "." + (try row.read("codename", as: String.self))
            if !held.contains(name) { throw DomainError.permissionDenied(name) }
        }
    }
}

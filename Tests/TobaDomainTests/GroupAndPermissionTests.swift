import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.4 groups (stripped unique names, their permissions, the built-in ones keep their names)
/// and the permission catalogue.
@Suite struct GroupAndPermissionTests {
    @Test func groupsAreCreatedUpdatedAndListedWithTheirPermissions() async throws {
        // Given two permissions of the sites app
        let t = try await TestDatabase()
        let viewSite = try t.permissionId(.sitesViewSite)
        let changeSite = try t.permissionId(.sitesChangeSite)
        func create(_ name: String, _ ids: [Int64]? = nil) throws -> JSONValue {
            try t.admin(.authAddGroup) { admin, db in try t.services.admin.createGroup(db, admin: admin, name: name, permissionIds: ids) }
        }
        func update(_ id: Int64, name: String?, _ ids: [Int64]? = nil) throws -> JSONValue {
            try t.admin(.authChangeGroup) { admin, db in
                try t.services.admin.updateGroup(db, admin: admin, groupId: id, name: name, permissionIds: ids)
            }
        }
        // When a group is created with a padded name and a repeated permission
        let group = try #require(try create("  support ", [changeSite, viewSite, viewSite])["group"])
        // Then its name is stripped and its permissions listed once, ascending
        #expect(group["name"] == "support")
        #expect(group["permissionIds"] == .array([viewSite, changeSite].sorted().map { .number(JSONNumber($0)) }))
        let groupId = try t.id(group)

        // And names are unique, at most 150 characters, not blank; permissions must exist; built-in groups keep their names
        #expect(#expect(throws: DomainError.self) { try create("support") }?.reason == .groupNameTaken)
        #expect(#expect(throws: DomainError.self) { try create(String(repeating: "g", count: 151)) }?.reason == .valueTooLong)
        #expect(#expect(throws: DomainError.self) { try create("  ") }?.reason == .valueRequired)
        #expect(#expect(throws: DomainError.self) { try create("x", [99_999]) }?.kind == .notFound)
        #expect(#expect(throws: DomainError.self) { try update(groupId, name: "paid") }?.reason == .groupNameTaken)
        #expect(#expect(throws: DomainError.self) { try update(2, name: "trial users") }?.reason == .groupBuiltin)

        // When it is renamed and given one permission
        let updated = try update(groupId, name: "helpdesk", [viewSite])
        // Then both changed, and the log says so after the addition
        #expect(updated["group"]?["name"] == "helpdesk")
        #expect(updated["group"]?["permissionIds"] == [.number(JSONNumber(viewSite))])
        #expect(updated["changed"] == ["name", "permissions"])
        let list = try t.admin(.authViewGroup) { _, db in try t.services.admin.listGroups(db, page: PageRequest(limit: nil, cursor: nil)) }
        #expect(list["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["admin", "trial", "paid", "helpdesk"])
        #expect(list["items"]?[0]?["permissionIds"]?.arrayValue?.count == 116)
        let log = try t.adminLog()
        #expect(log[0]["changeMessage"] == [["changed": ["fields": ["name", "permissions"]]]])
        #expect(log[1]["changeMessage"] == [["added": [:]]])
        #expect(log[1]["actionFlag"] == 1)
    }

    @Test func permissionListFiltersByAppAndDescribesEachPermission() async throws {
        let t = try await TestDatabase()
        func list(app: String? = nil, limit: Int? = nil, cursor: String? = nil) throws -> JSONValue {
            try t.admin(.authViewPermission) { _, db in
                try t.services.admin.listPermissions(db, appLabel: app, page: try PageRequest(limit: limit, cursor: cursor))
            }
        }
        // Then one app's permissions come with their dotted name, name, model and content type
        let sites = try list(app: "sites")
        let items = try #require(sites["items"]?.arrayValue)
        #expect(items.compactMap { $0["permission"]?.stringValue } == ["sites.add_site", "sites.change_site", "sites.delete_site", "sites.view_site"])
        #expect(items[0]["name"] == "Can add site")
        #expect(items[0]["model"] == "site")
        #expect(items[0]["contentTypeId"]?.int64Value != nil)
        #expect(sites["nextCursor"] == .null)
        #expect(try list(app: "nope")["items"] == [])
        // And the whole catalogue, 116 permissions, is walked by its cursor
        var seen = 0
        var cursor: String?
        repeat {
            let page = try list(limit: 50, cursor: cursor)
            seen += page["items"]?.arrayValue?.count ?? 0
            cursor = page["nextCursor"]?.stringValue
        } while cursor != nil
        #expect(seen == 116)
    }
}

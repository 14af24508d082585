import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.4 the admin log (rows as Django's admin writes them, newest first) and sites (unique
/// domains without whitespace).
@Suite struct AdminLogAndSiteTests {
    func createGroup(_ t: TestDatabase, _ name: String) throws {
        _ = try t.admin(.authAddGroup) { admin, db in try t.services.admin.createGroup(db, admin: admin, name: name, permissionIds: nil) }
    }

    func log(_ t: TestDatabase, userId: Int64? = nil, limit: Int? = nil, cursor: String? = nil) throws -> JSONValue {
        try t.admin(.adminViewLogentry) { _, db in
            try t.services.admin.listLog(db, userId: userId, page: try PageRequest(limit: limit, cursor: cursor))
        }
    }

    @Test func theAdminLogIsNewestFirstAndPagesWithItsCursor() async throws {
        // Given three groups made on 2026-01-01 and one made a day earlier, afterwards
        let t = try await TestDatabase()
        t.clock.set(Timestamp(parsing: "2026-01-01T00:00:00Z")!)
        for name in ["one", "two", "three"] { try createGroup(t, name) }
        t.clock.set(Timestamp(parsing: "2025-12-31T00:00:00Z")!)
        try createGroup(t, "earlier")
        // Then the log is newest first by action time, then id, two to a page
        let first = try log(t, limit: 2)
        #expect(first["items"]?.arrayValue?.compactMap { $0["objectRepr"]?.stringValue } == ["three", "two"])
        #expect(first["items"]?[0]?["actionTime"] == "2026-01-01T00:00:00.000000Z")
        let second = try log(t, limit: 2, cursor: try #require(first["nextCursor"]?.stringValue))
        #expect(second["items"]?.arrayValue?.compactMap { $0["objectRepr"]?.stringValue } == ["one", "earlier"])
        #expect(second["nextCursor"] == .null)
        // And it filters by acting user; a cursor it did not make is refused
        #expect(try log(t, userId: 999)["items"] == [])
        #expect(try log(t, userId: t.root.id)["items"]?.arrayValue?.count == 4)
        #expect(#expect(throws: DomainError.self) { try log(t, cursor: "garbage!") } == DomainError(.invalidCursor, field: "cursor"))
    }

    @Test func changeMessagesAreStoredAsDjangoWritesThem() async throws {
        // Given a category created with a padded name and a user deactivated and made staff
        let t = try await TestDatabase()
        let user = try t.user("logged@example.com")
        _ = try t.admin(.usersAddCategory) { admin, db in try t.services.accounts.createCategory(db, admin: admin, name: "  Pelajar  ") }
        try t.update(user.id, isActive: false, isStaff: true)
        // Then the rows hold what Django's admin stores: Python's json.dumps spelling
        let rows = try t.write { db in
            try StoredRow.fetchAll(db, sql: "SELECT object_repr, action_flag, change_message FROM django_admin_log ORDER BY id")
        }
        #expect(try rows.map { try $0.read("object_repr", as: String.self) } == ["Pelajar", "logged@example.com"])
        #expect(try rows.map { try $0.read("action_flag", as: Int64.self) } == [1, 2])
        #expect(try rows.map { try $0.read("change_message", as: String.self) } == [
            #"[{"added": {}}]"#,
            #"[{"changed": {"fields": ["is_active", "is_staff"]}}]"#,
        ])
        // And non-ASCII is escaped as Python escapes it
        #expect(AdminLog.pythonJSON(["é", "👍"]) == #"["\u00e9", "\ud83d\udc4d"]"#)
    }

    @Test func sitesAreUpdatedWithUniqueDomains() async throws {
        let t = try await TestDatabase()
        func update(_ id: Int64, domain: String? = nil, name: String? = nil) throws -> JSONValue {
            try t.admin(.sitesChangeSite) { admin, db in try t.services.admin.updateSite(db, admin: admin, siteId: id, domain: domain, name: name) }
        }
        // Given the seeded site
        let sites = try t.admin(.sitesViewSite) { _, db in try t.services.admin.listSites(db, page: PageRequest(limit: nil, cursor: nil)) }
        #expect(sites["items"]?[0]?["domain"] == "example.com")
        // When it gets a domain and a name, and a second site is made
        let updated = try update(1, domain: "store.toba.ai", name: "Toba Store")
        let second = try t.admin(.sitesAddSite) { admin, db in try t.services.admin.createSite(db, admin: admin, domain: "api.toba.ai", name: "API") }
        // Then both changed
        #expect(updated["site"] == ["id": 1, "domain": "store.toba.ai", "name": "Toba Store"])
        #expect(updated["changed"] == ["domain", "name"])
        // And a domain is unique, at most 100 characters, without spaces; a name at most 50; the site must exist
        #expect(#expect(throws: DomainError.self) { try update(try t.id(second["site"]), domain: "store.toba.ai") }
                == DomainError(.siteDomainTaken, field: "domain"))
        #expect(#expect(throws: DomainError.self) { try update(1, domain: String(repeating: "a", count: 101)) }?.reason == .valueTooLong)
        #expect(#expect(throws: DomainError.self) { try update(1, name: String(repeating: "n", count: 51)) }?.reason == .valueTooLong)
        #expect(#expect(throws: DomainError.self) { try update(1, domain: "a b") }?.reason == .domainInvalid)
        #expect(#expect(throws: DomainError.self) { try update(9, name: "x") }?.kind == .notFound)
        // And giving the same domain again changes nothing; the log holds the change and the addition
        #expect(try update(1, domain: "store.toba.ai")["changed"] == [])
        let log = try t.adminLog()
        #expect(log.count == 2)
        #expect(log[1]["changeMessage"] == [["changed": ["fields": ["domain", "name"]]]])
    }
}

package import TobaRPC
package import TobaStore

extension Admin {
    /// `admin.log.list`: `django_admin_log` rows, newest first (`action_time`, then id), of one
    /// acting user or all. `changeMessage` is the JSON value stored (a legacy plain-text message
    /// stays a string); `appLabel` and `model` name the changed object's content type.
    package func listLog(_ db: any SQLConnection, userId: Int64?, page: PageRequest) throws -> JSONValue {
        let types = try contentTypes(db)
        return try Page.fetch(db, table: Table.djangoAdminLog, page: page, order: .newestFirst(column: "action_time"),
                              where: userId == nil ? "TRUE" : "user_id = ?", arguments: userId.map { [$0] } ?? []) { record in
            guard var entry = record.objectValue else { return record }
            if let text = entry["changeMessage"]?.stringValue, let parsed = try? JSONParser.parse(Array(text.utf8)) {
                entry["changeMessage"] = parsed
            }
            let type = entry["contentTypeId"]?.int64Value.flatMap { types[$0] }
            entry["appLabel"] = type.map { .string($0.appLabel) } ?? .null
            entry["model"] = type.map { .string($0.model) } ?? .null
            return .object(entry)
        }
    }

    /// `site.list`: sites by id.
    package func listSites(_ db: any SQLConnection, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.djangoSite, page: page)
    }

    /// `site.create` → `{site}` (not in §8.4, which has only list and update; social apps link to
    /// sites, so an admin needs a way to add one).
    package func createSite(_ db: any SQLConnection, admin: AuthUser, domain raw: String, name rawName: String) throws -> JSONValue {
        let domain = try cleanDomain(db, raw, siteId: nil)
        let name = try Validate.text(rawName, max: 50, field: "name")
        try db.execute(sql: "INSERT INTO django_site (domain, name) VALUES (?, ?)", arguments: [domain, name])
        let id = db.lastInsertedRowID
        try AdminLog.write(db, userId: admin.id, model: ("sites", "site"), objectId: String(id), repr: domain,
                           action: .addition, at: clock.now())
        return ["site": try RecordJSON.fetch(db, table: Table.djangoSite, id: id) ?? .null]
    }

    /// `site.update` → `{site, changed}`.
    package func updateSite(_ db: any SQLConnection, admin: AuthUser, siteId: Int64, domain raw: String?, name rawName: String?) throws -> JSONValue {
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT domain, name FROM django_site WHERE id = ?", arguments: [siteId]) else {
            throw DomainError.notFound("site")
        }
        let domain = try raw.map { try cleanDomain(db, $0, siteId: siteId) }
        let name = try rawName.map { try Validate.text($0, max: 50, field: "name") }
        var changed: [String] = []
        if let domain, try domain != row.read("domain", as: String.self) {
            try db.execute(sql: "UPDATE django_site SET domain = ? WHERE id = ?", arguments: [domain, siteId])
            changed.append("domain")
        }
        if let name, try name != row.read("name", as: String.self) {
            try db.execute(sql: "UPDATE django_site SET name = ? WHERE id = ?", arguments: [name, siteId])
            changed.append("name")
        }
        try AdminLog.write(db, userId: admin.id, model: ("sites", "site"), objectId: String(siteId), repr: try domain ?? row.read("domain"),
                           action: .change, changedFields: changed, at: clock.now())
        return ["site": try RecordJSON.fetch(db, table: Table.djangoSite, id: siteId) ?? .null, "changed": .array(changed.map(JSONValue.string))]
    }

    /// Django's site domain rules: at most 100 characters, no whitespace, unique (`site_domain_taken`).
    private func cleanDomain(_ db: any SQLConnection, _ raw: String, siteId: Int64?) throws -> String {
        let domain = try Validate.text(raw, max: 100, field: "domain")
        if domain.contains(where: \.isWhitespace) { throw DomainError(.domainInvalid, field: "domain") }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM django_site WHERE domain = ? AND id IS DISTINCT FROM ?", arguments: [domain, siteId]) == true {
            throw DomainError(.siteDomainTaken, field: "domain")
        }
        return domain
    }
}

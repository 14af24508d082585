package import TobaRPC
package import TobaStore

extension Landing {
    /// `landing.slide.create` (admin `landing.add_swiperslide`) → `{slide}`: a new slide with a
    /// new UUID. It shows on the landing page once `landing.arrange` places it.
    package func createSlide(_ db: any SQLConnection, admin: AuthUser, _ change: SlideChange) throws -> JSONValue {
        try Validate.nonBlank(change.texts["title"] ?? "", field: "title")
        var columns = try change.columns(defaults: true)
        try checkEventWindow(columns, stored: nil)
        let id = UUIDText.storage(UUIDText.random())!
        let now = clock.now()
        columns.set("id", id)
        columns.set("created_at", now)
        columns.set("updated_at", now)
        try columns.insert(db, into: Table.landingSwiperslide)
        try AdminLog.write(db, userId: admin.id, model: ("landing", "swiperslide"), objectId: UUIDText.dashed(id)!,
                           repr: change.texts["title"] ?? "", action: .addition, at: now)
        return ["slide": try slide(db, id: id)]
    }

    /// `landing.slide.update` (admin `landing.change_swiperslide`) → `{slide}`: writes the fields
    /// whose value differs from the stored one (then `updated_at` too) and logs their columns.
    package func updateSlide(_ db: any SQLConnection, admin: AuthUser, slideId: String, _ change: SlideChange) throws -> JSONValue {
        let id = try storedId(db, slideId)
        if let title = change.texts["title"] { try Validate.nonBlank(title, field: "title") }
        guard let stored = try StoredRow.fetchOne(db, sql: "SELECT * FROM landing_swiperslide WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("slide")
        }
        var changes = ColumnValues(changing: stored)
        changes.set(try change.columns(defaults: false))
        try checkEventWindow(changes, stored: stored)
        guard !changes.isEmpty else { return ["slide": try slide(db, id: id)] }
        let now = clock.now()
        try changes.updateLogged(db, table: Table.landingSwiperslide, id: id, extra: [("updated_at", now.sqlValue)],
                                 admin: admin, model: ("landing", "swiperslide"), objectId: UUIDText.dashed(id)!,
                                 repr: try change.texts["title"] ?? stored.read("title"), at: now)
        return ["slide": try slide(db, id: id)]
    }

    /// `landing.slide.delete` (admin `landing.delete_swiperslide`) → `{deleted: true, slideId}`;
    /// the slide's swiper entries go with it.
    package func deleteSlide(_ db: any SQLConnection, admin: AuthUser, slideId: String) throws -> JSONValue {
        let id = try storedId(db, slideId)
        let title = try String.fetchOne(db, sql: "SELECT title FROM landing_swiperslide WHERE id = ?", arguments: [id]) ?? ""
        try db.execute(sql: "DELETE FROM landing_swiper WHERE slide_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM landing_swiperslide WHERE id = ?", arguments: [id])
        try AdminLog.write(db, userId: admin.id, model: ("landing", "swiperslide"), objectId: UUIDText.dashed(id)!, repr: title,
                           action: .deletion, at: clock.now())
        return ["deleted": true, "slideId": .string(UUIDText.dashed(id)!)]
    }

    /// The stored (32 hex) id of an existing slide; Not found otherwise.
    private func storedId(_ db: any SQLConnection, _ slideId: String) throws -> String {
        guard let id = UUIDText.storage(slideId),
              try Bool.fetchOne(db, sql: "SELECT 1 FROM landing_swiperslide WHERE id = ?", arguments: [id]) == true
        else { throw DomainError.notFound("slide") }
        return id
    }

    private func slide(_ db: any SQLConnection, id: String) throws -> JSONValue {
        try RecordJSON.fetch(db, table: Table.landingSwiperslide, id: id, orNotFound: "slide")
    }

    /// An event may not end before it starts (`invalid_window`, field `eventEnd`).
    private func checkEventWindow(_ columns: ColumnValues, stored: StoredRow?) throws {
        func current(_ column: String) throws -> Timestamp? {
            if let given = columns.value(of: column) { return Timestamp.decode(given) }
            return try stored?.read(column, as: Timestamp?.self)
        }
        if let start = try current("event_start"), let end = try current("event_end"), end < start {
            throw DomainError(.invalidWindow, field: "eventEnd")
        }
    }
}

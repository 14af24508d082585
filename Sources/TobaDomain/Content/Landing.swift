package import TobaRPC
package import TobaStore

/// The landing page (§8.11): slides (`landing_swiperslide`, UUID ids) and the swiper
/// (`landing_swiper`), whose rows give the order in which slides show and whether they do.
package final class Landing: Sendable {
    let clock: ServiceClock

    package init(clock: ServiceClock) {
        self.clock = clock
    }

    /// `landing.list` → a page of the active slides with a shown swiper entry, in swiper
    /// `order`, each with its `order` (keyset pagination on the swiper's `order`).
    package func list(_ db: any SQLConnection, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.landingSwiper, page: page, order: .ascending(column: "order"), key: "order",
                       where: "is_show = TRUE AND slide_id IN (SELECT id FROM landing_swiperslide WHERE is_active = TRUE)") { entry in
            guard let entry = entry.objectValue, let id = entry["slideId"]?.stringValue.flatMap(UUIDText.storage),
                  var slide = try RecordJSON.fetch(db, table: Table.landingSwiperslide, id: id)?.objectValue
            else { throw DomainError.notFound("slide") }
            slide["order"] = entry["order"]
            return .object(slide)
        }
    }

    /// One entry of `landing.arrange`.
    package struct Placement: Sendable {
        package var slideId: String
        package var isShow: Bool

        package init(slideId: String, isShow: Bool) {
            self.slideId = slideId
            self.isShow = isShow
        }
    }

    /// `landing.arrange` (admin `landing.change_swiper`) → `{swiper}`: the swiper becomes one row
    /// per placement, `order` 1, 2, … following the array. Rows are compared by `order` (the
    /// swiper's primary key): an unchanged row is left alone, a changed one updated and logged
    /// as a change, a new one logged as an addition, a row beyond the new end deleted and logged.
    /// - Throws: Not found for an unknown slide; `duplicate_slide` (field `slides`) for a repeat.
    package func arrange(_ db: any SQLConnection, admin: AuthUser, _ placements: [Placement]) throws -> JSONValue {
        var wanted: [(slide: String, show: Bool)] = []
        for placement in placements {
            guard let id = UUIDText.storage(placement.slideId),
                  try Bool.fetchOne(db, sql: "SELECT 1 FROM landing_swiperslide WHERE id = ?", arguments: [id]) == true
            else { throw DomainError.notFound("slide") }
            guard !wanted.contains(where: { $0.slide == id }) else { throw DomainError(.duplicateSlide, field: "slides") }
            wanted.append((id, placement.isShow))
        }
        let now = clock.now()
        var stored: [Int64: (slide: String, show: Bool)] = [:]
        for row in try StoredRow.fetchAll(db, sql: "SELECT \"order\", is_show, slide_id FROM landing_swiper") {
            stored[try row.read("order")] = (try row.read("slide_id"), try row.read("is_show"))
        }
        func log(_ order: Int64, _ slide: String, _ action: AdminLog.Action, _ fields: [String] = []) throws {
            let title = try String.fetchOne(db, sql: "SELECT title FROM landing_swiperslide WHERE id = ?", arguments: [slide]) ?? ""
            try AdminLog.write(db, userId: admin.id, model: ("landing", "swiper"), objectId: String(order), repr: title,
                               action: action, changedFields: fields, at: now)
        }
        for (index, entry) in wanted.enumerated() {
            let order = Int64(index + 1)
            guard let old = stored.removeValue(forKey: order) else {
                try db.execute(sql: "INSERT INTO landing_swiper (\"order\", is_show, slide_id) VALUES (?, ?, ?)",
                               arguments: [order, entry.show, entry.slide])
                try log(order, entry.slide, .addition)
                continue
            }
            var fields: [String] = []
            if old.show != entry.show { fields.append("is_show") }
            if old.slide != entry.slide { fields.append("slide") }
            guard !fields.isEmpty else { continue }
            try db.execute(sql: "UPDATE landing_swiper SET is_show = ?, slide_id = ? WHERE \"order\" = ?",
                           arguments: [entry.show, entry.slide, order])
            try log(order, entry.slide, .change, fields)
        }
        for (order, old) in stored.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "DELETE FROM landing_swiper WHERE \"order\" = ?", arguments: [order])
            try log(order, old.slide, .deletion)
        }
        let swiper = try RecordJSON.fetchAll(db, table: Table.landingSwiper, sql: "SELECT * FROM landing_swiper ORDER BY \"order\"")
        return ["swiper": .array(swiper)]
    }
}

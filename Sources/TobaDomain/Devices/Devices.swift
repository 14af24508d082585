package import TobaRPC
package import TobaStore

/// Push-notification devices (§8.9): one APNS, one GCM and one WNS device per user, any number
/// of web-push devices. A registration id names one physical device or browser subscription, so
/// whoever registers it last owns it: registering an id another user holds moves it to the caller.
package final class Devices: Sendable {
    let clock: ServiceClock

    package init(clock: ServiceClock) {
        self.clock = clock
    }

    /// `device.register` → `{device}`. A known registration id of the same kind is updated (the
    /// values given, `active` always); for APNS, GCM and WNS a device with another id replaces
    /// the caller's previous one. A new web-push device needs `p256dh` and `auth`.
    package func register(_ db: any SQLConnection, user: AuthUser, _ registration: Registration) throws -> JSONValue {
        let checked = try Self.check(registration)
        let kind = checked.kind
        let table = kind.table
        let regId = checked.registrationId
        if kind.onePerUser {
            // The id now belongs to the caller: no other user's device of this kind keeps it.
            try db.execute(sql: "DELETE FROM \(table) WHERE registration_id = ? AND user_id IS DISTINCT FROM ?", arguments: [regId, user.id])
            if let mine = try StoredRow.fetchOne(db, sql: "SELECT id, registration_id FROM \(table) WHERE user_id = ?", arguments: [user.id]) {
                if try mine.read("registration_id", as: String.self) == regId {
                    return try update(db, kind: kind, id: try mine.read("id"), userId: user.id, checked.updateColumns)
                }
                try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [try mine.read("id", as: Int64.self)])
            }
        } else if let id = try Int64.fetchOne(db, sql: "SELECT id FROM \(table) WHERE registration_id = ?", arguments: [regId]) {
            return try update(db, kind: kind, id: id, userId: user.id, checked.updateColumns)
        }
        if let field = checked.missingForNewDevice { throw DomainError(.valueRequired, field: field) }
        var columns = checked.insertColumns
        columns.set("user_id", user.id)
        columns.set("date_created", clock.now())
        try columns.insert(db, into: table)
        return ["device": try record(db, kind: kind, id: db.lastInsertedRowID)]
    }

    private func update(_ db: any SQLConnection, kind: DeviceKind, id: Int64, userId: Int64, _ given: ColumnValues) throws -> JSONValue {
        var columns = given
        columns.set("user_id", userId)
        try columns.update(db, table: kind.table, id: id)
        return ["device": try record(db, kind: kind, id: id)]
    }

    /// `device.list` → a page of every device of the caller, by kind (apns, gcm, webpush, wns) then id.
    package func list(_ db: any SQLConnection, user: AuthUser, page: PageRequest) throws -> JSONValue {
        try devices(db, userId: user.id, activeOnly: false, page: page)
    }

    /// `device.unregister` → `{deleted: true, device}`. Not found unless the caller owns a device
    /// of that kind with that registration id.
    package func unregister(_ db: any SQLConnection, user: AuthUser, kind choice: String, registrationId: String) throws -> JSONValue {
        let kind = try DeviceKind(choice: choice)
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM \(kind.table) WHERE registration_id = ? AND user_id = ?",
                                          arguments: [registrationId, user.id])
        else { throw DomainError.notFound("device") }
        let device = try record(db, kind: kind, id: id)
        try db.execute(sql: "DELETE FROM \(kind.table) WHERE id = ?", arguments: [id])
        return ["deleted": true, "device": device]
    }

    /// `device.targets` (admin `push_notifications.view_gcmdevice`) → a page of the active devices
    /// of an active user, in the order of `device.list`. An inactive (deactivated or deleted) user
    /// is sent nothing, so has no targets.
    package func targets(_ db: any SQLConnection, userId: Int64, page: PageRequest) throws -> JSONValue {
        guard let active = try Bool.fetchOne(db, sql: "SELECT is_active FROM users_user WHERE id = ?", arguments: [userId]) else {
            throw DomainError.notFound("user")
        }
        return try devices(db, userId: userId, activeOnly: true, page: active ? page : nil)
    }

    /// `{items, nextCursor}` over the four device tables in kind order, then id: keyset
    /// pagination whose cursor is (rank of the kind, id). A nil page is an empty one.
    func devices(_ db: any SQLConnection, userId: Int64, activeOnly: Bool, page: PageRequest?) throws -> JSONValue {
        guard let page else { return ["items": [], "nextCursor": .null] }
        var after: (rank: Int, id: Int64)?
        if let cursor = page.cursor {
            guard let (rank, id) = Page.decode(cursor), let rank = Int.decode(rank), let id = Int64.decode(id) else {
                throw DomainError(.invalidCursor, field: "cursor")
            }
            after = (rank, id)
        }
        var found: [(rank: Int, id: Int64, record: JSONValue)] = []
        for (rank, kind) in DeviceKind.allCases.enumerated() where found.count <= page.limit && rank >= after?.rank ?? 0 {
            let afterId = after?.rank == rank ? after?.id : nil
            let rows = try StoredRow.fetchAll(db, sql: """
                SELECT * FROM \(kind.table) WHERE user_id = ? AND id > COALESCE(?, 0) \(activeOnly ? "AND active = TRUE" : "")
                ORDER BY id LIMIT \(page.limit + 1 - found.count)
                """, arguments: [userId, afterId])
            found += try rows.map { (rank, try $0.read("id"), Self.tagged(try RecordJSON.record($0, table: kind.table), kind)) }
        }
        let visible = found.prefix(page.limit)
        var next: JSONValue = .null
        if found.count > page.limit, let last = visible.last {
            next = .string(Page.encode(last.rank.sqlValue, last.id.sqlValue))
        }
        return ["items": .array(visible.map(\.record)), "nextCursor": next]
    }

    func record(_ db: any SQLConnection, kind: DeviceKind, id: Int64) throws -> JSONValue {
        let row = try RecordJSON.fetch(db, table: kind.table, id: id, orNotFound: "device")
        return Self.tagged(row, kind)
    }

    /// The record with its `kind`.
    static func tagged(_ record: JSONValue, _ kind: DeviceKind) -> JSONValue {
        var object = record.objectValue ?? JSONObject()
        object["kind"] = .string(kind.rawValue)
        return .object(object)
    }
}

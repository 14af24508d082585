import Foundation
package import TobaRPC
package import TobaStore

/// Invitation vouchers (§8.8, `vouchers_invitation`): the admin side. Claims are in
/// `Vouchers+Claim.swift`.
///
/// `code` is stored upper-cased and `code_l` lower-cased (unique), so codes match
/// case-insensitively; `name` is unique. `bound` limits the claims to `usage`; an unbound
/// voucher is unlimited (its `usage` is kept but not enforced). `user_id` names the user the
/// invitation belongs to (who hands it out); it does not restrict who may claim.
package final class Vouchers: Sendable {
    let clock: ServiceClock
    let settings: Settings
    let subscriptions: Subscriptions
    /// Unknown codes claimed per user (`rateLimits.unknownVoucherPerUser`).
    let limiter = RateLimiter()

    package init(clock: ServiceClock, settings: Settings, subscriptions: Subscriptions) {
        self.clock = clock
        self.settings = settings
        self.subscriptions = subscriptions
    }

    /// The columns an admin sets (`voucher.create`: all but `userId`/`isActive` required;
    /// `voucher.update`: only those given).
    package struct Input: Sendable {
        package var code: String?
        package var name: String?
        package var validFrom: Timestamp?
        package var validTo: Timestamp?
        package var bound: Bool?
        package var usage: Int64?
        package var userId: Patch<Int64>
        package var isActive: Bool?

        package init(code: String?, name: String?, validFrom: Timestamp?, validTo: Timestamp?, bound: Bool?, usage: Int64?,
                    userId: Patch<Int64>, isActive: Bool?) {
            self.code = code.map { $0.trimmingCharacters(in: .whitespaces) }
            self.name = name
            self.validFrom = validFrom
            self.validTo = validTo
            self.bound = bound
            self.usage = usage
            self.userId = userId
            self.isActive = isActive
        }

        func validate(_ db: any SQLConnection) throws {
            try InputRules.text(code, max: 64, field: "code", required: true)
            // Stored upper-cased (`code`) and lower-cased (`code_l`), which may be longer ("ß" → "SS").
            try Validate.length(code?.uppercased(), max: 64, field: "code")
            try Validate.length(code?.lowercased(), max: 64, field: "code")
            try InputRules.text(name, max: 225, field: "name", required: true)
            try InputRules.range(usage, 0...Int64(Int32.max), field: "usage")
            if let userId = userId.value,
               try Bool.fetchOne(db, sql: "SELECT 1 FROM users_user WHERE id = ?", arguments: [userId]) != true {
                throw DomainError.notFound("user")
            }
        }
    }

    /// `voucher.create` (admin `vouchers.add_invitation`): `{voucher}`.
    /// - Throws: `voucher_code_taken`, `voucher_name_taken` (1004); `invalid_window` (1000) unless validFrom < validTo.
    package func create(_ db: any SQLConnection, admin: AuthUser, _ input: Input) throws -> JSONValue {
        try input.validate(db)
        guard let code = input.code, let name = input.name, let from = input.validFrom, let to = input.validTo,
              let bound = input.bound, let usage = input.usage
        else { throw DomainError(.valueRequired, field: "code") }
        guard from < to else { throw DomainError(.invalidWindow, field: "validTo") }
        try checkUnique(db, code: code, name: name, except: nil)
        let now = clock.now()
        try db.execute(sql: """
            INSERT INTO vouchers_invitation (created_at, updated_at, code, code_l, valid_from, valid_to, bound, usage, is_active, name, user_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [now, now, code.uppercased(), code.lowercased(), from, to, bound, usage, input.isActive ?? true,
                             name, input.userId.value])
        let id = db.lastInsertedRowID
        try AdminLog.write(db, userId: admin.id, model: ("vouchers", "invitation"), objectId: String(id), repr: name,
                           action: .addition, at: now)
        return ["voucher": try voucher(db, id: id)]
    }

    /// `voucher.update` (admin `vouchers.change_invitation`): changes only the fields given
    /// (`userId: null` clears it). `{voucher}`.
    package func update(_ db: any SQLConnection, admin: AuthUser, voucherId: Int64, _ input: Input) throws -> JSONValue {
        try input.validate(db)
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT * FROM vouchers_invitation WHERE id = ?", arguments: [voucherId]) else {
            throw DomainError.notFound("voucher")
        }
        let from: Timestamp = try input.validFrom ?? row.read("valid_from")
        let to: Timestamp = try input.validTo ?? row.read("valid_to")
        guard from < to else {
            throw DomainError(.invalidWindow, field: input.validTo == nil ? "validFrom" : "validTo")
        }
        try checkUnique(db, code: input.code, name: input.name, except: voucherId)
        var changes = ColumnValues(changing: row)
        changes.set("code", input.code?.uppercased())
        changes.set("code_l", input.code?.lowercased())
        changes.set("name", input.name)
        changes.set("valid_from", input.validFrom)
        changes.set("valid_to", input.validTo)
        changes.set("bound", input.bound)
        changes.set("usage", input.usage)
        changes.set("is_active", input.isActive)
        switch input.userId {
        case .absent: break
        case .null: changes.set("user_id", SQLValue.null)
        case .value(let id): changes.set("user_id", id)
        }
        let now = clock.now()
        try changes.updateLogged(db, table: Table.vouchersInvitation, id: voucherId, extra: [("updated_at", now.sqlValue)],
                                 admin: admin, model: ("vouchers", "invitation"), objectId: String(voucherId),
                                 repr: try input.name ?? row.read("name"), at: now)
        return ["voucher": try voucher(db, id: voucherId)]
    }

    /// `voucher.list` (admin `vouchers.view_invitation`): vouchers by id, optionally only active
    /// or inactive ones, each with `claimed`.
    package func list(_ db: any SQLConnection, isActive: Bool?, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.vouchersInvitation, page: page, where: isActive == nil ? "TRUE" : "is_active = ?",
                       arguments: isActive.map { [$0] } ?? []) { record in try withClaimCount(db, record) }
    }

    /// The stored record plus `claimed`, the number of claims so far.
    func voucher(_ db: any SQLConnection, id: Int64) throws -> JSONValue {
        let record = try RecordJSON.fetch(db, table: Table.vouchersInvitation, id: id, orNotFound: "voucher")
        return try withClaimCount(db, record)
    }

    private func withClaimCount(_ db: any SQLConnection, _ record: JSONValue) throws -> JSONValue {
        guard var object = record.objectValue, let id = object["id"]?.int64Value else { return record }
        let count = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM vouchers_invitation_claimed WHERE voucher_id = ?", arguments: [id]) ?? 0
        object["claimed"] = .number(JSONNumber(count))
        return .object(object)
    }

    private func checkUnique(_ db: any SQLConnection, code: String?, name: String?, except: Int64?) throws {
        if let code, try Bool.fetchOne(db, sql: "SELECT 1 FROM vouchers_invitation WHERE code_l = ? AND id IS DISTINCT FROM ?",
                                       arguments: [code.lowercased(), except]) == true {
            throw DomainError(.voucherCodeTaken)
        }
        if let name, try Bool.fetchOne(db, sql: "SELECT 1 FROM vouchers_invitation WHERE name = ? AND id IS DISTINCT FROM ?",
                                       arguments: [name, except]) == true {
            throw DomainError(.voucherNameTaken)
        }
    }
}

import Foundation
package import TobaRPC
package import TobaStore

/// Claiming vouchers (`vouchers_invitation_claimed`) and what anyone may know of a voucher.
extension Vouchers {
    /// `voucher.claim`: `{claim, subscription}`. Checks, in this order: the code exists (Not
    /// found), the voucher is active (`voucher_inactive`), `validFrom ≤ now < validTo`
    /// (`voucher_not_yet_valid`, `voucher_expired`), the product (`product_required`,
    /// `product_inactive`), one claim per user (`already_claimed`), and for a bound voucher
    /// fewer than `usage` claims so far (`voucher_exhausted`).
    ///
    /// The usage limit is enforced by one conditional INSERT: the count and the insert happen in
    /// the same statement inside the writer's `BEGIN IMMEDIATE` transaction, which SQLite
    /// serializes across every process sharing the file, so concurrent claims never overshoot.
    ///
    /// Codes are guessed one claim at a time, so a user whose unknown codes passed
    /// `rateLimits.unknownVoucherPerUser` is refused (`rate_limited`) whatever the code, a valid
    /// one included: otherwise the answer would still tell which guesses exist.
    package func claim(_ db: any SQLConnection, user: AuthUser, code: String, productId: Int64?) throws -> JSONValue {
        let now = clock.now()
        let guessKey = "voucher-unknown:\(user.id)"
        try limiter.enforce(guessKey, limit: settings.unknownVoucherPerUser, now: now, record: false)
        guard let voucher = try StoredRow.fetchOne(db, sql: """
            SELECT id, is_active, valid_from, valid_to FROM vouchers_invitation WHERE code_l = ?
            """, arguments: [Self.lookupKey(code)]) else {
            limiter.recordFailure(guessKey, limit: settings.unknownVoucherPerUser, now: now)
            throw DomainError.notFound("voucher")
        }
        let voucherId: Int64 = try voucher.read("id")
        guard try voucher.read("is_active", as: Bool.self) else { throw DomainError(.voucherInactive) }
        guard try now >= voucher.read("valid_from", as: Timestamp.self) else { throw DomainError(.voucherNotYetValid) }
        guard try now < voucher.read("valid_to", as: Timestamp.self) else { throw DomainError(.voucherExpired) }
        let product = try Store.activeProduct(db, productId: productId)
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM vouchers_invitation_claimed WHERE voucher_id = ? AND user_id = ?",
                             arguments: [voucherId, user.id]) == true {
            throw DomainError(.alreadyClaimed)
        }
        try db.execute(sql: """
            INSERT INTO vouchers_invitation_claimed (redeemed, user_id, voucher_id)
            SELECT ?, ?, v.id FROM vouchers_invitation v
            WHERE v.id = ? AND (v.bound = FALSE OR (SELECT COUNT(*) FROM vouchers_invitation_claimed c WHERE c.voucher_id = v.id) < v.usage)
            """, arguments: [now, user.id, voucherId])
        guard db.changesCount == 1 else { throw DomainError(.voucherExhausted) }
        let claimId = db.lastInsertedRowID
        let grant = try subscriptions.grant(db, userId: user.id, productId: product, days: settings.voucherGrantDays)
        return [
            "claim": try RecordJSON.fetch(db, table: Table.vouchersInvitationClaimed, id: claimId) ?? .null,
            "subscription": grant.subscription,
        ]
    }

    /// `voucher.get` (public): `{code, isActive, validFrom, validTo, remaining}`; `remaining` is
    /// null for an unbound voucher. Codes match case-insensitively.
    package func publicInfo(_ db: any SQLConnection, code: String) throws -> JSONValue {
        guard let row = try StoredRow.fetchOne(db, sql: """
            SELECT v.code, v.is_active, v.valid_from, v.valid_to, v.bound, v.usage,
                   (SELECT COUNT(*) FROM vouchers_invitation_claimed c WHERE c.voucher_id = v.id) AS claimed
            FROM vouchers_invitation v WHERE v.code_l = ?
            """, arguments: [Self.lookupKey(code)]) else { throw DomainError.notFound("voucher") }
        let (usage, claimed): (Int64, Int64) = (try row.read("usage"), try row.read("claimed"))
        // `claimed` is a count (≥ 0), so the difference of a larger `usage` cannot overflow.
        let remaining: JSONValue = try row.read("bound", as: Bool.self) ? .number(JSONNumber(usage > claimed ? usage - claimed : 0)) : .null
        return [
            "code": .string(try row.read("code")), "isActive": .bool(try row.read("is_active")),
            "validFrom": .string(try row.read("valid_from", as: Timestamp.self).rfc3339), "validTo": .string(try row.read("valid_to", as: Timestamp.self).rfc3339),
            "remaining": remaining,
        ]
    }

    /// `voucher.claims` (admin `vouchers.view_invitationclaimed`): the voucher's claims by id.
    package func claims(_ db: any SQLConnection, voucherId: Int64, page: PageRequest) throws -> JSONValue {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM vouchers_invitation WHERE id = ?", arguments: [voucherId]) == true else {
            throw DomainError.notFound("voucher")
        }
        return try Page.fetch(db, table: Table.vouchersInvitationClaimed, page: page, where: "voucher_id = ?", arguments: [voucherId])
    }

    static func lookupKey(_ code: String) -> String {
        code.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

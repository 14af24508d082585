import Foundation
package import TobaRPC
package import TobaStore

/// The two ways a subscription's period grows, each writing one `subscriptions_history` row:
/// a paid renewal (`subscription.renew`, a settled payment) and a voucher grant.
///
/// `period_start` is the start of the uninterrupted access: kept while the subscription runs,
/// reset to now for a new or lapsed one. The history row records the added stretch
/// (`updated_period_start` … `updated_period_end`).
extension Subscriptions {
    /// `subscription.renew` (admin `subscriptions.change_subscription`): `{subscription, history}`.
    /// `pricePaid` defaults to the plan's price. With `idempotencyKey`, Stripe's rule (per admin).
    package func renew(_ db: any SQLConnection, admin: AuthUser, userId: Int64, planId: Int64, pricePaid: Int64?,
                      idempotencyKey: String?) throws -> JSONValue {
        let params: JSONValue = [
            "userId": .number(JSONNumber(userId)), "planId": .number(JSONNumber(planId)),
            "pricePaid": pricePaid.map { .number(JSONNumber($0)) } ?? .null,
        ]
        return try Idempotency.run(db, key: idempotencyKey, method: "subscription.renew", userId: admin.id,
                                   params: params, now: clock.now()) {
            try InputRules.range(pricePaid, 0...Int64(Int32.max), field: "pricePaid")
            guard let email = try String.fetchOne(db, sql: "SELECT email FROM users_user WHERE id = ?", arguments: [userId]) else {
                throw DomainError.notFound("user")
            }
            let plan = try Store.terms(db, planId: planId)
            let before = try StoredRow.fetchOne(db, sql: """
                SELECT * FROM subscriptions_subscription WHERE user_id = ? AND product_id = ?
                """, arguments: [userId, plan.productId])
            let result = try renew(db, userId: userId, plan: plan, pricePaid: pricePaid ?? plan.price, adminId: admin.id)
            let repr = "\(email) · \(plan.name)"
            if let before {
                let changed = ["period_start", "period_end", "status", "plan_id", "group_id"].filter { column in
                    (before[column] ?? .null) != (result.row[column] ?? .null)
                }
                try AdminLog.write(db, userId: admin.id, model: ("subscriptions", "subscription"), objectId: result.id,
                                   repr: repr, action: .change, changedFields: changed, at: clock.now())
            } else {
                try AdminLog.write(db, userId: admin.id, model: ("subscriptions", "subscription"), objectId: result.id,
                                   repr: repr, action: .addition, at: clock.now())
            }
            return ["subscription": result.subscription, "history": result.history]
        }
    }

    struct Renewal {
        /// The subscription id, dashed.
        let id: String
        let row: StoredRow
        let subscription: JSONValue
        let history: JSONValue
    }

    /// A paid renewal: `periodDays` more from `max(now, periodEnd)`, status `active`, the plan,
    /// group `paid` on the subscription and the user. `adminId` is nil for a settled payment.
    func renew(_ db: any SQLConnection, userId: Int64, plan: Store.PlanTerms, pricePaid: Int64, adminId: Int64?) throws -> Renewal {
        let now = clock.now()
        try SubscriptionExpiry.apply(db, now: now, userId: userId)
        let paid = try BuiltinGroup.paid.id(db)
        let current = try running(db, userId: userId, productId: plan.productId, now: now)
        let from = max(now, current?.periodEnd ?? now)
        let stretch = (start: from, end: from.adding(days: plan.periodDays))
        let id = try store(db, userId: userId, productId: plan.productId, now: now, periodStart: current?.periodStart ?? now,
                           periodEnd: stretch.end, status: .active, planId: plan.id, groupId: paid, keepsPlan: false)
        return try finish(db, id: id, userId: userId, stretch: stretch, pricePaid: pricePaid, adminId: adminId, groupId: paid, now: now)
    }

    /// A voucher grant of `days`: a running subscription is extended by that long (its status,
    /// plan and group stay); a new or lapsed one becomes a `trial` of that long (group `trial`,
    /// no plan). History row with `price_paid` 0.
    func grant(_ db: any SQLConnection, userId: Int64, productId: Int64, days: Int64) throws -> Renewal {
        let now = clock.now()
        try SubscriptionExpiry.apply(db, now: now, userId: userId)
        let id: String
        let stretch: (start: Timestamp, end: Timestamp)
        let groupId: Int64?
        if let current = try running(db, userId: userId, productId: productId, now: now) {
            stretch = (current.periodEnd, current.periodEnd.adding(days: days))
            groupId = current.groupId
            id = try store(db, userId: userId, productId: productId, now: now, periodStart: current.periodStart,
                           periodEnd: stretch.end, status: current.status, planId: nil, groupId: groupId, keepsPlan: true)
        } else {
            stretch = (now, now.adding(days: days))
            groupId = try BuiltinGroup.trial.id(db)
            id = try store(db, userId: userId, productId: productId, now: now, periodStart: now,
                           periodEnd: stretch.end, status: .trial, planId: nil, groupId: groupId, keepsPlan: false)
        }
        return try finish(db, id: id, userId: userId, stretch: stretch, pricePaid: 0, adminId: nil, groupId: groupId, now: now)
    }

    private struct Running {
        let periodStart: Timestamp
        let periodEnd: Timestamp
        let status: SubscriptionStatus
        let groupId: Int64?
    }

    /// The (user, product) subscription while it runs (expiry already applied), else nil.
    private func running(_ db: any SQLConnection, userId: Int64, productId: Int64, now: Timestamp) throws -> Running? {
        guard let row = try StoredRow.fetchOne(db, sql: """
            SELECT period_start, period_end, status, group_id FROM subscriptions_subscription
            WHERE user_id = ? AND product_id = ? AND status IN ('trial', 'active', 'canceled') AND period_end > ?
            """, arguments: [userId, productId, now]) else { return nil }
        return Running(periodStart: try row.read("period_start"), periodEnd: try row.read("period_end"), status: try row.read("status"), groupId: try row.read("group_id"))
    }

    /// Inserts or updates the one (user, product) row. Returns its id (dashed).
    private func store(_ db: any SQLConnection, userId: Int64, productId: Int64, now: Timestamp, periodStart: Timestamp,
                       periodEnd: Timestamp, status: SubscriptionStatus, planId: Int64?, groupId: Int64?, keepsPlan: Bool) throws -> String {
        let newId = UUIDText.random().replacingOccurrences(of: "-", with: "")
        try db.execute(sql: """
            INSERT INTO subscriptions_subscription
                (id, user_id, product_id, period_end, group_id, period_start, created_at, status, updated_at, plan_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id, product_id) DO UPDATE SET
                period_end = excluded.period_end, group_id = excluded.group_id, period_start = excluded.period_start,
                status = excluded.status, updated_at = excluded.updated_at,
                plan_id = CASE WHEN ? THEN subscriptions_subscription.plan_id ELSE excluded.plan_id END
            """, arguments: [newId, userId, productId, periodEnd, groupId, periodStart, now, status, now, planId, keepsPlan])
        let id = try String.fetchOne(db, sql: "SELECT id FROM subscriptions_subscription WHERE user_id = ? AND product_id = ?",
                                     arguments: [userId, productId]) ?? newId
        return UUIDText.dashed(id) ?? id
    }

    private func finish(_ db: any SQLConnection, id: String, userId: Int64, stretch: (start: Timestamp, end: Timestamp),
                        pricePaid: Int64, adminId: Int64?, groupId: Int64?, now: Timestamp) throws -> Renewal {
        try SubscriptionExpiry.settleGroups(db, userId: userId, now: now)
        try db.execute(sql: """
            INSERT INTO subscriptions_history
                (timestamp, price_paid, updated_period_start, updated_period_end, admin_id, updated_subscription_group_id, user_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [now, pricePaid, stretch.start, stretch.end, adminId, groupId, userId])
        let historyId = db.lastInsertedRowID
        let key = UUIDText.storage(id) ?? id
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT * FROM subscriptions_subscription WHERE id = ?", arguments: [key]) else {
            throw DomainError.notFound("subscription")
        }
        return Renewal(id: id, row: row, subscription: try RecordJSON.record(row, table: Table.subscriptionsSubscription),
                       history: try RecordJSON.fetch(db, table: Table.subscriptionsHistory, id: historyId) ?? .null)
    }
}

package import TobaStore

/// The expiry rule of §8.6, applied on every read that shows subscriptions or groups and by the
/// periodic sweep: a `trial`/`active`/`canceled` subscription past `period_end` is stored as
/// `expired`, and a user with no running paid subscription leaves group `paid` for `trial`.
///
/// A subscription is *running* while its status is `trial`, `active` or `canceled` and
/// `period_end` lies ahead. It is *paid* when its status is `active`, or `canceled` after having
/// been paid (its `group_id` is not `trial`: a canceled voucher trial stays a trial).
package enum SubscriptionExpiry {
    /// - Parameter userId: only this user's subscriptions, or all when nil.
    /// - Returns: the number of subscriptions that expired now.
    @discardableResult
    package static func apply(_ db: any SQLConnection, now: Timestamp, userId: Int64? = nil) throws -> Int {
        let scope = userId == nil ? "" : " AND user_id = ?"
        let args: SQLArguments = userId.map { [$0] } ?? []
        // Only user ids that are integers: another program's text there would read as 0 and
        // make `settleGroups` write a membership of a user who does not exist.
        let affected = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT user_id FROM subscriptions_subscription
            WHERE status IN ('trial', 'active', 'canceled') AND period_end IS NOT NULL AND period_end <= ?\(scope)
                AND CAST(user_id AS INTEGER) = user_id
            """, arguments: [now] + args)
        guard !affected.isEmpty else { return 0 }
        try db.execute(sql: """
            UPDATE subscriptions_subscription SET status = 'expired', updated_at = ?
            WHERE status IN ('trial', 'active', 'canceled') AND period_end IS NOT NULL AND period_end <= ?\(scope)
            """, arguments: [now, now] + args)
        let expired = db.changesCount
        for user in affected { try settleGroups(db, userId: user, now: now) }
        return expired
    }

    /// The user's groups follow their subscriptions: in `paid` (and out of `trial`) while a paid
    /// subscription runs; otherwise in `trial` (and out of `paid`). Other groups are left alone.
    package static func settleGroups(_ db: any SQLConnection, userId: Int64, now: Timestamp) throws {
        let paid = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM subscriptions_subscription
                           WHERE user_id = ? AND period_end > ? AND (status = 'active'
                              OR (status = 'canceled' AND group_id IS DISTINCT FROM (SELECT id FROM auth_group WHERE name = 'trial'))))
            """, arguments: [userId, now]) ?? false
        let (join, leave): (BuiltinGroup, BuiltinGroup) = paid ? (.paid, .trial) : (.trial, .paid)
        try db.execute(sql: """
            DELETE FROM users_user_groups WHERE user_id = ? AND group_id = (SELECT id FROM auth_group WHERE name = ?)
            """, arguments: [userId, leave])
        try db.execute(sql: """
            INSERT INTO users_user_groups (user_id, group_id) SELECT ?, id FROM auth_group WHERE name = ?
            ON CONFLICT DO NOTHING
            """, arguments: [userId, join])
    }
}

package import TobaRPC
package import TobaStore

/// Subscriptions (§8.6): one per (user, product), with their history. Renewals and voucher
/// grants are in `Subscriptions+Renewal.swift`. Every read applies the expiry rule first
/// (`SubscriptionExpiry`), so no answer shows a stale status.
package final class Subscriptions: Sendable {
    let clock: ServiceClock

    package init(clock: ServiceClock) {
        self.clock = clock
    }

    /// `subscription.get`: `{subscriptions: [...]}`, the caller's, oldest first, optionally of one product.
    package func mine(_ db: any SQLConnection, user: AuthUser, productId: Int64?) throws -> JSONValue {
        try SubscriptionExpiry.apply(db, now: clock.now(), userId: user.id)
        let filter = productId == nil ? "" : " AND product_id = ?"
        let items = try RecordJSON.fetchAll(db, table: Table.subscriptionsSubscription, sql: """
            SELECT * FROM subscriptions_subscription WHERE user_id = ?\(filter) ORDER BY created_at, id
            """, arguments: [user.id] + (productId.map { [$0] } ?? []))
        return ["subscriptions": .array(items)]
    }

    /// `subscription.cancel`: the caller's running subscription of `productId` becomes
    /// `canceled`; access (and group `paid`, when it was paid) lasts until `periodEnd`.
    /// Canceling a canceled subscription again changes nothing. `{subscription}`.
    package func cancel(_ db: any SQLConnection, user: AuthUser, productId: Int64) throws -> JSONValue {
        let now = clock.now()
        try SubscriptionExpiry.apply(db, now: now, userId: user.id)
        guard let row = try StoredRow.fetchOne(db, sql: """
            SELECT id, status FROM subscriptions_subscription WHERE user_id = ? AND product_id = ?
            """, arguments: [user.id, productId]) else { throw DomainError.notFound("subscription") }
        let id: String = try row.read("id")
        // A status another program stored that this service does not know is cancelled too.
        switch SubscriptionStatus(rawValue: try row.read("status")) {
        case .expired:
            throw DomainError(.subscriptionExpired)
        case .canceled:
            break
        case .trial, .active, nil:
            try db.execute(sql: "UPDATE subscriptions_subscription SET status = 'canceled', updated_at = ? WHERE id = ?",
                           arguments: [now, id])
        }
        return ["subscription": try subscription(db, id: id)]
    }

    /// `subscription.history`: the history rows of `userId` (the caller when nil), newest first.
    /// Another user's history needs admin `subscriptions.view_history`.
    package func history(_ db: any SQLConnection, user: AuthUser, userId: Int64?, page: PageRequest) throws -> JSONValue {
        let target = userId ?? user.id
        if target != user.id {
            try PermissionChecker.requireAdmin(db, user, .subscriptionsViewHistory)
        }
        return try Page.fetch(db, table: Table.subscriptionsHistory, page: page, order: .newestFirst(column: "timestamp"),
                              where: "user_id = ?", arguments: [target])
    }

    func subscription(_ db: any SQLConnection, id: String) throws -> JSONValue {
        try RecordJSON.fetch(db, table: Table.subscriptionsSubscription, id: id, orNotFound: "subscription")
    }
}

package import TobaRPC
package import TobaStore

/// Payments (§8.7, `payments_product`): one row per order sent to Midtrans. The gateway's
/// notifications are handled in `Payments+Notify.swift`.
package final class Payments: Sendable {
    let clock: ServiceClock
    let settings: Settings
    let subscriptions: Subscriptions

    package init(clock: ServiceClock, settings: Settings, subscriptions: Subscriptions) {
        self.clock = clock
        self.settings = settings
        self.subscriptions = subscriptions
    }

    /// `payment.create`: a pending payment for `planId` (its product must be active). Its id is
    /// the order id for the gateway. `{payment}`; with `idempotencyKey`, Stripe's rule (per user).
    package func create(_ db: any SQLConnection, user: AuthUser, planId: Int64, idempotencyKey: String?) throws -> JSONValue {
        let now = clock.now()
        return try Idempotency.run(db, key: idempotencyKey, method: "payment.create", userId: user.id,
                                   params: ["planId": .number(JSONNumber(planId))], now: now) {
            let plan = try Store.terms(db, planId: planId)
            _ = try Store.activeProduct(db, productId: plan.productId)
            let orderId = UUIDText.random()
            let details: JSONValue = [
                "orderId": .string(orderId), "grossAmount": .number(JSONNumber(plan.price)),
                "currency": "IDR", "planId": .number(JSONNumber(plan.id)),
            ]
            try db.execute(sql: """
                INSERT INTO payments_product
                    (id, transaction_status, transaction_details, created_at, updated_at, subscription_plan_id, user_id, deleted_at)
                VALUES (?, 'pending', ?, ?, ?, ?, ?, NULL)
                """, arguments: [UUIDText.storage(orderId) ?? orderId, details.databaseText, now, now, plan.id, user.id])
            return ["payment": try payment(db, id: orderId)]
        }
    }

    /// `payment.list`: payments not deleted, newest first. A caller holding admin
    /// `payments.view_product` sees every user's (only `userId`'s when given); anyone else sees
    /// their own (another `userId`: Forbidden).
    package func list(_ db: any SQLConnection, user: AuthUser, userId: Int64?, page: PageRequest) throws -> JSONValue {
        let target: Int64?
        if try Self.viewsAll(db, user) {
            target = userId
        } else {
            if let userId, userId != user.id { try PermissionChecker.requireAdmin(db, user, .paymentsViewProduct) }
            target = user.id
        }
        return try Page.fetch(db, table: Table.paymentsProduct, page: page, order: .newestFirst(column: "created_at"),
                              where: target == nil ? "deleted_at IS NULL" : "user_id = ? AND deleted_at IS NULL",
                              arguments: target.map { [$0] } ?? [], transform: Self.shown)
    }

    /// `payment.get`: `{payment}`. The owner sees their payments not deleted; an admin with
    /// `payments.view_product` sees any, deleted ones included. Anyone else: Not found.
    package func get(_ db: any SQLConnection, user: AuthUser, paymentId: String) throws -> JSONValue {
        guard let key = UUIDText.storage(paymentId),
              let row = try StoredRow.fetchOne(db, sql: "SELECT user_id, deleted_at FROM payments_product WHERE id = ?", arguments: [key])
        else { throw DomainError.notFound("payment") }
        let own = try row.read("user_id", as: Int64.self) == user.id && row.read("deleted_at", as: SQLValue.self).isNull
        guard try own || Self.viewsAll(db, user) else { throw DomainError.notFound("payment") }
        return ["payment": try payment(db, id: paymentId)]
    }

    /// Whether `user` passes the admin rule for `payments.view_product` (sees every user's payments).
    static func viewsAll(_ db: any SQLConnection, _ user: AuthUser) throws -> Bool {
        do {
            try PermissionChecker.requireAdmin(db, user, .paymentsViewProduct)
            return true
        } catch let error as DomainError where error.kind == .forbidden {
            return false
        }
    }

    /// `payment.delete` (admin `payments.delete_product`): a soft delete (`deleted_at` set; the
    /// row stays for accounting but leaves every list). Deleting again changes nothing. `{payment}`.
    package func delete(_ db: any SQLConnection, admin: AuthUser, paymentId: String) throws -> JSONValue {
        guard let key = UUIDText.storage(paymentId),
              let row = try StoredRow.fetchOne(db, sql: "SELECT deleted_at FROM payments_product WHERE id = ?", arguments: [key])
        else { throw DomainError.notFound("payment") }
        if try row.read("deleted_at", as: SQLValue.self).isNull {
            let now = clock.now()
            try db.execute(sql: "UPDATE payments_product SET deleted_at = ?, updated_at = ? WHERE id = ?", arguments: [now, now, key])
            try AdminLog.write(db, userId: admin.id, model: ("payments", "product"), objectId: UUIDText.dashed(key) ?? paymentId,
                               repr: UUIDText.dashed(key) ?? paymentId, action: .deletion, at: now)
        }
        return ["payment": try payment(db, id: paymentId)]
    }

    func payment(_ db: any SQLConnection, id: String) throws -> JSONValue {
        guard let key = UUIDText.storage(id), let record = try RecordJSON.fetch(db, table: Table.paymentsProduct, id: key) else {
            throw DomainError.notFound("payment")
        }
        return Self.shown(record)
    }

    /// The record as its owner may see it: without a notification's `signature_key`, which
    /// older releases merged into `transaction_details` too.
    static func shown(_ record: JSONValue) -> JSONValue {
        guard var object = record.objectValue, var details = object["transactionDetails"]?.objectValue else { return record }
        for name in secretDetails { details[name] = nil }
        object["transactionDetails"] = .object(details)
        return .object(object)
    }
}

package import TobaRPC
package import TobaStore

/// `payment.notify`: the gateway's notification, forwarded by the parent (no token: the
/// signature is the authentication).
extension Payments {
    /// Keys of `transaction_details` this service owns; a notification never overwrites them.
    static let ownDetails: Set<String> = ["orderId", "grossAmount", "currency", "planId", "renewedAt", "historyId"]
    /// Keys of a notification never stored: the payment's owner reads `transaction_details`.
    static let secretDetails: Set<String> = ["signature_key"]

    /// Checks what needs no stored state (run while preparing, concurrently).
    /// - Throws: `not_configured` (1007) until `payments.serverKey` is set; `invalid_signature`
    ///   (1001) for a bad signature, or a `transaction_status` that disagrees with the signed
    ///   `status_code` (`MidtransNotification.isConsistent`).
    package func verify(_ notification: MidtransNotification) throws {
        guard let serverKey = settings.paymentServerKey else { throw DomainError(.notConfigured) }
        guard notification.hasValidSignature(serverKey: serverKey), notification.isConsistent else {
            throw DomainError(.invalidSignature)
        }
    }

    /// Applies a verified notification, in order: `{payment, applied, renewed}`.
    /// - `applied` false: the transition is not allowed (`PaymentStatus`); nothing changed, and the
    ///   gateway may still be told "OK" so that it stops retrying.
    /// - `renewed` true: this notification was the first to bring the money in and renewed the
    ///   subscription (§8.6, no admin, `price_paid` = the gross amount). It happens once per payment.
    /// - Throws: Not found for an unknown order or a soft-deleted payment (which renews nothing);
    ///   `amount_mismatch` (1004) when `gross_amount` differs from the payment's amount.
    package func notify(_ db: any SQLConnection, _ notification: MidtransNotification) throws -> JSONValue {
        try verify(notification)
        guard let key = UUIDText.storage(notification.orderId),
              let row = try StoredRow.fetchOne(db, sql: """
                SELECT transaction_status, transaction_details, subscription_plan_id, user_id, deleted_at FROM payments_product WHERE id = ?
                """, arguments: [key]),
              try row.read("deleted_at", as: SQLValue.self).isNull
        else { throw DomainError.notFound("payment") }
        let detailsText: String = try row.read("transaction_details")
        guard var details = (try? JSONParser.parse(Array(detailsText.utf8)))?.objectValue else {
            throw StoredValueError(table: Table.paymentsProduct, column: "transaction_details", expected: "a JSON object")
        }
        guard let amount = details["grossAmount"]?.int64Value, notification.wholeAmount == amount else {
            throw DomainError(.amountMismatch)
        }
        let current = PaymentStatus(rawValue: try row.read("transaction_status"))
        let alreadyRenewed = details["renewedAt"] != nil
        guard let next = notification.status, PaymentStatus.accepts(from: current, to: next, renewed: alreadyRenewed) else {
            return ["payment": try payment(db, id: key), "applied": false, "renewed": false]
        }
        let now = clock.now()
        for (name, value) in notification.body where !Self.ownDetails.contains(name) {
            details[name] = value
        }
        for name in Self.secretDetails {
            details[name] = nil
        }
        var renewed = false
        if notification.isPaid && !alreadyRenewed {
            let plan = try Store.terms(db, planId: try row.read("subscription_plan_id"))
            let renewal = try subscriptions.renew(db, userId: try row.read("user_id"), plan: plan, pricePaid: amount, adminId: nil)
            details["renewedAt"] = .string(now.rfc3339)
            details["historyId"] = renewal.history.objectValue?["id"] ?? .null
            renewed = true
        }
        try db.execute(sql: """
            UPDATE payments_product SET transaction_status = ?, transaction_details = ?, updated_at = ? WHERE id = ?
            """, arguments: [next, JSONValue.object(details).databaseText, now, key])
        return ["payment": try payment(db, id: key), "applied": true, "renewed": .bool(renewed)]
    }
}

import Crypto
import TobaRPC
import TobaStore
@testable import TobaDomain

/// Payments and the gateway's notifications, signed the way Midtrans signs them.
extension TestDatabase {
    /// `payment.create` by `caller`: `{payment}`.
    @discardableResult
    func createPayment(as caller: Caller, plan: Int64, key: String? = nil) throws -> JSONValue {
        try call(as: caller) { user, db in try services.payments.create(db, user: user, planId: plan, idempotencyKey: key) }
    }

    /// `payment.get` by `caller`: the payment.
    func payment(_ id: JSONValue?, as caller: Caller) throws -> JSONValue? {
        try call(as: caller) { user, db in try services.payments.get(db, user: user, paymentId: id?.stringValue ?? "") }["payment"]
    }

    /// `payment.list` by `caller`: the ids listed.
    func paymentIds(as caller: Caller, userId: Int64? = nil) throws -> [JSONValue] {
        let page = try call(as: caller) { user, db in
            try services.payments.list(db, user: user, userId: userId, page: PageRequest(limit: nil, cursor: nil))
        }
        return page["items"]?.arrayValue?.compactMap { $0["id"] } ?? []
    }

    /// The `status_code` Midtrans sends with `status` (PROTOCOL.md §8.7); 200 for a status it does not list.
    static func statusCode(for status: String) -> String {
        switch status {
        case "pending", "authorize": "201"
        case "deny", "cancel", "expire", "failure": "202"
        default: "200"
        }
    }

    /// A notification as Midtrans sends it, signed with `key`; `statusCode` defaults to the one
    /// Midtrans sends with `status`.
    static func notification(orderId: String, status: String, gross: String = "100000.00", statusCode: String? = nil,
                             fraud: String? = nil, key: String = serverKey) throws -> MidtransNotification {
        let statusCode = statusCode ?? Self.statusCode(for: status)
        let signature = HexDigest.string(SHA512.hash(data: Array((orderId + statusCode + gross + key).utf8)))
        var body: JSONObject = [
            "transaction_time": "2026-03-01 07:00:00", "transaction_status": .string(status),
            "transaction_id": "513f1f01-c9da-474c-9fc9-d5c64364b709", "status_message": "midtrans payment notification",
            "status_code": .string(statusCode), "signature_key": .string(signature), "payment_type": "bank_transfer",
            "order_id": .string(orderId), "merchant_id": "G141532850", "gross_amount": .string(gross), "currency": "IDR",
        ]
        if let fraud { body["fraud_status"] = .string(fraud) }
        return try MidtransNotification(body: body)
    }

    /// `payment.notify` (no caller: the signature is the authentication): `{payment, applied, renewed}`.
    @discardableResult
    func notify(_ orderId: JSONValue?, status: String, gross: String = "100000.00", statusCode: String? = nil,
                fraud: String? = nil, key: String = serverKey) throws -> JSONValue {
        let notification = try Self.notification(orderId: orderId?.stringValue ?? "", status: status, gross: gross,
                                                 statusCode: statusCode, fraud: fraud, key: key)
        try services.payments.verify(notification)
        return try write { db in try services.payments.notify(db, notification) }
    }
}

import Foundation
import Testing
import TobaRPC

/// A sidecar on a fresh database file with a superuser, the service clock frozen at
/// `Shop.start`, and the calls the commerce and voucher tests share.
struct Shop {
    static let start = "2026-03-01T00:00:00.000000Z"
    static let serverKey = "SB-Mid-server-test-key"
    static func config(_ extra: String = "") -> String {
        #"{"passwords": {"iterations": 1000}, "payments": {"serverKey": "\#(serverKey)"}\#(extra)}"#
    }

    let sidecar: Sidecar
    let admin: JSONValue

    init(config: String = Shop.config()) throws {
        (sidecar, admin) = try Sidecar.withAdmin(config: config)
        try sidecar.setClock(Shop.start)
    }

    /// `Shop.start` plus `days` (and `seconds`), as the service prints it.
    static func at(days: Int64, seconds: Int64 = 0) -> String {
        let base = Int64(1_772_323_200) // 2026-03-01T00:00:00Z
        let date = Date(timeIntervalSince1970: TimeInterval(base + days * 86_400 + seconds))
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date).replacingOccurrences(of: "Z", with: ".000000Z")
    }

    func product(_ name: String = "Widya Analytics", active: Bool = true) throws -> JSONValue {
        let created = try sidecar.result("product.create", ["token": admin, "name": .string(name), "isActive": .bool(active)])
        return try #require(created["product"]?["id"])
    }

    func plan(_ productId: JSONValue, price: Int64 = 100_000, days: Int64 = 30) throws -> JSONValue {
        let created = try sidecar.result("plan.create", [
            "token": admin, "productId": productId, "name": "Monthly", "price": .number(JSONNumber(price)),
            "periodDays": .number(JSONNumber(days)),
        ])
        return try #require(created["plan"]?["id"])
    }

    /// Registers `email` and logs in: `(userId, token)`.
    func user(_ email: String) throws -> (JSONValue, JSONValue) {
        let (id, token) = try sidecar.registerAndLogin(email)
        return (.number(JSONNumber(id)), token)
    }

    /// A staff user holding exactly `permissions` (dotted names): its token.
    func staff(_ email: String, permissions: [String]) throws -> JSONValue {
        let (id, token) = try user(email)
        var ids: [JSONValue] = []
        for dotted in permissions {
            let app = String(dotted.split(separator: ".")[0])
            let list = try sidecar.result("permission.list", ["token": admin, "appLabel": .string(app), "limit": 500])
            ids.append(try #require(list["items"]?.arrayValue?.first { $0["permission"] == .string(dotted) }?["id"]))
        }
        _ = try sidecar.result("admin.user.update", ["token": admin, "userId": id, "isStaff": true, "permissionIds": .array(ids)])
        return token
    }

    /// The names of the groups the token's user is in, sorted.
    func groups(_ token: JSONValue) throws -> [String] {
        let verified = try sidecar.result("auth.verify", ["token": token])
        return (verified["groups"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
    }

    /// The caller's only subscription (or nil).
    func subscription(_ token: JSONValue) throws -> JSONValue? {
        try sidecar.result("subscription.get", ["token": token])["subscriptions"]?[0]
    }

    /// The caller's history rows, newest first.
    func history(_ token: JSONValue) throws -> [JSONValue] {
        try sidecar.result("subscription.history", ["token": token])["items"]?.arrayValue ?? []
    }

    /// Admin log rows, newest first.
    func adminLog() throws -> [JSONValue] {
        try sidecar.result("admin.log.list", ["token": admin])["items"]?.arrayValue ?? []
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
    static func notification(orderId: String, status: String, gross: String, statusCode: String? = nil,
                             fraud: String? = nil, key: String = serverKey) -> JSONValue {
        let statusCode = statusCode ?? Self.statusCode(for: status)
        var body: JSONObject = [
            "transaction_time": "2026-03-01 07:00:00", "transaction_status": .string(status),
            "transaction_id": "513f1f01-c9da-474c-9fc9-d5c64364b709", "status_message": "midtrans payment notification",
            "status_code": .string(statusCode), "signature_key": .string(CommerceSHA512.hex(orderId + statusCode + gross + key)),
            "payment_type": "bank_transfer", "order_id": .string(orderId), "merchant_id": "G141532850",
            "gross_amount": .string(gross), "currency": "IDR",
        ]
        if let fraud { body["fraud_status"] = .string(fraud) }
        return .object(body)
    }

    /// Calls payment.notify; returns the whole response (result or error).
    func notify(_ orderId: JSONValue?, status: String, gross: String = "100000.00", statusCode: String? = nil,
                fraud: String? = nil, key: String = serverKey) throws -> JSONValue {
        let body = Shop.notification(orderId: orderId?.stringValue ?? "", status: status, gross: gross,
                                     statusCode: statusCode, fraud: fraud, key: key)
        return try sidecar.call("payment.notify", ["notification": body])
    }
}

@Suite struct CommerceShopSupportTests {
    @Test func theTestSHA512MatchesTheStandardVectors() {
        #expect(CommerceSHA512.hex("abc") == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(CommerceSHA512.hex("").hasPrefix("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"))
        #expect(CommerceSHA512.hex(String(repeating: "a", count: 200)) == "4b11459c33f52a22ee8236782714c150a3b2c60994e9acee17fe68947a3e6789f31e7668394592da7bef827cddca88c4e6f86e4df7ed1ae6cba71f3e98faee9f")
    }

    @Test func dayArithmeticMatchesTheServiceFormat() {
        #expect(Shop.at(days: 0) == Shop.start)
        #expect(Shop.at(days: 30) == "2026-03-31T00:00:00.000000Z")
    }
}

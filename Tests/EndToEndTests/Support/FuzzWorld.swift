import Foundation
import GRDB
import TobaRPC

/// A sidecar on a database (a SQLite file, or a PostgreSQL database on that pass) with an admin, a user and one of every object a method may
/// name, so that fuzzed calls reach past "not found" into the rules. Objects that a fuzzed call
/// may delete (or a user it may lock out) are made again by `refresh`.
final class FuzzWorld {
    /// The clock of the full pass (TOBA_FUZZ_CLOCK may move it, e.g. to the calendar's end).
    static let base = ProcessInfo.processInfo.environment["TOBA_FUZZ_CLOCK"] ?? "2026-06-01T00:00:00Z"
    static let serverKey = "fuzz-server-key"
    static let config = #"{"passwords": {"iterations": 1000}, "payments": {"serverKey": "\#(serverKey)"}, "subscriptions": {"sweepIntervalSeconds": 86400}}"#

    let sidecar: Sidecar
    /// The sidecar's database: a SQLite file's path or a PostgreSQL URL.
    let location: String
    var admin: JSONValue
    var adminId: JSONValue = 0
    var adminPasswordHash = ""
    var user: JSONValue = .null
    var userId: JSONValue = 0
    var userEmail = ""
    let userPassword = "a long passphrase"
    var userCount = 0
    var ids: [String: JSONValue] = [:]
    var confirmationKey = ""
    var reset: (uid: JSONValue, token: JSONValue) = ("", "")
    var voucherCode = "FUZZ1"
    var registrationId = "0xabc123"
    var webSessionKey = ""
    var paymentAmount: Int64 = 0

    init() throws {
        (sidecar, admin) = try Sidecar.withAdmin(config: Self.config)
        location = sidecar.databaseLocation ?? sidecar.directory.appendingPathComponent("toba.sqlite").path
        try sidecar.setClock(Self.base)
        adminId = try sidecar.result("auth.verify", ["token": admin])["userId"] ?? 0
        adminPasswordHash = try TestBackend.texts(location, "SELECT password FROM users_user WHERE email = 'admin@example.com'").first ?? ""
        try newUser()
        ids["categoryId"] = try sidecar.result("category.create", ["token": admin, "name": "Fuzz category"])["category"]?["id"]
        ids["productId"] = try sidecar.result("product.create", ["token": admin, "name": "Fuzz product"])["product"]?["id"]
        ids["planId"] = try sidecar.result("plan.create", ["token": admin, "productId": ids["productId"] ?? 0, "name": "Monthly",
                                                         "price": 100_000, "periodDays": 30])["plan"]?["id"]
        ids["voucherId"] = try sidecar.result("voucher.create", [
            "token": admin, "code": .string(voucherCode), "name": "Fuzz voucher", "validFrom": "2026-01-01T00:00:00Z",
            "validTo": "2027-01-01T00:00:00Z", "bound": true, "usage": 1000,
        ])["voucher"]?["id"]
        ids["groupId"] = try sidecar.result("group.create", ["token": admin, "name": "fuzz group"])["group"]?["id"]
        ids["siteId"] = try sidecar.result("site.create", ["token": admin, "domain": "fuzz.example.com", "name": "Fuzz"])["site"]?["id"]
        _ = try sidecar.result("socialapp.create", ["token": admin, "provider": "google", "name": "Google", "clientId": "cid", "secret": "s"])
        try reseed()
    }

    /// Registers and logs in a new user (the previous one may be deleted, deactivated or have
    /// another password now), confirms its address and links a social account to it.
    func newUser() throws {
        userCount += 1
        userEmail = "fuzz-user-\(userCount)@example.com"
        let registered = try sidecar.result("user.register", ["email": .string(userEmail), "password": .string(userPassword)])
        userId = registered["user"]?["id"] ?? 0
        confirmationKey = registered["confirmation"]?["key"]?.stringValue ?? ""
        _ = try sidecar.result("email.confirm", ["key": .string(confirmationKey)])
        try loginUser()
        let social = try sidecar.result("social.login", ["provider": "google", "uid": .string("fuzz-uid-\(userCount)"),
                                                         "email": .string(userEmail), "emailVerified": true])
        ids["socialAccountId"] = social["socialAccount"]?["id"]
        try loginUser()
    }

    private func loginUser() throws {
        let login = try sidecar.result("auth.login", ["email": .string(userEmail), "password": .string(userPassword)])
        user = login["token"] ?? .null
        ids["sessionId"] = login["session"]?["id"]
    }

    /// The objects a fuzzed call may have deleted, made again.
    func reseed() throws {
        // Fuzzed updates may have switched the product off, moved the plan or spoilt the voucher.
        _ = try sidecar.result("product.update", ["token": admin, "productId": ids["productId"] ?? 0, "isActive": true])
        _ = try sidecar.result("plan.update", ["token": admin, "planId": ids["planId"] ?? 0, "productId": ids["productId"] ?? 0])
        _ = try sidecar.call("voucher.update", [
            "token": admin, "voucherId": ids["voucherId"] ?? 0, "code": .string(voucherCode), "isActive": true, "bound": false,
            "validFrom": "0001-01-01T00:00:00Z", "validTo": "9999-12-31T23:59:59Z",
        ])
        ids["slideId"] = try sidecar.result("landing.slide.create", ["token": admin, "title": "Fuzz slide"])["slide"]?["id"]
        _ = try sidecar.result("landing.arrange", ["token": admin, "slides": [["slideId": ids["slideId"] ?? .null]]])
        _ = try sidecar.result("device.register", ["token": user, "kind": "apns", "registrationId": .string(registrationId)])
        let payment = try sidecar.result("payment.create", ["token": user, "planId": ids["planId"] ?? 0])["payment"]
        ids["paymentId"] = payment?["id"]
        paymentAmount = payment?["transactionDetails"]?["grossAmount"]?.int64Value ?? 0
        webSessionKey = try sidecar.result("websession.save", ["data": ["a": 1]])["sessionKey"]?.stringValue ?? ""
        // Rate limited after five a minute (the clock stands still): the last token then stays.
        if let requested = try sidecar.call("password.requestReset", ["email": .string(userEmail)])["result"] {
            reset = (requested["uid"] ?? "", requested["token"] ?? "")
        }
    }

    /// Before each method: the clock at `clock`, working admin and user tokens, fresh objects.
    func refresh(clock: String) throws {
        try sidecar.setClock(clock)
        let verified = try sidecar.call("auth.verify", ["token": admin])["result"]
        if verified?["isSuperuser"] != true || verified?["isStaff"] != true {
            // A fuzzed call may have deactivated or demoted the admin (as a user made superuser;
            // a superuser who is not staff fails the admin rule),
            // or wiped its password (a social login through an address it added): undo that.
            try restoreAdmin()
            admin = try sidecar.result("auth.login", ["email": "admin@example.com", "password": "admin passphrase 1"])["token"] ?? .null
        }
        if try sidecar.call("auth.verify", ["token": user])["result"] == nil {
            if try sidecar.call("auth.login", ["email": .string(userEmail), "password": .string(userPassword)])["result"] == nil {
                try newUser()
            } else {
                try loginUser()
            }
        }
        try reseed()
    }

    /// The admin active, staff and superuser again, with its first password, written behind the
    /// sidecar's back (the protocol cannot undo what a fuzzed call did to the only admin).
    private func restoreAdmin() throws {
        if location.hasPrefix("postgres") {
            let hash = adminPasswordHash.replacingOccurrences(of: "'", with: "''")
            try TestBackend.psql(location, """
                UPDATE users_user SET is_active = TRUE, is_staff = TRUE, is_superuser = TRUE, password = '\(hash)' WHERE email = 'admin@example.com'
                """)
        } else {
            try SidecarDatabase.write(URL(fileURLWithPath: location)) { db in
                try db.execute(sql: """
                    UPDATE users_user SET is_active = 1, is_staff = 1, is_superuser = 1, password = ? WHERE email = 'admin@example.com'
                    """, arguments: [adminPasswordHash])
            }
        }
    }

    /// A plausible value for `param` of `method`: a stored object's id, a known code or key, or
    /// something of the documented type. `n` makes names unique.
    func valid(_ param: FuzzParam, method: String, n: Int, _ rng: inout SeededGenerator) -> JSONValue {
        func pick(_ values: [JSONValue]) -> JSONValue { values.randomElement(using: &rng)! }
        switch (method, param.name) {
        case ("password.reset", "uid"): return reset.uid
        case ("password.reset", "token"): return pick([reset.token, "2a-0123456789abcdef0123456789abcdef"])
        case (_, "token"): return pick([admin, user])
        case (_, "userId"): return pick([userId, adminId])
        case (_, "permissionIds"), (_, "groupIds"): return pick([[1, 2], [], [ids["groupId"] ?? 1]])
        case (_, "siteIds"): return pick([[1], [], [1, ids["siteId"] ?? 1]])
        case (_, "email"): return pick([.string(userEmail), .string("fuzz-new-\(n)@example.com"), .string(" Mixed.Case.\(n)@Example.COM "), "not-an-email"])
        case (_, "password"), (_, "currentPassword"): return pick([.string(userPassword), "wrong passphrase 9"])
        case (_, "newPassword"): return pick([.string("another long passphrase \(n)"), "short", "12345678", "password"])
        case (_, "code"): return pick([.string(voucherCode), .string(voucherCode.lowercased()), .string("CODE\(n)")])
        case (_, "key"): return pick([.string(confirmationKey), .string(String(repeating: "k", count: 64))])
        case (_, "sessionKey"): return pick([.string(webSessionKey), .string("key\(n)")])
        case (_, "registrationId"): return pick([.string(registrationId), .string("0x\(String(n, radix: 16))"), .string("reg-\(n)")])
        case (_, "uid"): return pick(["fuzz-uid-1", .string("fuzz-uid-new-\(n)")])
        case (_, "name"), (_, "title"): return .string("fuzz \(n)")
        case (_, "notification"): return notification(["pending", "settlement", "capture", "deny", "refund", "bogus"].randomElement(using: &rng)!, &rng)
        case (_, "validFrom"), (_, "eventStart"): return pick(["2026-01-01T00:00:00Z", .string(FuzzValues.timestamps.randomElement(using: &rng)!)])
        case (_, "validTo"), (_, "eventEnd"): return pick(["2027-01-01T00:00:00Z", .string(FuzzValues.timestamps.randomElement(using: &rng)!)])
        case (_, "seconds"): return pick([60, -60, FuzzValues.number("0.5"), FuzzValues.number("1e12"), FuzzValues.number("-1e12")])
        case (_, "data"): return pick(["encoded-session-data", ["a": [1, 2]], [1, "two"]])
        case (_, "slides"): return pick([[["slideId": ids["slideId"] ?? .null, "isShow": true]], []])
        case (_, "limit"): return pick([1, 2, 50, 500])
        case (_, "cursor"): return pick([.null, "WzEsMV0", "not a cursor"])
        case ("system.clock.set", "now"): return .string(FuzzValues.timestamps.randomElement(using: &rng)!)
        case (_, let name) where ids[name] != nil: return ids[name]!
        default: return schemaValue(param.schema, name: param.name, n: n, &rng)
        }
    }

    /// A value of the documented schema.
    func schemaValue(_ schema: JSONValue, name: String, n: Int, _ rng: inout SeededGenerator) -> JSONValue {
        if let choices = schema["enum"]?.arrayValue, let choice = choices.randomElement(using: &rng) { return choice }
        let types = FuzzSchema.types(of: schema)
        if schema["format"] == "date-time" { return .string(FuzzValues.timestamps.randomElement(using: &rng)!) }
        if schema["format"] == "uuid" { return .string(UUID().uuidString.lowercased()) }
        if types.contains("boolean") { return .bool(Bool.random(using: &rng)) }
        if types.contains("integer") || types.contains("number") {
            let low = schema["minimum"]?.int64Value ?? 0
            let high = min(schema["maximum"]?.int64Value ?? 1000, low + 1000)
            return .number(JSONNumber(Int64.random(in: low...high, using: &rng)))
        }
        if types.contains("string") {
            let max = Int(schema["maxLength"]?.int64Value ?? 64)
            return .string(String("\(name)-\(n)".prefix(max)))
        }
        if types.contains("array"), let items = schema["items"] {
            return .array((0..<Int.random(in: 0...2, using: &rng)).map { _ in schemaValue(items, name: name, n: n, &rng) })
        }
        if types.contains("object") {
            var object = JSONObject()
            for (key, property) in schema["properties"]?.objectValue ?? JSONObject() {
                object[key] = schemaValue(property, name: key, n: n, &rng)
            }
            return .object(object)
        }
        return FuzzValues.anyValue(&rng)
    }

    /// Valid values that depend on each other: a device's parameters of its own kind only,
    /// windows that mostly end after they start.
    func harmonize(_ object: inout JSONObject, method: String, _ rng: inout SeededGenerator) {
        if method == "device.register", let kind = object["kind"]?.stringValue, Bool.random(using: &rng) {
            let own: [String: Set<String>] = ["apns": ["deviceId"], "wns": ["deviceId"], "gcm": ["deviceId", "cloudMessageType"],
                                              "webpush": ["p256dh", "auth", "browser"]]
            for name in ["deviceId", "cloudMessageType", "p256dh", "auth", "browser"] where own[kind]?.contains(name) == false {
                object[name] = nil
            }
            if kind == "apns" || kind == "wns", object["deviceId"] != nil { object["deviceId"] = .string(UUID().uuidString) }
            if kind == "gcm", object["deviceId"] != nil { object["deviceId"] = ["0x1f", 12345, "ffffffffffffffff"].randomElement(using: &rng)! }
            if kind == "apns" { object["registrationId"] = ["0xabc123", "DEADBEEF", "0x"].randomElement(using: &rng)! }
        }
    }

    /// A gateway notification for the seeded payment, correctly signed (sometimes for another amount).
    func notification(_ status: String, _ rng: inout SeededGenerator) -> JSONValue {
        let order = ids["paymentId"]?.stringValue ?? ""
        let gross = ["\(paymentAmount).00", "\(paymentAmount)", "\(paymentAmount).00", "1.00", "9223372036854775808.00", "-5", "1e5"]
            .randomElement(using: &rng)!
        var body = Shop.notification(orderId: order, status: status, gross: gross, key: Self.serverKey).objectValue ?? JSONObject()
        body["fraud_status"] = ["accept", "deny", .null].randomElement(using: &rng)!
        return .object(body)
    }
}

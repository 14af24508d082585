import Foundation
import GRDB
import TobaRPC

/// Reads a database file that a killed sidecar left behind (recovering its WAL like any new
/// connection) and lists every way it breaks the promises of §4: an acknowledged write that is
/// missing or differs from its answer, a write applied twice, a request applied in part, or a
/// file SQLite itself finds damaged.
struct CrashAudit {
    let voucherId: Int64
    var failures: [String] = []
    /// Acknowledged writes found with the values their answers gave.
    var acknowledgedChecked = 0
    /// Writes in flight at a kill, found applied (whole) or absent right after that kill.
    var unacknowledgedApplied = 0
    var unacknowledgedAbsent = 0
    /// Whether each unacknowledged write was found applied: the file may not change its mind later.
    private var fate: [String: Bool] = [:]

    init(voucherId: Int64) {
        self.voucherId = voucherId
    }

    /// Checks `ops` (every write sent so far, acknowledged or not) against `file`.
    mutating func check(_ file: URL, ops: [CrashOp], context: String) throws {
        fate.reserveCapacity(ops.count)
        let queue = try DatabaseQueue(path: file.path)
        defer { try? queue.close() }
        try queue.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { failures.append("\(context): integrity_check: \(integrity.prefix(5))") }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            if !foreignKeys.isEmpty { failures.append("\(context): foreign_key_check: \(foreignKeys.prefix(5))") }
            for (name, sql) in Self.partialWrites {
                let ids = try String.fetchAll(db, sql: sql)
                if !ids.isEmpty { failures.append("\(context): \(name): \(ids.prefix(10))") }
            }
            let snapshot = try snapshot(db)
            for op in ops { check(op, found: snapshot[op.kind]?[op.key] ?? [], context: context) }
        }
    }

    private mutating func check(_ op: CrashOp, found: [Row], context: String) {
        if found.count > 1 {
            failures.append("\(context): \(op.method) \(op.id) applied \(found.count) times")
            return
        }
        guard let result = op.result else {
            let applied = !found.isEmpty
            if let earlier = fate[op.id] {
                if earlier != applied { failures.append("\(context): in-flight \(op.method) \(op.id) was \(earlier ? "applied" : "absent") after its kill, now it is not") }
            } else {
                fate[op.id] = applied
                if applied { unacknowledgedApplied += 1 } else { unacknowledgedAbsent += 1 }
            }
            return
        }
        guard let row = found.first else {
            failures.append("\(context): acknowledged \(op.method) \(op.id) is missing")
            return
        }
        let mismatch = Self.mismatch(op, result: result, row: row)
        if let mismatch {
            failures.append("\(context): acknowledged \(op.method) \(op.id): \(mismatch)")
        } else {
            acknowledgedChecked += 1
        }
    }

    /// Every row a write of the workload could have made, by kind and natural key (one pass
    /// per table, so checking every write after every kill stays linear).
    private func snapshot(_ db: Database) throws -> [CrashOp.Kind: [String: [Row]]] {
        let queries: [(CrashOp.Kind, String)] = [
            (.register, "SELECT email AS key, id FROM users_user"),
            (.login, "SELECT user_agent AS key, id, user_id FROM rest_framework_sso_sessiontoken"),
            (.feedback, "SELECT message AS key, id FROM feedback_feedback"),
            (.websession, "SELECT session_key AS key, session_data FROM django_session"),
            (.claim, "SELECT CAST(user_id AS TEXT) AS key, id FROM vouchers_invitation_claimed WHERE voucher_id = \(voucherId)"),
            (.payment, """
                SELECT i.key, i.result, p.id AS payment FROM toba_idempotency i
                LEFT JOIN payments_product p ON p.id = REPLACE(json_extract(i.result, '$.payment.id'), '-', '')
                WHERE i.method = 'payment.create'
                """),
        ]
        var snapshot: [CrashOp.Kind: [String: [Row]]] = [:]
        for (kind, sql) in queries {
            snapshot[kind] = Dictionary(grouping: try Row.fetchAll(db, sql: sql), by: { $0["key"] as String })
        }
        return snapshot
    }

    /// Nil when the stored row is what the answer said.
    private static func mismatch(_ op: CrashOp, result: JSONValue, row: Row) -> String? {
        switch op.kind {
        case .register:
            return row["id"] as Int64 == result["user"]?["id"]?.int64Value ? nil : "user id \(row["id"] as Int64) vs \(result)"
        case .login:
            let answered = result["session"]?["id"]?.stringValue.map(undashed)
            return row["id"] as String == answered && row["user_id"] as Int64 == result["user"]?["id"]?.int64Value
                ? nil : "session \(row) vs \(result)"
        case .feedback:
            return row["id"] as Int64 == result["feedback"]?["id"]?.int64Value ? nil : "feedback \(row) vs \(result)"
        case .websession:
            return row["session_data"] as String == op.detail && result["sessionKey"]?.stringValue == op.key ? nil : "stored \(row)"
        case .claim:
            return row["id"] as Int64 == result["claim"]?["id"]?.int64Value ? nil : "claim \(row) vs \(result)"
        case .payment:
            guard let payment = row["payment"] as String? else { return "the idempotency record names a payment that is missing" }
            return payment == result["payment"]?["id"]?.stringValue.map(undashed) ? nil : "payment \(payment) vs \(result)"
        }
    }

    private static func undashed(_ uuid: String) -> String {
        uuid.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// Queries that return the ids of requests applied in part; each must return nothing.
    static let partialWrites: [(String, String)] = [
        ("a user without a profile", """
            SELECT u.id FROM users_user u WHERE NOT EXISTS (SELECT 1 FROM users_user_profile p WHERE p.user_id = u.id)
            """),
        ("a user without exactly one primary address equal to its email", """
            SELECT u.id FROM users_user u
            WHERE (SELECT COUNT(*) FROM account_emailaddress e WHERE e.user_id = u.id AND e."primary" = 1 AND e.email = u.email) != 1
            """),
        ("a registered user without a confirmation", """
            SELECT u.id FROM users_user u WHERE u.is_superuser = 0 AND NOT EXISTS (
                SELECT 1 FROM account_emailconfirmation c JOIN account_emailaddress e ON e.id = c.email_address_id WHERE e.user_id = u.id)
            """),
        ("a registered user outside group trial", """
            SELECT u.id FROM users_user u WHERE u.is_superuser = 0 AND NOT EXISTS (
                SELECT 1 FROM users_user_groups g JOIN auth_group a ON a.id = g.group_id WHERE g.user_id = u.id AND a.name = 'trial')
            """),
        ("a session whose user has no last_login", """
            SELECT s.id FROM rest_framework_sso_sessiontoken s JOIN users_user u ON u.id = s.user_id WHERE u.last_login IS NULL
            """),
        ("a claim without its subscription", """
            SELECT c.id FROM vouchers_invitation_claimed c
            WHERE NOT EXISTS (SELECT 1 FROM subscriptions_subscription s WHERE s.user_id = c.user_id)
            """),
        ("a user whose claims and free history rows differ in number", """
            SELECT u.id FROM users_user u
            WHERE (SELECT COUNT(*) FROM vouchers_invitation_claimed c WHERE c.user_id = u.id)
               != (SELECT COUNT(*) FROM subscriptions_history h WHERE h.user_id = u.id AND h.price_paid = 0 AND h.admin_id IS NULL)
            """),
        ("a subscription without a claim", """
            SELECT s.id FROM subscriptions_subscription s
            WHERE NOT EXISTS (SELECT 1 FROM vouchers_invitation_claimed c WHERE c.user_id = s.user_id)
            """),
        ("a payment without its idempotency record", """
            SELECT p.id FROM payments_product p WHERE NOT EXISTS (
                SELECT 1 FROM toba_idempotency i
                WHERE i.method = 'payment.create' AND REPLACE(json_extract(i.result, '$.payment.id'), '-', '') = p.id)
            """),
        ("an idempotency record without its payment", """
            SELECT i.key FROM toba_idempotency i WHERE i.method = 'payment.create' AND NOT EXISTS (
                SELECT 1 FROM payments_product p WHERE p.id = REPLACE(json_extract(i.result, '$.payment.id'), '-', ''))
            """),
        ("a payment whose details do not name it", """
            SELECT p.id FROM payments_product p
            WHERE p.transaction_status != 'pending' OR REPLACE(json_extract(p.transaction_details, '$.orderId'), '-', '') != p.id
            """),
    ]
}

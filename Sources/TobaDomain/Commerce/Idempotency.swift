import Crypto
package import TobaRPC
package import TobaStore

/// Stripe's idempotency rule (§8) over `toba_idempotency`. A key is scoped to (method, calling
/// user). Within 24 h of the first *successful* call, the same key with the same params returns
/// the stored first result without acting again; with other params it is `idempotency_mismatch`.
/// A failed call stores nothing (its effects are rolled back with it), so it may be retried.
/// Entries older than 24 h are ignored, replaced on reuse, and deleted by the periodic sweep.
package enum Idempotency {
    package static let windowSeconds: Int64 = 86_400

    /// Runs `body` once per key. `params` are the call's decoded parameters without the key and
    /// the token; their canonical JSON (object keys sorted) is hashed with SHA-256.
    package static func run(
        _ db: any SQLConnection, key: String?, method: String, userId: Int64?, params: JSONValue, now: Timestamp,
        _ body: () throws -> JSONValue
    ) throws -> JSONValue {
        guard let key else { return try body() }
        try Validate.nonBlank(key, field: "idempotencyKey")
        try Validate.length(key, max: 255, field: "idempotencyKey")
        let hash = HexDigest.string(SHA256.hash(data: Array(JSONWriter.string(canonical(params)).utf8)))
        if let stored = try StoredRow.fetchOne(db, sql: """
            SELECT id, params_hash, result, created_at FROM toba_idempotency WHERE key = ? AND method = ? AND COALESCE(user_id, 0) = ?
            """, arguments: [key, method, userId ?? 0]) {
            let created: Timestamp = try stored.read("created_at")
            if now.microseconds - created.microseconds < windowSeconds * 1_000_000 {
                guard try stored.read("params_hash", as: String.self) == hash else { throw DomainError(.idempotencyMismatch) }
                let text: String = try stored.read("result")
                return try JSONParser.parse(Array(text.utf8))
            }
            try db.execute(sql: "DELETE FROM toba_idempotency WHERE id = ?", arguments: [try stored.read("id", as: Int64.self)])
        }
        let result = try body()
        try db.execute(sql: """
            INSERT INTO toba_idempotency (key, method, user_id, params_hash, result, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [key, method, userId, hash, result.databaseText, now])
        return result
    }

    /// Deletes entries older than 24 h. Returns how many.
    @discardableResult
    package static func sweep(_ db: any SQLConnection, now: Timestamp) throws -> Int {
        try db.execute(sql: "DELETE FROM toba_idempotency WHERE created_at <= ?", arguments: [now.adding(seconds: -windowSeconds)])
        return db.changesCount
    }

    /// The value with every object's keys sorted, so equal params hash equally whatever their order.
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.keys.sorted().map { ($0, canonical(object[$0]!)) }))
        case .array(let items):
            return .array(items.map(canonical))
        default:
            return value
        }
    }
}

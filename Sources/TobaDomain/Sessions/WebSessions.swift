package import TobaRPC
package import TobaStore

/// The parent's web sessions in `django_session`: opaque data under a 32-character key.
package final class WebSessions: Sendable {
    private let clock: ServiceClock
    /// Django's `SESSION_COOKIE_AGE`: two weeks.
    static let defaultAgeSeconds: Int64 = 1_209_600

    package init(clock: ServiceClock) {
        self.clock = clock
    }

    /// Stores `data` (a string as is, any other JSON value as its JSON text) under `sessionKey`, or under a new
    /// key of 32 characters of `[a-z0-9]`. `{sessionKey, expireDate}`.
    package func save(_ db: any SQLConnection, sessionKey: String?, data: JSONValue, expireDate: Timestamp?) throws -> JSONValue {
        let key = sessionKey ?? Validate.randomKey(32)
        guard (1...40).contains(key.count), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw DomainError(.invalidSessionKey, field: "sessionKey")
        }
        let expires = expireDate ?? clock.now().adding(seconds: Self.defaultAgeSeconds)
        let text: String = if case .string(let s) = data { s } else { data.databaseText }
        try db.execute(sql: """
            INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)
            ON CONFLICT (session_key) DO UPDATE SET session_data = excluded.session_data, expire_date = excluded.expire_date
            """, arguments: [key, text, expires])
        return ["sessionKey": .string(key), "expireDate": .string(expires.rfc3339)]
    }

    /// `{data, expireDate}`, or null when absent or expired.
    package func load(_ db: any SQLConnection, sessionKey: String) throws -> JSONValue {
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT session_data, expire_date FROM django_session WHERE session_key = ?",
                                         arguments: [sessionKey]),
              let expires = try row.read("expire_date", as: Timestamp?.self), expires > clock.now()
        else { return .null }
        let text: String = try row.read("session_data")
        // Strings are stored as given (Django's own encoded session data stays readable by
        // Django); objects and arrays as JSON text, and read back as JSON.
        let structured = text.hasPrefix("{") || text.hasPrefix("[")
        let data = structured ? ((try? JSONParser.parse(Array(text.utf8))) ?? .string(text)) : .string(text)
        return ["data": data, "expireDate": .string(expires.rfc3339)]
    }

    package func delete(_ db: any SQLConnection, sessionKey: String) throws -> JSONValue {
        try db.execute(sql: "DELETE FROM django_session WHERE session_key = ?", arguments: [sessionKey])
        return ["deleted": .bool(db.changesCount > 0)]
    }

    /// Django's `clearsessions`: `{deleted}` = how many expired sessions were removed.
    package func clearExpired(_ db: any SQLConnection) throws -> JSONValue {
        try db.execute(sql: "DELETE FROM django_session WHERE expire_date <= ?", arguments: [clock.now()])
        return ["deleted": .number(JSONNumber(db.changesCount))]
    }
}

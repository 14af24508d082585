package import TobaRPC
package import TobaStore

/// Login sessions (`rest_framework_sso_sessiontoken`) and the tokens that stand for them.
/// Token signatures are checked during preparation (concurrently); whether the session and its
/// user are still valid is decided in order, on the writer.
package final class Sessions: Sendable {
    package let tokens: SessionTokens
    private let clock: ServiceClock
    private let settings: Settings

    package init(tokens: SessionTokens, clock: ServiceClock, settings: Settings) {
        self.tokens = tokens
        self.clock = clock
        self.settings = settings
    }

    /// The user behind verified claims, if the session still holds: not revoked (`revoked_at`
    /// null or in the future), not past `exp`, user active. Marks the session used (at most
    /// once a minute) and applies the subscription expiry rule to the user.
    package func authenticate(_ claims: SessionClaims, _ db: any SQLConnection) throws -> AuthUser {
        let now = clock.now()
        if let exp = claims.exp, now.seconds >= exp { throw DomainError(.sessionExpired) }
        guard let sid = UUIDText.storage(claims.sid),
              let session = try StoredRow.fetchOne(db, sql: """
                SELECT revoked_at, last_used_at, user_id FROM rest_framework_sso_sessiontoken WHERE id = ?
                """, arguments: [sid]),
              try session.read("user_id", as: Int64.self) == claims.uid
        else { throw DomainError.invalidToken }
        if let revoked = try session.read("revoked_at", as: Timestamp?.self), revoked <= now { throw DomainError.sessionRevoked }
        guard let user = try StoredRow.fetchOne(db, sql: """
            SELECT id, email, is_active, is_staff, is_superuser FROM users_user WHERE id = ?
            """, arguments: [claims.uid])
        else { throw DomainError.invalidToken }
        let auth = try AuthUser(row: user, sessionId: claims.sid)
        guard auth.isActive else { throw DomainError.accountInactive }
        // Whatever the method shows next (groups, subscriptions), it must not be stale (§8.6).
        try SubscriptionExpiry.apply(db, now: now, userId: auth.id)
        let lastUsed = try session.read("last_used_at", as: Timestamp?.self)
        if lastUsed.map({ now.microseconds - $0.microseconds >= 60_000_000 }) ?? true {
            try db.execute(sql: "UPDATE rest_framework_sso_sessiontoken SET last_used_at = ? WHERE id = ?",
                           arguments: [now, sid])
        }
        return auth
    }

    /// A new session row for a successful login. Returns its id (dashed) and record.
    package func create(_ db: any SQLConnection, userId: Int64, clientId: String?, ipAddress: String?, userAgent: String?) throws -> (id: String, record: JSONValue) {
        let id = UUIDText.random()
        let now = clock.now()
        try db.execute(sql: """
            INSERT INTO rest_framework_sso_sessiontoken (id, ip_address, user_agent, created_at, revoked_at, user_id, last_used_at, client_id)
            VALUES (?, ?, ?, ?, NULL, ?, ?, ?)
            """, arguments: [UUIDText.storage(id) ?? id, ipAddress, Self.clip(userAgent ?? ""), now, userId, now, Self.clip(clientId ?? "")])
        return (id, try record(db, id: id) ?? .null)
    }

    /// A `user_agent` or `client_id` cut to its column's 1000 characters (code points, as
    /// Django and PostgreSQL count them).
    static func clip(_ text: String) -> String {
        Validate.clip(text, max: 1000)
    }

    /// Claims for a new token of session `sessionId`; `cid` is the client id as stored.
    package func claims(sessionId: String, clientId: String?, userId: Int64, email: String) -> SessionClaims {
        let now = clock.now().seconds
        return SessionClaims(
            token: "session", sid: sessionId, cid: clientId.map(Self.clip), uid: userId, email: email, iat: now,
            iss: settings.sessionIssuer, aud: settings.sessionIssuer,
            exp: settings.sessionMaxAgeSeconds.map { now + $0 })
    }

    func record(_ db: any SQLConnection, id: String) throws -> JSONValue? {
        guard let key = UUIDText.storage(id) else { return nil }
        return try RecordJSON.fetch(db, table: Table.restFrameworkSsoSessiontoken, id: key)
    }

    /// The caller's sessions, newest first, the current one marked `current: true`.
    package func list(_ db: any SQLConnection, user: AuthUser, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.restFrameworkSsoSessiontoken, page: page, order: .newestFirst(column: "created_at"),
                       where: "user_id = ?", arguments: [user.id]) { record in
            var object = record.objectValue ?? JSONObject()
            object["current"] = .bool(object["id"] == .string(user.sessionId))
            return .object(object)
        }
    }

    /// Revokes one of the caller's sessions. Not found when it is not theirs.
    package func revoke(_ db: any SQLConnection, user: AuthUser, sessionId: String) throws -> JSONValue {
        guard let key = UUIDText.storage(sessionId),
              try Bool.fetchOne(db, sql: "SELECT 1 FROM rest_framework_sso_sessiontoken WHERE id = ? AND user_id = ?",
                                arguments: [key, user.id]) == true
        else { throw DomainError.notFound("session") }
        try db.execute(sql: """
            UPDATE rest_framework_sso_sessiontoken SET revoked_at = ? WHERE id = ? AND (revoked_at IS NULL OR revoked_at > ?)
            """, arguments: [clock.now(), key, clock.now()])
        return ["revoked": true, "sessionId": .string(sessionId)]
    }

    /// Revokes every running session of `userId` (but `except`, when given). Returns how many.
    @discardableResult
    package func revokeAll(_ db: any SQLConnection, userId: Int64, except: String? = nil) throws -> Int {
        let now = clock.now()
        try db.execute(sql: """
            UPDATE rest_framework_sso_sessiontoken SET revoked_at = ?
            WHERE user_id = ? AND (revoked_at IS NULL OR revoked_at > ?) AND id IS DISTINCT FROM ?
            """, arguments: [now, userId, now, except.flatMap(UUIDText.storage)])
        return db.changesCount
    }

    /// What `auth.verify` answers for an authenticated user: who it is and its groups.
    package func verification(_ db: any SQLConnection, user: AuthUser) throws -> JSONValue {
        let groups = try String.fetchAll(db, sql: """
            SELECT g.name FROM auth_group g JOIN users_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = ? ORDER BY g.name
            """, arguments: [user.id])
        return [
            "userId": .number(JSONNumber(user.id)), "sessionId": .string(user.sessionId), "email": .string(user.email),
            "isStaff": .bool(user.isStaff), "isSuperuser": .bool(user.isSuperuser),
            "groups": .array(groups.map(JSONValue.string)),
        ]
    }
}

package import TobaRPC
package import TobaStore

extension Accounts {
    var resetTokens: PasswordResetTokens {
        PasswordResetTokens(secret: secretKey.value, timeoutSeconds: settings.passwordResetTimeoutSeconds)
    }

    func resetUser(_ db: any SQLConnection, id: Int64) throws -> PasswordResetTokens.User? {
        guard let row = try StoredRow.fetchOne(db, sql: """
            SELECT id, password, last_login, email, is_active FROM users_user WHERE id = ?
            """, arguments: [id]), try row.read("is_active", as: Bool.self)
        else { return nil }
        return PasswordResetTokens.User(id: try row.read("id"), password: try row.read("password"), lastLogin: try row.read("last_login"),
                                        email: try row.read("email"))
    }

    /// `{uid, token}` for an active user with a usable password, null otherwise (the caller mails
    /// the link). At most `rateLimits.passwordResetPerEmail` requests per email, known or not.
    package func requestPasswordReset(email raw: String, _ db: any SQLConnection) throws -> JSONValue {
        let email = try Validate.email(raw)
        let now = clock.now()
        try limiter.enforce("reset:" + email, limit: settings.passwordResetPerEmail, now: now, record: true)
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM users_user WHERE email = ?", arguments: [email]),
              let user = try resetUser(db, id: id), PasswordHasher.isUsable(user.password)
        else { return .null }
        return ["uid": .string(PasswordResetTokens.uid(id)), "token": .string(resetTokens.make(for: user, now: now))]
    }

    /// Sets the password when the token holds, and revokes every session of the user.
    package func resetPassword(uid: String, token: String, newPassword: PreparedPassword, _ db: any SQLConnection) throws -> JSONValue {
        guard let id = PasswordResetTokens.userId(fromUid: uid), let user = try resetUser(db, id: id) else {
            throw DomainError(.invalidToken)
        }
        switch resetTokens.check(token, for: user, now: clock.now()) {
        case .invalid: throw DomainError(.invalidToken)
        case .expired: throw DomainError(.tokenExpired)
        case .valid: break
        }
        try checkNewPassword(newPassword, db, userId: id)
        try db.execute(sql: "UPDATE users_user SET password = ? WHERE id = ?", arguments: [hashed(newPassword), id])
        let revoked = try sessions.revokeAll(db, userId: id)
        return ["changed": true, "revokedSessions": .number(JSONNumber(revoked))]
    }

    /// The password rules for the `newPassword` parameter of a change or a reset.
    func checkNewPassword(_ new: PreparedPassword, _ db: any SQLConnection, userId: Int64) throws {
        do {
            try rules.check(new.password, attributes: try passwordAttributes(db, userId: userId))
        } catch let error as DomainError where error.kind == .validation {
            throw DomainError(error.reason, field: "newPassword")
        }
    }

    /// The check of the caller's current password (`user.changePassword`, `user.delete`),
    /// prepared concurrently; none is made while the caller's failed checks are over
    /// `rateLimits.passwordCheckPerUser` (the ordered step then refuses, or checks itself).
    package func prepareCurrentPassword(_ password: String, userId: Int64) throws -> PreparedCheck {
        let key = Self.passwordCheckKey(userId)
        if limiter.retryAfter(key, limit: settings.passwordCheckPerUser, now: clock.now()) != nil { return .skipped(password) }
        return try prepareCheck(password: password, userId: userId)
    }

    /// `user.changePassword`'s preparation: the current password's check and the new one's hash,
    /// neither of which is computed while the caller is rate-limited.
    package func preparePasswordChange(current: String, new: String, userId: Int64) throws -> (current: PreparedCheck, new: PreparedPassword) {
        let check = try prepareCurrentPassword(current, userId: userId)
        return (check, check.performed ? preparePassword(new) : PreparedPassword(password: new, hash: nil))
    }

    static func passwordCheckKey(_ userId: Int64) -> String { "password-check:\(userId)" }

    /// In order: the limit on failed checks, then the check (`invalid_credentials` naming
    /// `field`), which counts as a failure when it fails.
    func confirmCurrentPassword(_ check: PreparedCheck, _ db: any SQLConnection, user: AuthUser, field: String) throws {
        let key = Self.passwordCheckKey(user.id)
        let now = clock.now()
        try limiter.enforce(key, limit: settings.passwordCheckPerUser, now: now, record: false)
        let stored = try String.fetchOne(db, sql: "SELECT password FROM users_user WHERE id = ?", arguments: [user.id])
        guard confirm(check, stored: stored) else {
            limiter.recordFailure(key, limit: settings.passwordCheckPerUser, now: now)
            throw DomainError(.invalidCredentials, field: field)
        }
        limiter.reset(key)
    }

    /// Changes the caller's password after checking the current one; other sessions are revoked
    /// unless `revokeOtherSessions` is false.
    package func changePassword(
        _ db: any SQLConnection, user: AuthUser, current: PreparedCheck, new: PreparedPassword, revokeOtherSessions: Bool
    ) throws -> JSONValue {
        try confirmCurrentPassword(current, db, user: user, field: "currentPassword")
        try checkNewPassword(new, db, userId: user.id)
        try db.execute(sql: "UPDATE users_user SET password = ? WHERE id = ?", arguments: [hashed(new), user.id])
        let revoked = revokeOtherSessions ? try sessions.revokeAll(db, userId: user.id, except: user.sessionId) : 0
        return ["changed": true, "revokedSessions": .number(JSONNumber(revoked))]
    }

    /// Self-service deletion: the user's sessions, devices, social accounts and tokens, email
    /// addresses, confirmations, profile, groups and permissions go; the user row stays,
    /// anonymised (inactive, placeholder email, no names, unusable password) so payments and
    /// subscription history keep their owner. The old email can register again.
    package func deleteAccount(_ db: any SQLConnection, user: AuthUser, password: PreparedCheck) throws -> JSONValue {
        try confirmCurrentPassword(password, db, user: user, field: "password")
        let id = user.id
        try removeLinkedAccess(db, userId: id)
        for sql in [
            "DELETE FROM rest_framework_sso_sessiontoken WHERE user_id = ?",
            "DELETE FROM account_emailconfirmation WHERE email_address_id IN (SELECT id FROM account_emailaddress WHERE user_id = ?)",
            "DELETE FROM account_emailaddress WHERE user_id = ?",
            "DELETE FROM users_user_profile WHERE user_id = ?",
            "DELETE FROM users_user_groups WHERE user_id = ?",
            "DELETE FROM users_user_user_permissions WHERE user_id = ?",
        ] {
            try db.execute(sql: sql, arguments: [id])
        }
        try db.execute(sql: """
            UPDATE users_user SET is_active = FALSE, is_staff = FALSE, is_superuser = FALSE, first_name = '', last_name = '',
                email = ?, password = ? WHERE id = ?
            """, arguments: ["deleted-\(id)-\(Validate.randomKey(12))@deleted.invalid", PasswordHasher.unusable(), id])
        return ["deleted": true]
    }
}

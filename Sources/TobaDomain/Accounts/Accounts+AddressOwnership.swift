package import TobaStore

/// Who may hold an email address (PROTOCOL.md §8.2, §8.10). An account *holds* an address as
/// its login email and primary address (the one it signed up with, verified or not), or as a
/// verified one. An address added with `email.add` and never confirmed is only a claim: it
/// blocks nobody, links nothing, and goes to whoever registers or adds it next.
extension Accounts {
    /// The account holding an address, and whether it verified it. An unverified address held
    /// is the account's own sign-up address.
    package struct AddressHolder: Sendable {
        package let userId: Int64
        package let verified: Bool
    }

    /// Detaches `email` (with its confirmations) from the account that has it only as an
    /// unverified secondary address, unless that account is `keeping`.
    package func releaseUnconfirmedAddress(_ db: any SQLConnection, email: String, keeping: Int64? = nil) throws {
        try db.execute(sql: """
            DELETE FROM account_emailconfirmation WHERE email_address_id IN (\(Self.unconfirmedSecondary))
            """, arguments: [email, keeping])
        try db.execute(sql: "DELETE FROM account_emailaddress WHERE id IN (\(Self.unconfirmedSecondary))", arguments: [email, keeping])
    }

    /// The id of address `?` when it is an unverified secondary address of an account other
    /// than `?` (nil: any account): not primary, not the account's login email.
    private static let unconfirmedSecondary = """
        SELECT a.id FROM account_emailaddress a JOIN users_user u ON u.id = a.user_id
        WHERE a.email = ? AND a.verified = FALSE AND a."primary" = FALSE AND u.email <> a.email AND u.id IS DISTINCT FROM ?
        """

    /// The account holding `email` once unconfirmed secondary addresses are released: by its
    /// address row, or as the login email of an account without one.
    package func addressHolder(_ db: any SQLConnection, email: String) throws -> AddressHolder? {
        if let row = try StoredRow.fetchOne(db, sql: "SELECT user_id, verified FROM account_emailaddress WHERE email = ?", arguments: [email]) {
            return AddressHolder(userId: try row.read("user_id"), verified: try row.read("verified", as: Bool.self))
        }
        return try Int64.fetchOne(db, sql: "SELECT id FROM users_user WHERE email = ?", arguments: [email])
            .map { AddressHolder(userId: $0, verified: false) }
    }

    /// Hands an account to whoever proved, through a provider, that they own the address it
    /// signed up with but never confirmed. Whoever signed up may not own the address, nor
    /// anything the account gained since: its password becomes unusable, its sessions are
    /// revoked, its social accounts and push devices go, and so do its other addresses (one the
    /// squatter verified would let her back in by a password reset). The address becomes
    /// verified, primary and the login email: the provider verified it, as it does for an
    /// account it creates.
    package func handOverSignUpAccount(_ db: any SQLConnection, userId: Int64, email: String) throws {
        try db.execute(sql: "UPDATE users_user SET password = ?, email = ? WHERE id = ?", arguments: [PasswordHasher.unusable(), email, userId])
        try sessions.revokeAll(db, userId: userId)
        try removeLinkedAccess(db, userId: userId)
        try db.execute(sql: """
            DELETE FROM account_emailconfirmation
            WHERE email_address_id IN (SELECT id FROM account_emailaddress WHERE user_id = ? AND email <> ?)
            """, arguments: [userId, email])
        try db.execute(sql: "DELETE FROM account_emailaddress WHERE user_id = ? AND email <> ?", arguments: [userId, email])
        try db.execute(sql: """
            INSERT INTO account_emailaddress (email, verified, "primary", user_id) VALUES (?, TRUE, TRUE, ?)
            ON CONFLICT (email) DO UPDATE SET verified = TRUE, "primary" = TRUE
            """, arguments: [email, userId])
    }

    /// Removes the user's push devices and social accounts with their tokens: what reaches or
    /// opens the account from outside (account deletion, a hand-over).
    func removeLinkedAccess(_ db: any SQLConnection, userId: Int64) throws {
        for sql in [
            "DELETE FROM push_notifications_apnsdevice WHERE user_id = ?",
            "DELETE FROM push_notifications_gcmdevice WHERE user_id = ?",
            "DELETE FROM push_notifications_webpushdevice WHERE user_id = ?",
            "DELETE FROM push_notifications_wnsdevice WHERE user_id = ?",
            "DELETE FROM socialaccount_socialtoken WHERE account_id IN (SELECT id FROM socialaccount_socialaccount WHERE user_id = ?)",
            "DELETE FROM socialaccount_socialaccount WHERE user_id = ?",
        ] {
            try db.execute(sql: sql, arguments: [userId])
        }
    }
}

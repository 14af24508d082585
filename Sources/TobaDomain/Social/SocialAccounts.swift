package import TobaRPC
package import TobaStore

/// Social accounts (§8.10), django-allauth's tables: the apps of each provider with their sites,
/// the accounts linked to users, and the provider tokens kept per (app, account).
package final class SocialAccounts: Sendable {
    let accounts: Accounts
    let sessions: Sessions
    let clock: ServiceClock

    package init(accounts: Accounts, sessions: Sessions, clock: ServiceClock) {
        self.accounts = accounts
        self.sessions = sessions
        self.clock = clock
    }

    /// `social.list` → a page of the caller's social accounts, by id (tokens are never shown).
    package func list(_ db: any SQLConnection, user: AuthUser, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.socialaccountSocialaccount, page: page, where: "user_id = ?", arguments: [user.id])
    }

    /// `social.disconnect` → `{deleted: true, socialAccountId}`: removes one of the caller's
    /// social accounts and its tokens. Refused with `last_login_method` when the user has no
    /// usable password and no other social account, so could never log in again.
    package func disconnect(_ db: any SQLConnection, user: AuthUser, socialAccountId: Int64) throws -> JSONValue {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM socialaccount_socialaccount WHERE id = ? AND user_id = ?",
                                arguments: [socialAccountId, user.id]) == true
        else { throw DomainError.notFound("social account") }
        let password = try String.fetchOne(db, sql: "SELECT password FROM users_user WHERE id = ?", arguments: [user.id]) ?? ""
        let others = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM socialaccount_socialaccount WHERE user_id = ? AND id <> ?",
                                      arguments: [user.id, socialAccountId]) ?? 0
        guard PasswordHasher.isUsable(password) || others > 0 else { throw DomainError(.lastLoginMethod) }
        try db.execute(sql: "DELETE FROM socialaccount_socialtoken WHERE account_id = ?", arguments: [socialAccountId])
        try db.execute(sql: "DELETE FROM socialaccount_socialaccount WHERE id = ?", arguments: [socialAccountId])
        return ["deleted": true, "socialAccountId": .number(JSONNumber(socialAccountId))]
    }
}

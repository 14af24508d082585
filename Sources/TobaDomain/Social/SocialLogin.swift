package import TobaRPC
package import TobaStore

extension SocialAccounts {
    /// What the parent learnt from the provider's OAuth flow.
    package struct Login: Sendable {
        package var provider: String
        package var uid: String
        package var email: String?
        package var emailVerified: Bool
        package var extraData: JSONValue?
        package var accessToken: String?
        package var tokenSecret: String?
        package var expiresAt: Timestamp?
        package var clientId: String?
        package var ipAddress: String?
        package var userAgent: String?

        package init(provider: String, uid: String, email: String? = nil, emailVerified: Bool = false, extraData: JSONValue? = nil,
                    accessToken: String? = nil, tokenSecret: String? = nil, expiresAt: Timestamp? = nil,
                    clientId: String? = nil, ipAddress: String? = nil, userAgent: String? = nil) {
            self.provider = provider
            self.uid = uid
            self.email = email
            self.emailVerified = emailVerified
            self.extraData = extraData
            self.accessToken = accessToken
            self.tokenSecret = tokenSecret
            self.expiresAt = expiresAt
            self.clientId = clientId
            self.ipAddress = ipAddress
            self.userAgent = userAgent
        }
    }

    /// A successful social login: the session to sign after commit, whether a user was created,
    /// and the social account.
    package struct LoginResult: Sendable {
        package let login: Accounts.LoginResult
        package let created: Bool
        package let socialAccount: JSONValue
    }

    /// `social.login`: a known (provider, uid) logs its user in. An unknown one with the email
    /// of an account that holds it (§8.10: verified, or its own sign-up address) links to that
    /// account only when the provider verified the email (else `email_taken`); an account that
    /// had not confirmed its sign-up address is handed over (`handOverSignUpAccount`). An
    /// address another account only added and never confirmed is detached from it and neither
    /// links nor blocks. Otherwise a new user is made (unusable password, profile, primary
    /// address, group `trial`; an email is then required). Sets `last_login` of the user and
    /// the account; stores the token for the provider's first app (by id), when there is one.
    package func login(_ db: any SQLConnection, _ input: Login) throws -> LoginResult {
        try Validate.nonBlank(input.provider, field: "provider")
        try Validate.length(input.provider, max: 30, field: "provider")
        try Validate.nonBlank(input.uid, field: "uid")
        try Validate.length(input.uid, max: 191, field: "uid")
        let address = try IPAddress.parameter(input.ipAddress)
        if input.accessToken == nil, input.tokenSecret != nil || input.expiresAt != nil {
            throw DomainError(.valueRequired, field: "accessToken")
        }
        let email = try input.email.map { (raw) throws(DomainError) in try Validate.email(raw) }
        let now = clock.now()
        var created = false
        let accountId: Int64
        let userId: Int64
        if let known = try StoredRow.fetchOne(db, sql: "SELECT id, user_id FROM socialaccount_socialaccount WHERE provider = ? AND uid = ?",
                                        arguments: [input.provider, input.uid]) {
            accountId = try known.read("id")
            userId = try known.read("user_id")
            try requireActive(db, userId: userId)
            try db.execute(sql: "UPDATE socialaccount_socialaccount SET last_login = ?, extra_data = COALESCE(?, extra_data) WHERE id = ?",
                           arguments: [now, input.extraData?.databaseText, accountId])
        } else {
            if let email { try accounts.releaseUnconfirmedAddress(db, email: email) }
            if let email, let holder = try accounts.addressHolder(db, email: email) {
                guard input.emailVerified else { throw DomainError(.emailTaken) }
                try requireActive(db, userId: holder.userId)
                if !holder.verified { try accounts.handOverSignUpAccount(db, userId: holder.userId, email: email) }
                userId = holder.userId
            } else {
                guard let email else { throw DomainError(.emailRequired, field: "email") }
                userId = try createUser(db, email: email, verified: input.emailVerified, now: now)
                created = true
            }
            try db.execute(sql: """
                INSERT INTO socialaccount_socialaccount (provider, uid, last_login, date_joined, extra_data, user_id) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [input.provider, input.uid, now, now, (input.extraData ?? [:]).databaseText, userId])
            accountId = db.lastInsertedRowID
        }
        if let token = input.accessToken, let appId = try appId(db, provider: input.provider) {
            try db.execute(sql: """
                INSERT INTO socialaccount_socialtoken (token, token_secret, expires_at, account_id, app_id) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (app_id, account_id) DO UPDATE
                SET token = excluded.token, token_secret = excluded.token_secret, expires_at = excluded.expires_at
                """, arguments: [token, input.tokenSecret ?? "", input.expiresAt, accountId, appId])
        }
        try db.execute(sql: "UPDATE users_user SET last_login = ? WHERE id = ?", arguments: [now, userId])
        let session = try accounts.startSession(db, userId: userId, clientId: input.clientId, ipAddress: address?.canonical,
                                                userAgent: input.userAgent)
        let account = try RecordJSON.fetch(db, table: Table.socialaccountSocialaccount, id: accountId, orNotFound: "social account")
        return LoginResult(login: session, created: created, socialAccount: account)
    }

    private func requireActive(_ db: any SQLConnection, userId: Int64) throws {
        guard try Bool.fetchOne(db, sql: "SELECT is_active FROM users_user WHERE id = ?", arguments: [userId]) == true else {
            throw DomainError.accountInactive
        }
    }

    /// A new active user with an unusable password, a profile, its primary address and group `trial`.
    private func createUser(_ db: any SQLConnection, email: String, verified: Bool, now: Timestamp) throws -> Int64 {
        try accounts.insertUser(db, email: email, passwordHash: PasswordHasher.unusable(), verified: verified, group: .trial).userId
    }
}

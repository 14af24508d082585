import Foundation
package import TobaRPC
package import TobaStore

extension Accounts {
    package struct Login: Sendable {
        package var email: String
        package var password: String
        package var clientId: String?
        package var ipAddress: String?
        package var userAgent: String?

        package init(email: String, password: String, clientId: String? = nil, ipAddress: String? = nil, userAgent: String? = nil) {
            self.email = email
            self.password = password
            self.clientId = clientId
            self.ipAddress = ipAddress
            self.userAgent = userAgent
        }
    }

    package struct PreparedLogin: Sendable {
        let login: Login
        let ipAddress: IPAddress?
        let check: PreparedCheck
    }

    /// A successful login: the claims of the token to sign once the session is durable.
    package struct LoginResult: Sendable {
        package let claims: SessionClaims
        package let session: JSONValue
        package let user: JSONValue
    }

    /// Verifies the password against a snapshot of the stored hash, concurrently. Unknown users
    /// and unusable hashes cost one full derivation too. A caller the limits already refuse (as
    /// a snapshot of the limiter sees it) costs no hash: the check is left to the ordered step.
    package func prepareLogin(_ input: Login) throws -> PreparedLogin {
        var login = input
        login.email = Validate.normalizedEmail(login.email)
        let address = try IPAddress.parameter(login.ipAddress)
        login.ipAddress = address?.canonical
        let keys = LoginKeys(email: login.email, address: address)
        guard !isLimited(keys, now: clock.now()) else {
            return PreparedLogin(login: login, ipAddress: address, check: .skipped(login.password))
        }
        let stored = try database.read { db in
            try String.fetchOne(db, sql: "SELECT password FROM users_user WHERE email = ?", arguments: [login.email])
        }
        return PreparedLogin(login: login, ipAddress: address, check: check(password: login.password, snapshot: stored))
    }

    /// The limiter keys of a login: its email and, when given, its address (IPv6 per /64).
    struct LoginKeys {
        let email: String
        let ip: String?

        init(email: String, address: IPAddress?) {
            self.email = "login-email:" + email
            self.ip = address.map { "login-ip:" + $0.limitKey }
        }
    }

    /// Whether the failed-login limits refuse the login now (a read; records nothing).
    func isLimited(_ keys: LoginKeys, now: Timestamp) -> Bool {
        limiter.retryAfter(keys.email, limit: settings.loginFailedPerEmail, now: now) != nil
            || keys.ip.map { limiter.retryAfter($0, limit: settings.loginFailedPerIp, now: now) != nil } ?? false
    }

    /// In order: rate limits, the password (checked again only if the hash changed since the
    /// snapshot, or if the preparation skipped it), the account state; then the session,
    /// `last_login` and a hash upgrade.
    package func login(_ prepared: PreparedLogin, _ db: any SQLConnection) throws -> LoginResult {
        let login = prepared.login
        let now = clock.now()
        let keys = LoginKeys(email: login.email, address: prepared.ipAddress)
        try limiter.enforce(keys.email, limit: settings.loginFailedPerEmail, now: now, record: false)
        if let ipKey = keys.ip { try limiter.enforce(ipKey, limit: settings.loginFailedPerIp, now: now, record: false) }

        let row = try StoredRow.fetchOne(db, sql: "SELECT id, password, is_active FROM users_user WHERE email = ?", arguments: [login.email])
        guard let row, confirm(prepared.check, stored: try row.read("password")) else {
            limiter.recordFailure(keys.email, limit: settings.loginFailedPerEmail, now: now)
            if let ipKey = keys.ip { limiter.recordFailure(ipKey, limit: settings.loginFailedPerIp, now: now) }
            throw DomainError.invalidCredentials
        }
        guard try row.read("is_active", as: Bool.self) else { throw DomainError.accountInactive }
        limiter.reset(keys.email)
        let userId: Int64 = try row.read("id")
        let stored: String = try row.read("password")
        if hasher.needsUpgrade(stored) {
            let upgraded = stored == prepared.check.snapshotHash ? prepared.check.upgradedHash : nil
            try db.execute(sql: "UPDATE users_user SET password = ? WHERE id = ?",
                           arguments: [upgraded ?? hasher.hash(login.password), userId])
        }
        try db.execute(sql: "UPDATE users_user SET last_login = ? WHERE id = ?", arguments: [now, userId])
        return try startSession(db, userId: userId, clientId: login.clientId, ipAddress: login.ipAddress, userAgent: login.userAgent)
    }

    /// A new session for `userId` and the claims of its token (also used by social login).
    package func startSession(_ db: any SQLConnection, userId: Int64, clientId: String?, ipAddress: String?, userAgent: String?) throws -> LoginResult {
        let user = try RecordJSON.user(db, id: userId)
        let email = user.objectValue?["email"]?.stringValue ?? ""
        let session = try sessions.create(db, userId: userId, clientId: clientId, ipAddress: ipAddress, userAgent: userAgent)
        return LoginResult(
            claims: sessions.claims(sessionId: session.id, clientId: clientId, userId: userId, email: email),
            session: session.record, user: user)
    }
}

package import Logging
import TobaRPC
package import TobaStore

/// Accounts (§8.2): users, profiles, email addresses and confirmations, passwords.
/// CPU-heavy work (hashing) happens in `prepare…` functions, which run concurrently and touch no
/// state that earlier requests may change; the rest runs in order on the writer.
package final class Accounts: Sendable {
    let clock: ServiceClock
    let settings: Settings
    let hasher: PasswordHasher
    let rules = PasswordRules()
    let limiter = RateLimiter()
    let sessions: Sessions
    let database: AppDatabase
    let secretKey: SecretKey
    let logger: Logger

    /// `hashWork`, when given, counts the PBKDF2 rounds every hash and check performs (tests
    /// assert the work a check does, never its time).
    package init(database: AppDatabase, settings: Settings, clock: ServiceClock, sessions: Sessions, secretKey: SecretKey, logger: Logger,
                hashWork: HashWorkMeter? = nil) {
        self.logger = logger
        self.database = database
        self.settings = settings
        self.clock = clock
        self.sessions = sessions
        self.secretKey = secretKey
        self.hasher = PasswordHasher(iterations: settings.passwordIterations, meter: hashWork)
    }

    // MARK: Shared reads

    /// The attributes a password must not resemble: the email's local part, first and last name.
    func passwordAttributes(email: String, firstName: String, lastName: String) -> [String] {
        [String(email.split(separator: "@").first ?? ""), firstName, lastName]
    }

    func passwordAttributes(_ db: any SQLConnection, userId: Int64) throws -> [String] {
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT email, first_name, last_name FROM users_user WHERE id = ?", arguments: [userId]) else {
            throw DomainError.notFound("user")
        }
        return passwordAttributes(email: try row.read("email"), firstName: try row.read("first_name"), lastName: try row.read("last_name"))
    }

    /// True when any account already uses the address (as login email or as an added address);
    /// release unconfirmed secondary addresses first where they must not block.
    func emailTaken(_ db: any SQLConnection, _ email: String) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM account_emailaddress WHERE email = ?) OR EXISTS (SELECT 1 FROM users_user WHERE email = ?)
            """, arguments: [email, email]) ?? false
    }

    func addToGroup(_ db: any SQLConnection, userId: Int64, group: BuiltinGroup) throws {
        try db.execute(sql: "INSERT INTO users_user_groups (user_id, group_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                       arguments: [userId, try group.id(db)])
    }

    /// A new user: the `users_user` row, its profile and its primary address, in `group`.
    /// Returns the user's id and the address's id.
    package func insertUser(
        _ db: any SQLConnection, email: String, passwordHash: String, firstName: String = "", lastName: String = "",
        phone: String = "", categoryId: Int64? = nil, superuser: Bool = false, verified: Bool, group: BuiltinGroup
    ) throws -> (userId: Int64, addressId: Int64) {
        try db.execute(sql: """
            INSERT INTO users_user (password, last_login, is_superuser, first_name, last_name, is_staff, is_active, date_joined, email)
            VALUES (?, NULL, ?, ?, ?, ?, TRUE, ?, ?)
            """, arguments: [passwordHash, superuser, firstName, lastName, superuser, clock.now(), email])
        let userId = db.lastInsertedRowID
        try db.execute(sql: "INSERT INTO users_user_profile (user_id, phone, photo, extra_data, category_id) VALUES (?, ?, '', NULL, ?)",
                       arguments: [userId, phone, categoryId])
        try db.execute(sql: "INSERT INTO account_emailaddress (email, verified, \"primary\", user_id) VALUES (?, ?, TRUE, ?)",
                       arguments: [email, verified, userId])
        let addressId = db.lastInsertedRowID
        try addToGroup(db, userId: userId, group: group)
        return (userId, addressId)
    }

    /// A new confirmation for an address: a 64-character key, sent now, expiring after
    /// `emails.confirmationExpireDays`.
    func createConfirmation(_ db: any SQLConnection, emailAddressId: Int64, email: String) throws -> JSONValue {
        let now = clock.now()
        let key = Validate.randomKey(64)
        try db.execute(sql: "INSERT INTO account_emailconfirmation (created, sent, key, email_address_id) VALUES (?, ?, ?, ?)",
                       arguments: [now, now, key, emailAddressId])
        if let cooldown = confirmationCooldown { limiter.record("confirm:" + email, limit: cooldown, now: now) }
        return ["email": .string(email), "key": .string(key),
                "expiresAt": .string(now.adding(days: settings.confirmationExpireDays).rfc3339)]
    }

    /// A new password and its hash, made during preparation (nil when the preparation saw the
    /// request rate-limited: `hashed` then makes it in order, if the request gets that far).
    package struct PreparedPassword: Sendable {
        let password: String
        let hash: String?
    }

    /// Hashes a new password (the expensive part, run concurrently). The rules that depend on the
    /// stored user run later, in order, through `checkNewPassword`.
    package func preparePassword(_ password: String) -> PreparedPassword {
        PreparedPassword(password: password, hash: hasher.hash(password))
    }

    func hashed(_ new: PreparedPassword) -> String {
        new.hash ?? hasher.hash(new.password)
    }

    /// A password check made during preparation against a snapshot of the stored hash. In order,
    /// `confirm` reuses it when the stored hash is still the same, and checks again otherwise.
    package struct PreparedCheck: Sendable {
        let password: String
        let snapshotHash: String?
        let matched: Bool
        /// A new hash made in advance when the snapshot hash was outdated and matched.
        let upgradedHash: String?
        /// False when the preparation saw the caller rate-limited and computed no hash: the
        /// ordered step either refuses the request or, no longer limited, checks then.
        let performed: Bool

        static func skipped(_ password: String) -> PreparedCheck {
            PreparedCheck(password: password, snapshotHash: nil, matched: false, upgradedHash: nil, performed: false)
        }
    }

    func prepareCheck(password: String, userId: Int64) throws -> PreparedCheck {
        let stored = try database.read { db in
            try String.fetchOne(db, sql: "SELECT password FROM users_user WHERE id = ?", arguments: [userId])
        }
        return check(password: password, snapshot: stored)
    }

    func check(password: String, snapshot: String?) -> PreparedCheck {
        guard let snapshot else {
            hasher.burn(password)
            return PreparedCheck(password: password, snapshotHash: nil, matched: false, upgradedHash: nil, performed: true)
        }
        let matched = hasher.verify(password, against: snapshot)
        let upgraded = matched && hasher.needsUpgrade(snapshot) ? hasher.hash(password) : nil
        return PreparedCheck(password: password, snapshotHash: snapshot, matched: matched, upgradedHash: upgraded, performed: true)
    }

    /// Whether the prepared password matches `stored`, the hash read now, in order (nil: no
    /// such user). Checks again, on the writer, when the hash changed since the snapshot or the
    /// preparation made no check; either way the check costs one check at the configured cost.
    func confirm(_ check: PreparedCheck, stored: String?) -> Bool {
        if check.performed && stored == check.snapshotHash { return check.matched }
        guard let stored else {
            hasher.burn(check.password)
            return false
        }
        return hasher.verify(check.password, against: stored)
    }
}

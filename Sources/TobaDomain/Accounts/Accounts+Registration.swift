import Logging
package import TobaRPC
package import TobaStore

extension Accounts {
    package struct Registration: Sendable {
        package var email: String
        package var password: String
        package var firstName: String?
        package var lastName: String?
        package var phone: String?
        package var categoryId: Int64?
        package var ipAddress: String?

        package init(email: String, password: String, firstName: String? = nil, lastName: String? = nil,
                    phone: String? = nil, categoryId: Int64? = nil, ipAddress: String? = nil) {
            self.email = email
            self.password = password
            self.firstName = firstName
            self.lastName = lastName
            self.phone = phone
            self.categoryId = categoryId
            self.ipAddress = ipAddress
        }
    }

    package struct PreparedRegistration: Sendable {
        let registration: Registration
        let ipAddress: IPAddress?
        let passwordHash: String
    }

    /// Checks the values and the password rules and hashes the password: everything that does
    /// not depend on stored state, so registrations prepare in parallel.
    package func prepareRegistration(_ input: Registration) throws(DomainError) -> PreparedRegistration {
        var r = input
        r.email = try Validate.email(r.email)
        try Validate.length(r.firstName, max: 150, field: "firstName")
        try Validate.length(r.lastName, max: 150, field: "lastName")
        try Validate.length(r.phone, max: 17, field: "phone")
        let address = try IPAddress.parameter(r.ipAddress)
        try rules.check(r.password, attributes: passwordAttributes(
            email: r.email, firstName: r.firstName ?? "", lastName: r.lastName ?? ""))
        return PreparedRegistration(registration: r, ipAddress: address, passwordHash: hasher.hash(r.password))
    }

    /// `{user, confirmation}`: the active user, its profile, its primary unverified address, a
    /// confirmation, membership of group `trial`. `email_taken` when an account holds the
    /// address; one that another account only added and never confirmed is taken from it.
    package func register(_ prepared: PreparedRegistration, _ db: any SQLConnection) throws -> JSONValue {
        let r = prepared.registration
        try releaseUnconfirmedAddress(db, email: r.email)
        if try emailTaken(db, r.email) { throw DomainError(.emailTaken) }
        if let categoryId = r.categoryId,
           try Bool.fetchOne(db, sql: "SELECT 1 FROM users_category WHERE id = ?", arguments: [categoryId]) != true {
            throw DomainError.notFound("category")
        }
        let (userId, addressId) = try insertUser(
            db, email: r.email, passwordHash: prepared.passwordHash, firstName: r.firstName ?? "", lastName: r.lastName ?? "",
            phone: r.phone ?? "", categoryId: r.categoryId, verified: false, group: .trial)
        let confirmation = try createConfirmation(db, emailAddressId: addressId, email: r.email)
        // The audit trail of sign-ups (no column holds the address): ids and addresses only, never secrets.
        logger.info("user registered", metadata: ["userId": "\(userId)", "ipAddress": "\(prepared.ipAddress?.canonical ?? "-")"])
        return ["user": try RecordJSON.user(db, id: userId), "confirmation": confirmation]
    }

    /// `{email, userId, verified: true}`. Keys match case-insensitively; an address already
    /// verified succeeds whatever the key's age.
    package func confirmEmail(key: String, _ db: any SQLConnection) throws -> JSONValue {
        guard let row = try StoredRow.fetchOne(db, sql: """
            SELECT c.sent, c.created, a.id AS address_id, a.email, a.verified, a.user_id
            FROM account_emailconfirmation c JOIN account_emailaddress a ON a.id = c.email_address_id
            WHERE c.key = ?
            """, arguments: [key.lowercased()])
        else { throw DomainError.notFound("confirmation") }
        let userId: Int64 = try row.read("user_id")
        let email: String = try row.read("email")
        let result: JSONValue = ["email": .string(email), "userId": .number(JSONNumber(userId)), "verified": true]
        if try row.read("verified", as: Bool.self) { return result }
        let sent = try row.read("sent", as: Timestamp?.self) ?? row.read("created", as: Timestamp.self)
        guard clock.now() < sent.adding(days: settings.confirmationExpireDays) else {
            throw DomainError(.confirmationExpired)
        }
        let hasPrimary = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM account_emailaddress WHERE user_id = ? AND "primary" = TRUE)
            """, arguments: [userId]) ?? false
        try db.execute(sql: "UPDATE account_emailaddress SET verified = TRUE, \"primary\" = (\"primary\" OR ?) WHERE id = ?",
                       arguments: [!hasPrimary, try row.read("address_id", as: Int64.self)])
        if !hasPrimary {
            try db.execute(sql: "UPDATE users_user SET email = ? WHERE id = ?", arguments: [email, userId])
        }
        return result
    }

    /// A new confirmation for an unverified address, or null for an unknown or verified one (so
    /// callers cannot probe accounts). One per `emails.confirmationCooldownSeconds` per address.
    package func resendConfirmation(email raw: String, _ db: any SQLConnection) throws -> JSONValue {
        let email = try Validate.email(raw)
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT id, verified FROM account_emailaddress WHERE email = ?", arguments: [email]),
              !(try row.read("verified", as: Bool.self))
        else { return ["confirmation": .null] }
        try enforceConfirmationCooldown(email)
        return ["confirmation": try createConfirmation(db, emailAddressId: try row.read("id"), email: email)]
    }

    /// One confirmation email per `emails.confirmationCooldownSeconds` per address (nil: no cooldown).
    /// Every confirmation counts: the one `user.register` and `email.add` send too.
    var confirmationCooldown: Settings.RateLimit? {
        settings.confirmationCooldownSeconds > 0 ? Settings.RateLimit(count: 1, seconds: settings.confirmationCooldownSeconds) : nil
    }

    func enforceConfirmationCooldown(_ email: String) throws(DomainError) {
        guard let cooldown = confirmationCooldown else { return }
        try limiter.enforce("confirm:" + email, limit: cooldown, now: clock.now(), record: false)
    }
}

extension Accounts {
    /// `createsuperuser`: an active staff superuser with a verified primary address.
    /// - Throws: `email_taken`, or a password rule's reason.
    package func createSuperuser(email raw: String, password: String) throws -> Int64 {
        let email = try Validate.email(raw)
        try rules.check(password, attributes: passwordAttributes(email: email, firstName: "", lastName: ""))
        let hash = hasher.hash(password)
        return try database.write { db in
            if try emailTaken(db, email) { throw DomainError(.emailTaken) }
            return try insertUser(db, email: email, passwordHash: hash, superuser: true, verified: true, group: .admin).userId
        }
    }
}

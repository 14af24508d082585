package import TobaRPC
package import TobaStore

extension Accounts {
    /// Every address of a user, primary first, then in the order they were added.
    package static func emailRecords(_ db: any SQLConnection, userId: Int64) throws -> JSONValue {
        .array(try RecordJSON.fetchAll(db, table: Table.accountEmailaddress, sql: """
            SELECT * FROM account_emailaddress WHERE user_id = ? ORDER BY "primary" DESC, id
            """, arguments: [userId]))
    }

    /// The caller's addresses, primary first, then in the order they were added: `{items, nextCursor}`.
    package func listEmails(_ db: any SQLConnection, user: AuthUser, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.accountEmailaddress, page: page, order: .flagFirst(column: "primary"),
                       where: "user_id = ?", arguments: [user.id])
    }

    /// The most addresses a user may have, the primary one included (§8.2).
    static let maxAddressesPerUser = 10

    /// Adds an unverified address and sends it a confirmation: `{email, confirmation}`. At most
    /// `maxAddressesPerUser` addresses (`too_many_addresses`); `email_taken` when an account
    /// holds the address (or the caller has it already); one that another account only added
    /// and never confirmed is taken from it.
    package func addEmail(_ db: any SQLConnection, user: AuthUser, email raw: String) throws -> JSONValue {
        let email = try Validate.email(raw)
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account_emailaddress WHERE user_id = ?", arguments: [user.id]) ?? 0
        guard count < Self.maxAddressesPerUser else { throw DomainError(.tooManyAddresses, field: "email") }
        try releaseUnconfirmedAddress(db, email: email, keeping: user.id)
        if try emailTaken(db, email) { throw DomainError(.emailTaken) }
        try db.execute(sql: "INSERT INTO account_emailaddress (email, verified, \"primary\", user_id) VALUES (?, FALSE, FALSE, ?)",
                       arguments: [email, user.id])
        let id = db.lastInsertedRowID
        let confirmation = try createConfirmation(db, emailAddressId: id, email: email)
        return ["email": try RecordJSON.fetch(db, table: Table.accountEmailaddress, id: id) ?? .null, "confirmation": confirmation]
    }

    /// Makes a verified address of the caller primary, and the account's login email: `{email, user}`.
    package func setPrimaryEmail(_ db: any SQLConnection, user: AuthUser, email raw: String) throws -> JSONValue {
        let email = try Validate.email(raw)
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT id, verified FROM account_emailaddress WHERE email = ? AND user_id = ?",
                                         arguments: [email, user.id])
        else { throw DomainError.notFound("email address") }
        guard try row.read("verified", as: Bool.self) else { throw DomainError(.emailNotVerified, field: "email") }
        try db.execute(sql: "UPDATE account_emailaddress SET \"primary\" = (id = ?) WHERE user_id = ?", arguments: [try row.read("id", as: Int64.self), user.id])
        try db.execute(sql: "UPDATE users_user SET email = ? WHERE id = ?", arguments: [email, user.id])
        return ["email": try RecordJSON.fetch(db, table: Table.accountEmailaddress, id: try row.read("id", as: Int64.self)) ?? .null,
                "user": try RecordJSON.user(db, id: user.id)]
    }

    /// Removes one of the caller's addresses, never the primary one.
    package func removeEmail(_ db: any SQLConnection, user: AuthUser, email raw: String) throws -> JSONValue {
        let email = try Validate.email(raw)
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT id, \"primary\" FROM account_emailaddress WHERE email = ? AND user_id = ?",
                                         arguments: [email, user.id])
        else { throw DomainError.notFound("email address") }
        guard !(try row.read("primary", as: Bool.self)) else { throw DomainError(.cannotRemovePrimary) }
        try db.execute(sql: "DELETE FROM account_emailconfirmation WHERE email_address_id = ?", arguments: [try row.read("id", as: Int64.self)])
        try db.execute(sql: "DELETE FROM account_emailaddress WHERE id = ?", arguments: [try row.read("id", as: Int64.self)])
        return ["removed": true, "email": .string(email)]
    }
}

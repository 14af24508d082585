package import TobaRPC
package import TobaStore

extension Accounts {
    /// `{user, profile, emails, groups, permissions, subscriptions}` of the caller.
    package func me(_ db: any SQLConnection, user: AuthUser) throws -> JSONValue {
        try SubscriptionExpiry.apply(db, now: clock.now(), userId: user.id)
        let groups = try RecordJSON.fetchAll(db, table: Table.authGroup, sql: """
            SELECT g.* FROM auth_group g JOIN users_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = ? ORDER BY g.id
            """, arguments: [user.id])
        let subscriptions = try RecordJSON.fetchAll(db, table: Table.subscriptionsSubscription, sql: """
            SELECT * FROM subscriptions_subscription WHERE user_id = ? ORDER BY created_at, id
            """, arguments: [user.id])
        return [
            "user": try RecordJSON.user(db, id: user.id),
            "profile": try RecordJSON.profile(db, userId: user.id),
            "emails": try Self.emailRecords(db, userId: user.id),
            "groups": .array(groups),
            "permissions": .array(try PermissionChecker.allPermissions(db, userId: user.id).map(JSONValue.string)),
            "subscriptions": .array(subscriptions),
        ]
    }

    package struct ProfileChange: Sendable {
        package var firstName: String?
        package var lastName: String?
        package var phone: String?
        package var photo: String?
        package var categoryId: Patch<Int64>
        package var extraData: Patch<JSONValue>

        package init(firstName: String?, lastName: String?, phone: String?, photo: String?,
                    categoryId: Patch<Int64>, extraData: Patch<JSONValue>) {
            self.firstName = firstName
            self.lastName = lastName
            self.phone = phone
            self.photo = photo
            self.categoryId = categoryId
            self.extraData = extraData
        }
    }

    /// Changes only the fields given; `categoryId`/`extraData` null clear them. `{user, profile}`.
    package func updateProfile(_ db: any SQLConnection, user: AuthUser, change c: ProfileChange) throws -> JSONValue {
        try Validate.length(c.firstName, max: 150, field: "firstName")
        try Validate.length(c.lastName, max: 150, field: "lastName")
        try Validate.length(c.phone, max: 17, field: "phone")
        try Validate.length(c.photo, max: 100, field: "photo")
        if let first = c.firstName { try db.execute(sql: "UPDATE users_user SET first_name = ? WHERE id = ?", arguments: [first, user.id]) }
        if let last = c.lastName { try db.execute(sql: "UPDATE users_user SET last_name = ? WHERE id = ?", arguments: [last, user.id]) }
        try db.execute(sql: "INSERT INTO users_user_profile (user_id, phone, photo, extra_data, category_id) VALUES (?, '', '', NULL, NULL) ON CONFLICT DO NOTHING",
                       arguments: [user.id])
        if let phone = c.phone { try db.execute(sql: "UPDATE users_user_profile SET phone = ? WHERE user_id = ?", arguments: [phone, user.id]) }
        if let photo = c.photo { try db.execute(sql: "UPDATE users_user_profile SET photo = ? WHERE user_id = ?", arguments: [photo, user.id]) }
        switch c.categoryId {
        case .absent: break
        case .null: try db.execute(sql: "UPDATE users_user_profile SET category_id = NULL WHERE user_id = ?", arguments: [user.id])
        case .value(let id):
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users_category WHERE id = ?", arguments: [id]) == true else {
                throw DomainError.notFound("category")
            }
            try db.execute(sql: "UPDATE users_user_profile SET category_id = ? WHERE user_id = ?", arguments: [id, user.id])
        }
        switch c.extraData {
        case .absent: break
        case .null: try db.execute(sql: "UPDATE users_user_profile SET extra_data = NULL WHERE user_id = ?", arguments: [user.id])
        case .value(let data):
            try db.execute(sql: "UPDATE users_user_profile SET extra_data = ? WHERE user_id = ?", arguments: [data.databaseText, user.id])
        }
        return ["user": try RecordJSON.user(db, id: user.id), "profile": try RecordJSON.profile(db, userId: user.id)]
    }

    /// `category.list`: every category, by id.
    package func listCategories(_ db: any SQLConnection, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.usersCategory, page: page)
    }

    /// `category.create` (admin `users.add_category`, checked by the binding): `{category}`; the
    /// name is stripped, not blank, at most 225 characters.
    package func createCategory(_ db: any SQLConnection, admin: AuthUser, name raw: String) throws -> JSONValue {
        let name = try Validate.text(raw, max: 225, field: "name")
        try db.execute(sql: "INSERT INTO users_category (name) VALUES (?)", arguments: [name])
        let id = db.lastInsertedRowID
        try AdminLog.write(db, userId: admin.id, model: ("users", "category"), objectId: String(id), repr: name,
                           action: .addition, at: clock.now())
        return ["category": try RecordJSON.fetch(db, table: Table.usersCategory, id: id) ?? .null]
    }
}

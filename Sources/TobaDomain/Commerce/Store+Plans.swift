package import TobaRPC
package import TobaStore

/// Subscription plans (§8.5, `subscriptions_plan`): a price in whole Rupiah for `periodDays` days
/// of one product.
extension Store {
    package struct PlanInput: Sendable {
        package var productId: Int64?
        package var name: String?
        package var description: String?
        package var price: Int64?
        package var periodDays: Int64?
        package var extraData: Patch<JSONValue>

        package init(productId: Int64?, name: String?, description: String?, price: Int64?, periodDays: Int64?,
                    extraData: Patch<JSONValue>) {
            self.productId = productId
            self.name = name
            self.description = description
            self.price = price
            self.periodDays = periodDays
            self.extraData = extraData
        }

        func validate(_ db: any SQLConnection) throws {
            try InputRules.text(name, max: 225, field: "name", required: true)
            try InputRules.range(price, 0...Int64(Int32.max), field: "price")
            try InputRules.range(periodDays, 1...36_500, field: "periodDays")
            if let productId, try Bool.fetchOne(db, sql: "SELECT 1 FROM store_product WHERE id = ?", arguments: [productId]) != true {
                throw DomainError.notFound("product")
            }
        }
    }

    /// `plan.list`: plans of active products (of every product when `includeInactive`), by id,
    /// optionally of one product.
    package func listPlans(_ db: any SQLConnection, productId: Int64?, includeInactive: Bool, page: PageRequest) throws -> JSONValue {
        var conditions: [String] = []
        var arguments: SQLArguments = []
        if !includeInactive {
            conditions.append("product_id IN (SELECT id FROM store_product WHERE is_active = TRUE)")
        }
        if let productId {
            conditions.append("product_id = ?")
            arguments += [productId]
        }
        return try Page.fetch(db, table: Table.subscriptionsPlan, page: page,
                              where: conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND "), arguments: arguments)
    }

    /// `plan.create`: `{plan}`.
    package func createPlan(_ db: any SQLConnection, admin: AuthUser, _ input: PlanInput) throws -> JSONValue {
        try input.validate(db)
        guard let productId = input.productId, let name = input.name, let price = input.price, let days = input.periodDays else {
            throw DomainError(.valueRequired, field: "name")
        }
        try db.execute(sql: """
            INSERT INTO subscriptions_plan (name, description, price, period_days, extra_data, product_id) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [name, input.description ?? "", price, days, input.extraData.value?.databaseText, productId])
        let id = db.lastInsertedRowID
        try AdminLog.write(db, userId: admin.id, model: ("subscriptions", "plan"), objectId: String(id), repr: name,
                           action: .addition, at: clock.now())
        return ["plan": try plan(db, id: id)]
    }

    /// `plan.update`: changes only the fields given. `{plan}`.
    package func updatePlan(_ db: any SQLConnection, admin: AuthUser, planId: Int64, _ input: PlanInput) throws -> JSONValue {
        try input.validate(db)
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT * FROM subscriptions_plan WHERE id = ?", arguments: [planId]) else {
            throw DomainError.notFound("plan")
        }
        var changes = ColumnValues(changing: row)
        changes.set("product_id", input.productId)
        changes.set("name", input.name)
        changes.set("description", input.description)
        changes.set("price", input.price)
        changes.set("period_days", input.periodDays)
        changes.setJSON("extra_data", input.extraData)
        try changes.updateLogged(db, table: Table.subscriptionsPlan, id: planId, admin: admin, model: ("subscriptions", "plan"),
                                 objectId: String(planId), repr: try input.name ?? row.read("name"), at: clock.now())
        return ["plan": try plan(db, id: planId)]
    }

    func plan(_ db: any SQLConnection, id: Int64) throws -> JSONValue {
        try RecordJSON.fetch(db, table: Table.subscriptionsPlan, id: id, orNotFound: "plan")
    }

    /// What a renewal or a purchase needs of a plan.
    struct PlanTerms {
        let id: Int64
        let productId: Int64
        let name: String
        let price: Int64
        let periodDays: Int64
    }

    static func terms(_ db: any SQLConnection, planId: Int64) throws -> PlanTerms {
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT id, product_id, name, price, period_days FROM subscriptions_plan WHERE id = ?",
                                         arguments: [planId]) else { throw DomainError.notFound("plan") }
        return PlanTerms(id: try row.read("id"), productId: try row.read("product_id"), name: try row.read("name"), price: try row.read("price"),
                         periodDays: try row.read("period_days"))
    }
}

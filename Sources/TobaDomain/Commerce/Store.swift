package import TobaRPC
package import TobaStore

/// Store products (§8.5, `store_product`). Plans are in `Store+Plans.swift`.
/// The admin rule runs before these (`Bind.admin`); each change writes one admin log row.
package final class Store: Sendable {
    let clock: ServiceClock

    package init(clock: ServiceClock) {
        self.clock = clock
    }

    /// The columns of a product an admin sets (`product.create` / `product.update`).
    package struct ProductInput: Sendable {
        package var name: String?
        package var description: String?
        package var appLink: String?
        package var extraData: Patch<JSONValue>
        package var landingLink: String?
        package var isActive: Bool?
        package var nickname: String?

        package init(name: String?, description: String?, appLink: String?, extraData: Patch<JSONValue>,
                    landingLink: String?, isActive: Bool?, nickname: String?) {
            self.name = name
            self.description = description
            self.appLink = appLink
            self.extraData = extraData
            self.landingLink = landingLink
            self.isActive = isActive
            self.nickname = nickname
        }

        func validate() throws(DomainError) {
            try InputRules.text(name, max: 40, field: "name", required: true)
            try InputRules.text(appLink, max: 200, field: "appLink")
            try InputRules.text(landingLink, max: 200, field: "landingLink")
            try InputRules.text(nickname, max: 40, field: "nickname")
        }
    }

    /// `product.list`: active products by id; every product when `includeInactive`.
    package func listProducts(_ db: any SQLConnection, includeInactive: Bool, page: PageRequest) throws -> JSONValue {
        try Page.fetch(db, table: Table.storeProduct, page: page, where: includeInactive ? "TRUE" : "is_active = TRUE")
    }

    /// `product.create`: `{product}`. Text columns default to empty, `isActive` to true.
    package func createProduct(_ db: any SQLConnection, admin: AuthUser, _ input: ProductInput) throws -> JSONValue {
        try input.validate()
        guard let name = input.name else { throw DomainError(.valueRequired, field: "name") }
        try db.execute(sql: """
            INSERT INTO store_product (name, description, app_link, extra_data, landing_link, is_active, nickname)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [name, input.description ?? "", input.appLink ?? "", input.extraData.value?.databaseText,
                             input.landingLink ?? "", input.isActive ?? true, input.nickname ?? ""])
        let id = db.lastInsertedRowID
        try AdminLog.write(db, userId: admin.id, model: ("store", "product"), objectId: String(id), repr: name,
                           action: .addition, at: clock.now())
        return ["product": try product(db, id: id)]
    }

    /// `product.update`: changes only the fields given (`extraData: null` clears it). `{product}`.
    package func updateProduct(_ db: any SQLConnection, admin: AuthUser, productId: Int64, _ input: ProductInput) throws -> JSONValue {
        try input.validate()
        guard let row = try StoredRow.fetchOne(db, sql: "SELECT * FROM store_product WHERE id = ?", arguments: [productId]) else {
            throw DomainError.notFound("product")
        }
        var changes = ColumnValues(changing: row)
        changes.set("name", input.name)
        changes.set("description", input.description)
        changes.set("app_link", input.appLink)
        changes.setJSON("extra_data", input.extraData)
        changes.set("landing_link", input.landingLink)
        changes.set("is_active", input.isActive)
        changes.set("nickname", input.nickname)
        try changes.updateLogged(db, table: Table.storeProduct, id: productId, admin: admin, model: ("store", "product"),
                                 objectId: String(productId), repr: try input.name ?? row.read("name"), at: clock.now())
        return ["product": try product(db, id: productId)]
    }

    func product(_ db: any SQLConnection, id: Int64) throws -> JSONValue {
        try RecordJSON.fetch(db, table: Table.storeProduct, id: id, orNotFound: "product")
    }

    /// The product a purchase or a voucher claim is for: `productId` when given (it must exist
    /// and be active), otherwise the only active product.
    /// - Throws: `product_required` (1000) when omitted while zero or several products are active.
    static func activeProduct(_ db: any SQLConnection, productId: Int64?) throws -> Int64 {
        if let productId {
            guard let active = try Bool.fetchOne(db, sql: "SELECT is_active FROM store_product WHERE id = ?", arguments: [productId]) else {
                throw DomainError.notFound("product")
            }
            guard active else { throw DomainError(.productInactive) }
            return productId
        }
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM store_product WHERE is_active = TRUE ORDER BY id LIMIT 2")
        guard ids.count == 1, let only = ids.first else { throw DomainError(.productRequired, field: "productId") }
        return only
    }
}

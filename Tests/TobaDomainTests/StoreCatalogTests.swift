import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.5 products and plans: values checked against their columns, plans of existing products,
/// and what the public lists offer.
@Suite struct StoreCatalogTests {
    func product(_ name: String, appLink: String? = nil) -> Store.ProductInput {
        Store.ProductInput(name: name, description: nil, appLink: appLink, extraData: .absent, landingLink: nil, isActive: nil, nickname: nil)
    }

    func plan(_ productId: Int64, price: Int64 = 0, days: Int64 = 1) -> Store.PlanInput {
        Store.PlanInput(productId: productId, name: "X", description: nil, price: price, periodDays: days, extraData: .absent)
    }

    @Test func productFieldsAreCheckedAgainstTheirColumns() async throws {
        let t = try await TestDatabase()
        func create(_ input: Store.ProductInput) -> DomainError? {
            #expect(throws: DomainError.self) {
                try t.admin(.storeAddProduct) { admin, db in try t.services.store.createProduct(db, admin: admin, input) }
            }
        }
        // Then a name over 40 characters, a link over 200, a blank name are refused, naming the field
        #expect(create(product(String(repeating: "x", count: 41))) == DomainError(.valueTooLong, field: "name"))
        #expect(create(product("A", appLink: "https://" + String(repeating: "a", count: 200)))
                == DomainError(.valueTooLong, field: "appLink"))
        #expect(create(product("  ")) == DomainError(.valueRequired, field: "name"))
        // And an unknown product cannot be updated
        let unknown = #expect(throws: DomainError.self) {
            try t.admin(.storeChangeProduct) { admin, db in try t.services.store.updateProduct(db, admin: admin, productId: 42, product("B")) }
        }
        #expect(unknown?.kind == .notFound)
    }

    @Test func plansBelongToProductsAndKeepTheirRules() async throws {
        // Given an active and a retired product, each with a plan
        let t = try await TestDatabase()
        let active = try t.product("Active")
        let retired = try t.product("Retired", active: false)
        _ = try t.plan(active)
        _ = try t.plan(retired)
        func create(_ input: Store.PlanInput) -> DomainError? {
            #expect(throws: DomainError.self) {
                try t.admin(.subscriptionsAddPlan) { admin, db in try t.services.store.createPlan(db, admin: admin, input) }
            }
        }
        // Then a negative price, no days, an unknown product are refused
        #expect(create(plan(active, price: -1, days: 30)) == DomainError(.valueOutOfRange, field: "price"))
        #expect(create(plan(active, days: 0)) == DomainError(.valueOutOfRange, field: "periodDays"))
        #expect(create(plan(99))?.kind == .notFound)
        // And the public list offers only plans of active products, every plan when asked by an admin
        func plans(productId: Int64? = nil, all: Bool = false) throws -> Int? {
            try t.write { db in
                try t.services.store.listPlans(db, productId: productId, includeInactive: all, page: PageRequest(limit: nil, cursor: nil))
            }["items"]?.arrayValue?.count
        }
        #expect(try plans() == 1, "plans of inactive products are not offered")
        #expect(try plans(productId: retired) == 0)
        #expect(try plans(productId: retired, all: true) == 1)
    }

    @Test func thePublicListShowsActiveProductsAndAllOnlyWhenAsked() async throws {
        // Given an active and a retired product
        let t = try await TestDatabase()
        _ = try t.product("Active")
        _ = try t.product("Retired", active: false)
        func names(all: Bool) throws -> JSONValue {
            try t.write { db in try t.services.store.listProducts(db, includeInactive: all, page: PageRequest(limit: nil, cursor: nil)) }
        }
        // Then the public list shows the active one, on one page; the whole list both
        let open = try names(all: false)
        #expect(open["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Active"])
        #expect(open["nextCursor"] == .null)
        #expect(try names(all: true)["items"]?.arrayValue?.count == 2)
    }
}

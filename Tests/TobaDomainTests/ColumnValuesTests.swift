import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// `ColumnValues` built against a stored row: an admin update writes only the columns whose
/// value really changes, and logs exactly those (Django's `form.changed_data`); an update that
/// changes nothing writes neither the row nor a log entry.
@Suite struct ColumnValuesTests {
    static let row = StoredRow(columns: ["name", "is_active", "nickname", "extra_data"],
                               values: [.text("Widya"), .integer(1), .null, .text(#"{"theme":  "dark", "n": 1}"#)])

    @Test func onlyValuesGivenAndDifferentFromTheStoredOnesAreAssigned() {
        // Given a stored row
        var changes = ColumnValues(changing: Self.row)
        // When the same name, no nickname and another flag are set
        changes.set("name", "Widya")
        changes.set("nickname", nil as String?)
        changes.set("is_active", false)
        // Then only the flag is assigned
        #expect(changes.columns == ["is_active"])
        #expect(changes.assignments.first?.value == false.sqlValue)
    }

    @Test func aJSONColumnComparesValuesNotTheirSpelling() throws {
        let same = try JSONParser.parse(Array(#"{"theme":"dark","n":1}"#.utf8))
        // Given a stored JSON text spelt with other spaces
        var unchanged = ColumnValues(changing: Self.row)
        // When the same value is set, or nothing
        unchanged.setJSON("extra_data", .value(same))
        unchanged.setJSON("extra_data", .absent)
        // Then nothing is assigned
        #expect(unchanged.columns.isEmpty)

        // When another value, or null, is set
        var changed = ColumnValues(changing: Self.row)
        changed.setJSON("extra_data", .value(["theme": "light"]))
        var cleared = ColumnValues(changing: Self.row)
        cleared.setJSON("extra_data", .null)
        // Then the column is assigned (null as SQL NULL)
        #expect(changed.assignments.map(\.value) == [#"{"theme":"light"}"#.sqlValue])
        #expect(cleared.assignments.map(\.value) == [.null])

        // And null on a null column, or any value on unreadable stored text, is told apart correctly
        let odd = StoredRow(columns: ["a", "b"], values: [.null, .text("not json")])
        var mixed = ColumnValues(changing: odd)
        mixed.setJSON("a", .null)
        mixed.setJSON("b", .value("not json"))
        #expect(mixed.columns == ["b"])
    }

    @Test func anUpdateLogsTheChangedColumnsAndAnUpdateChangingNothingLogsNothing() async throws {
        // Given a product made with every field
        let t = try await TestDatabase()
        let input = Store.ProductInput(name: "Widya Analytics", description: "Social media analytics", appLink: "https://app.toba.ai",
                                       extraData: .value(["tier": "pro"]), landingLink: "https://toba.ai", isActive: nil, nickname: "WA")
        let created = try t.admin(.storeAddProduct) { admin, db in try t.services.store.createProduct(db, admin: admin, input) }
        let product = try #require(created["product"])
        #expect(product["isActive"] == true)
        #expect(product["extraData"]?["tier"] == "pro")
        #expect(product["appLink"] == "https://app.toba.ai")
        func update(_ change: Store.ProductInput) throws -> JSONValue {
            try t.admin(.storeChangeProduct) { admin, db in
                try t.services.store.updateProduct(db, admin: admin, productId: try t.id(product), change)
            }
        }
        func change(isActive: Bool? = nil, nickname: String? = nil, extraData: Patch<JSONValue> = .absent) -> Store.ProductInput {
            Store.ProductInput(name: nil, description: nil, appLink: nil, extraData: extraData, landingLink: nil,
                               isActive: isActive, nickname: nickname)
        }
        // When it is switched off with its extra data cleared and its nickname given again, then only the nickname given again
        let updated = try update(change(isActive: false, nickname: "WA", extraData: .null))
        _ = try update(change(nickname: "WA"))
        // Then the product changed, and the log has the addition and one change of the two columns
        #expect(updated["product"]?["isActive"] == false)
        #expect(updated["product"]?["extraData"] == .null)
        let log = try t.adminLog().filter { $0["appLabel"] == "store" }
        #expect(log.count == 2, "an update that changes nothing writes no row")
        #expect(log.last?["actionFlag"] == 1)
        #expect(log.first?["actionFlag"] == 2)
        #expect(log.first?["changeMessage"]?[0]?["changed"]?["fields"] == ["extra_data", "is_active"])
        #expect(log.first?["objectRepr"] == "Widya Analytics")
    }

    @Test func aPlanUpdateChangesAndLogsOnlyTheFieldsGiven() async throws {
        // Given a 30-day plan of 100,000
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product())
        // When its price and description are given
        let change = Store.PlanInput(productId: nil, name: nil, description: "Monthly plan", price: 120_000, periodDays: nil, extraData: .absent)
        let updated = try t.admin(.subscriptionsChangePlan) { admin, db in
            try t.services.store.updatePlan(db, admin: admin, planId: plan, change)
        }
        // Then those change, the rest stays, and the log names the two columns
        #expect(updated["plan"]?["price"] == 120_000)
        #expect(updated["plan"]?["periodDays"] == 30)
        let log = try t.adminLog().filter { $0["model"] == "plan" }
        #expect(log.first?["changeMessage"]?[0]?["changed"]?["fields"] == ["description", "price"])
    }
}

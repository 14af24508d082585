import Foundation
import Testing
import TobaRPC

/// §8.5 end to end: products and plans, who may see and change them, and the admin log.
@Suite struct CommerceStoreTests {
    @Test func productsAreCreatedListedAndUpdatedByAdminsAndLogged() throws {
        let shop = try Shop()
        let created = try shop.sidecar.result("product.create", [
            "token": shop.admin, "name": "Widya Analytics", "description": "Social media analytics",
            "appLink": "https://app.toba.ai", "landingLink": "https://toba.ai", "nickname": "WA", "extraData": ["tier": "pro"],
        ])
        let product = try #require(created["product"])
        #expect(product["isActive"] == true)
        #expect(product["extraData"]?["tier"] == "pro")
        #expect(product["appLink"] == "https://app.toba.ai")

        let updated = try shop.sidecar.result("product.update", ["token": shop.admin, "productId": product["id"]!,
                                                                 "isActive": false, "nickname": "WA", "extraData": .null])
        #expect(updated["product"]?["isActive"] == false)
        #expect(updated["product"]?["extraData"] == .null)
        _ = try shop.sidecar.result("product.update", ["token": shop.admin, "productId": product["id"]!, "nickname": "WA"])

        let log = try shop.adminLog().filter { $0["appLabel"] == "store" }
        #expect(log.count == 2, "an update that changes nothing writes no row")
        #expect(log.last?["actionFlag"] == 1)
        #expect(log.first?["actionFlag"] == 2)
        #expect(log.first?["changeMessage"]?[0]?["changed"]?["fields"] == ["extra_data", "is_active"])
        #expect(log.first?["objectRepr"] == "Widya Analytics")
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func thePublicListShowsActiveProductsAndOnlyAdminsMayAskForAll() throws {
        let shop = try Shop()
        _ = try shop.product("Active")
        _ = try shop.product("Retired", active: false)
        let (_, user) = try shop.user("ana@example.com")

        let open = try shop.sidecar.result("product.list", [:])
        #expect(open["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Active"])
        #expect(open["nextCursor"] == .null)
        let noToken = try shop.sidecar.error("product.list", ["includeInactive": true])
        #expect(noToken["code"] == 1001)
        #expect(noToken["data"]?["reason"] == "invalid_token")
        let plain = try shop.sidecar.error("product.list", ["includeInactive": true, "token": user])
        #expect(plain["data"]?["permission"] == "store.view_product")
        #expect(try shop.sidecar.error("product.list", ["token": "garbage"])["code"] == 1001)
        let all = try shop.sidecar.result("product.list", ["includeInactive": true, "token": shop.admin])
        #expect(all["items"]?.arrayValue?.count == 2)
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func productFieldsAreCheckedAgainstTheirColumns() throws {
        let shop = try Shop()
        let long = try shop.sidecar.error("product.create", ["token": shop.admin, "name": .string(String(repeating: "x", count: 41))])
        #expect(long["code"] == 1000)
        #expect(long["data"]?["reason"] == "value_too_long")
        #expect(long["data"]?["field"] == "name")
        let link = try shop.sidecar.error("product.create", ["token": shop.admin, "name": "A",
                                                             "appLink": .string("https://" + String(repeating: "a", count: 200))])
        #expect(link["data"]?["field"] == "appLink")
        #expect(try shop.sidecar.error("product.create", ["token": shop.admin, "name": "  "])["data"]?["reason"] == "value_required")
        #expect(try shop.sidecar.error("product.update", ["token": shop.admin, "productId": 42, "name": "B"])["code"] == 1003)
        #expect(try shop.sidecar.error("product.create", ["token": shop.admin, "name": "A", "price": 1])["data"]?["reason"] == "unknown")
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func plansBelongToProductsAndKeepTheirRules() throws {
        let shop = try Shop()
        let active = try shop.product("Active")
        let retired = try shop.product("Retired", active: false)
        let monthly = try shop.plan(active, price: 100_000, days: 30)
        _ = try shop.plan(retired)

        let negative = try shop.sidecar.error("plan.create", ["token": shop.admin, "productId": active, "name": "X", "price": -1, "periodDays": 30])
        #expect(negative["data"]?["reason"] == "value_out_of_range")
        #expect(negative["data"]?["field"] == "price")
        let zeroDays = try shop.sidecar.error("plan.create", ["token": shop.admin, "productId": active, "name": "X", "price": 0, "periodDays": 0])
        #expect(zeroDays["data"]?["field"] == "periodDays")
        #expect(try shop.sidecar.error("plan.create", ["token": shop.admin, "productId": 99, "name": "X", "price": 0, "periodDays": 1])["code"] == 1003)
        let fractional = try shop.sidecar.error("plan.create", ["token": shop.admin, "productId": active, "name": "X", "price": .number(JSONNumber(1.5)!), "periodDays": 1])
        #expect(fractional["code"] == -32602)

        let listed = try shop.sidecar.result("plan.list", [:])
        #expect(listed["items"]?.arrayValue?.count == 1, "plans of inactive products are not offered")
        #expect(try shop.sidecar.result("plan.list", ["productId": retired])["items"]?.arrayValue?.isEmpty == true)
        #expect(try shop.sidecar.result("plan.list", ["productId": retired, "includeInactive": true, "token": shop.admin])["items"]?.arrayValue?.count == 1)

        let updated = try shop.sidecar.result("plan.update", ["token": shop.admin, "planId": monthly, "price": 120_000, "description": "Monthly plan"])
        #expect(updated["plan"]?["price"] == 120_000)
        #expect(updated["plan"]?["periodDays"] == 30)
        let log = try shop.adminLog().filter { $0["model"] == "plan" }
        #expect(log.first?["changeMessage"]?[0]?["changed"]?["fields"] == ["description", "price"])
        #expect(try shop.sidecar.finish() == 0)
    }

    @Test func storeChangesNeedTheirPermissions() throws {
        let shop = try Shop()
        let product = try shop.product()
        let plan = try shop.plan(product)
        let (_, user) = try shop.user("ana@example.com")
        let cases: [(String, JSONValue, String)] = [
            ("product.create", ["token": user, "name": "X"], "store.add_product"),
            ("product.update", ["token": user, "productId": product, "name": "X"], "store.change_product"),
            ("plan.create", ["token": user, "productId": product, "name": "X", "price": 1, "periodDays": 1], "subscriptions.add_plan"),
            ("plan.update", ["token": user, "planId": plan, "name": "X"], "subscriptions.change_plan"),
        ]
        for (method, params, permission) in cases {
            let denied = try shop.sidecar.error(method, params)
            #expect(denied["code"] == 1002, "\(method)")
            #expect(denied["data"]?["permission"] == .string(permission), "\(method)")
        }
        let editor = try shop.staff("editor@example.com", permissions: ["store.change_product"])
        #expect(try shop.sidecar.result("product.update", ["token": editor, "productId": product, "name": "Renamed"])["product"]?["name"] == "Renamed")
        #expect(try shop.sidecar.error("product.create", ["token": editor, "name": "X"])["code"] == 1002)
        #expect(try shop.sidecar.finish() == 0)
    }
}

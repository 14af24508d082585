import Foundation
import Testing
import TobaRPC

/// §8.7 `payment.list {token}` "(own; admin `payments.view_product` for others)": the list takes
/// no user, so an admin holding the permission sees every user's payments.
@Suite struct AuditCommercePaymentListTests {
    @Test func anAdminHoldingViewProductListsEveryUsersPaymentsAndOthersOnlyTheirOwn() throws {
        let shop = try Shop()
        let plan = try shop.plan(try shop.product())
        let (anaId, ana) = try shop.user("ana@example.com")
        let (_, budi) = try shop.user("budi@example.com")
        let anaPayment = try shop.sidecar.result("payment.create", ["token": ana, "planId": plan])["payment"]?["id"]
        let budiPayment = try shop.sidecar.result("payment.create", ["token": budi, "planId": plan])["payment"]?["id"]
        func ids(_ params: JSONValue) throws -> [JSONValue] {
            try shop.sidecar.result("payment.list", params)["items"]?.arrayValue?.compactMap { $0["id"] } ?? []
        }

        // The clock is frozen: both have the same `createdAt`, so compare without order.
        #expect(Set(try ids(["token": shop.admin]).compactMap(\.stringValue)) == Set([anaPayment, budiPayment].compactMap { $0?.stringValue }))
        #expect(try ids(["token": shop.admin, "userId": anaId]) == [anaPayment].compactMap { $0 })
        let viewer = try shop.staff("viewer@example.com", permissions: ["payments.view_product"])
        #expect(try ids(["token": viewer]).count == 2)
        #expect(try ids(["token": ana]) == [anaPayment].compactMap { $0 })
        let denied = try shop.sidecar.error("payment.list", ["token": budi, "userId": anaId])
        #expect(denied["code"] == 1002)
        #expect(denied["data"]?["permission"] == "payments.view_product")
        #expect(try shop.sidecar.finish() == 0)
    }
}

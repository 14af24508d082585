import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.7: who sees a payment (its owner; an admin holding `payments.view_product`) and the soft
/// delete that hides it from its owner.
@Suite struct PaymentVisibilityTests {
    @Test func paymentsAreVisibleToTheirOwnerAndToAdminsOnly() async throws {
        // Given a buyer's payment and another user
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product())
        let buyer = try t.user("buyer@example.com")
        let other = try t.user("other@example.com")
        let id = try t.createPayment(as: buyer, plan: plan)["payment"]?["id"]
        // Then the owner and the superuser see it, the other user does not even learn it exists
        #expect(try t.payment(id, as: buyer)?["id"] == id)
        #expect(try t.payment(id, as: t.root)?["id"] == id)
        #expect(#expect(throws: DomainError.self) { try t.payment(id, as: other) }?.kind == .notFound)
        #expect(try t.paymentIds(as: buyer).count == 1)
        #expect(try t.paymentIds(as: other).isEmpty)
        // And asking for another user's list needs the permission
        let denied = #expect(throws: DomainError.self) { try t.paymentIds(as: other, userId: buyer.id) }
        #expect(denied == DomainError.permissionDenied("payments.view_product"))
    }

    /// `payment.list {token}` "(own; admin `payments.view_product` for others)": the list takes
    /// no user, so an admin holding the permission sees every user's payments.
    @Test func anAdminHoldingViewProductListsEveryUsersPaymentsAndOthersOnlyTheirOwn() async throws {
        // Given two buyers with a payment each
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product())
        let ana = try t.user("ana@example.com")
        let budi = try t.user("budi@example.com")
        let anaPayment = try #require(try t.createPayment(as: ana, plan: plan)["payment"]?["id"])
        let budiPayment = try #require(try t.createPayment(as: budi, plan: plan)["payment"]?["id"])
        // Then the superuser lists both (the clock stands still: same `createdAt`, so compare
        // without order) and one user's only when asked for
        #expect(Set(try t.paymentIds(as: t.root)) == [anaPayment, budiPayment])
        #expect(try t.paymentIds(as: t.root, userId: ana.id) == [anaPayment])
        // And so does a staff user holding `payments.view_product`
        let viewer = try t.staff("viewer@example.com", permissions: [.paymentsViewProduct])
        #expect(try t.paymentIds(as: viewer).count == 2)
        // And a buyer sees only their own, and may not ask for another's
        #expect(try t.paymentIds(as: ana) == [anaPayment])
        let denied = #expect(throws: DomainError.self) { try t.paymentIds(as: budi, userId: ana.id) }
        #expect(denied == DomainError.permissionDenied("payments.view_product"))
    }

    @Test func deletingIsAnAdminSoftDeleteThatHidesThePayment() async throws {
        // Given a buyer's payment
        let t = try await TestDatabase()
        let plan = try t.plan(try t.product())
        let buyer = try t.user("buyer@example.com")
        let id = try t.createPayment(as: buyer, plan: plan)["payment"]?["id"]
        func delete(as caller: TestDatabase.Caller? = nil) throws -> JSONValue {
            try t.admin(.paymentsDeleteProduct, as: caller) { admin, db in
                try t.services.payments.delete(db, admin: admin, paymentId: id?.stringValue ?? "")
            }
        }
        // When the buyer tries to delete it
        let denied = #expect(throws: DomainError.self) { try delete(as: buyer) }
        // Then that is an admin's permission
        #expect(denied == DomainError.permissionDenied("payments.delete_product"))

        // When the superuser deletes it, twice
        let deleted = try delete()
        _ = try delete()
        // Then it is marked deleted now, once
        #expect(deleted["payment"]?["deletedAt"] == .string(TestDatabase.start.rfc3339))
        // And its owner neither lists nor finds it; the admin still does
        #expect(try t.paymentIds(as: buyer).isEmpty)
        #expect(#expect(throws: DomainError.self) { try t.payment(id, as: buyer) }?.kind == .notFound)
        #expect(try t.payment(id, as: t.root)?["deletedAt"] != .null)
        // And the deletion is logged once, as Django's admin logs one
        let log = try t.adminLog().filter { $0["appLabel"] == "payments" }
        #expect(log.count == 1)
        #expect(log.first?["actionFlag"] == 3)
        #expect(log.first?["objectId"] == id)
    }
}

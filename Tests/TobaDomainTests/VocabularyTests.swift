import Testing
import TobaStore
@testable import TobaDomain

/// The words the domains share with the stored data: permissions and groups are seeded by the
/// first migration; statuses read back only as the words they are.
@Suite struct VocabularyTests {
    @Test func everyPermissionTheMethodsRequireIsSeeded() throws {
        let database = try AppDatabase.open(path: ":memory:", durability: .normal)
        let seeded = Set(try database.read { db in
            try String.fetchAll(db, sql: """
                SELECT ct.app_label || '.' || p.codename FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
                """)
        })
        let missing = Permission.allCases.filter { !seeded.contains($0.rawValue) }
        #expect(missing.isEmpty, "not seeded: \(missing)")
    }

    @Test func everyBuiltinGroupIsSeeded() throws {
        let database = try AppDatabase.open(path: ":memory:", durability: .normal)
        let ids = try database.read { db in try BuiltinGroup.allCases.map { try $0.id(db) } }
        #expect(Set(ids).count == BuiltinGroup.allCases.count)
    }

    @Test func statusesReadBackOnlyAsTheirWords() {
        for status in PaymentStatus.allCases {
            #expect(PaymentStatus.decode(status.sqlValue) == status)
        }
        #expect(PaymentStatus.partialRefund.sqlValue == .text("partial_refund"))
        #expect(SubscriptionStatus.decode(.text("canceled")) == .canceled)
        #expect(SubscriptionStatus.decode(.text("cancelled")) == nil)
        #expect(SubscriptionStatus.decode(.integer(1)) == nil)
        #expect(SubscriptionStatus?.decode(.null) == .some(nil))
    }

    @Test func aPaymentNeverMovesBackToPendingNorPastARenewal() {
        #expect(PaymentStatus.accepts(from: .pending, to: .settlement, renewed: false))
        #expect(!PaymentStatus.accepts(from: .settlement, to: .pending, renewed: false))
        #expect(!PaymentStatus.accepts(from: nil, to: .pending, renewed: false))
        #expect(PaymentStatus.accepts(from: nil, to: .deny, renewed: false))
        #expect(PaymentStatus.accepts(from: .deny, to: .deny, renewed: false))
        #expect(!PaymentStatus.accepts(from: .capture, to: .capture, renewed: true))
        #expect(PaymentStatus.accepts(from: .settlement, to: .partialRefund, renewed: true))
    }
}

import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// §8.8 the voucher itself: codes stored in both cases and matched in any, unique codes and
/// names, a window that ends after it starts, and what anyone may learn of a voucher.
@Suite struct VoucherRecordTests {
    @Test func codesAreStoredInBothCasesAndNamesAndCodesAreUnique() async throws {
        // Given a voucher "Welcome-2026" named "Launch"
        let t = try await TestDatabase()
        let created = try t.voucher()
        // Then its code is stored upper- and lower-cased, active, unclaimed
        #expect(created["voucher"]?["code"] == "WELCOME-2026")
        #expect(created["voucher"]?["codeL"] == "welcome-2026")
        #expect(created["voucher"]?["isActive"] == true)
        #expect(created["voucher"]?["claimed"] == 0)
        // And its code (in any case) and its name are taken; the window and the usage are checked
        func refusal(_ input: Vouchers.Input) -> DomainError? {
            #expect(throws: DomainError.self) { try t.voucher(input) }
        }
        #expect(refusal(TestDatabase.voucherInput(code: "WELCOME-2026", name: "Other")) == DomainError(.voucherCodeTaken))
        #expect(refusal(TestDatabase.voucherInput(code: "other")) == DomainError(.voucherNameTaken))
        #expect(refusal(TestDatabase.voucherInput(code: "x", name: "x", to: TestDatabase.start))
                == DomainError(.invalidWindow, field: "validTo"))
        #expect(refusal(TestDatabase.voucherInput(code: "x", name: "x", usage: -1)) == DomainError(.valueOutOfRange, field: "usage"))
        // And only the creation is logged, named after the voucher
        let log = try t.adminLog().filter { $0["appLabel"] == "vouchers" }
        #expect(log.count == 1)
        #expect(log.first?["objectRepr"] == "Launch")
    }

    @Test func anyoneMayLookUpAVoucherCaseInsensitively() async throws {
        // Given a voucher bound to 3 claims, claimed once, and an unbound one
        let t = try await TestDatabase()
        _ = try t.product()
        try t.voucher(TestDatabase.voucherInput(usage: 3))
        try t.voucher(TestDatabase.voucherInput(code: "open", name: "Open", bound: false))
        let ana = try t.user("ana@example.com")
        _ = try t.call(as: ana) { user, db in try t.services.vouchers.claim(db, user: user, code: "welcome-2026", productId: nil) }
        func info(_ code: String) throws -> JSONValue {
            try t.write { db in try t.services.vouchers.publicInfo(db, code: code) }
        }
        // Then anyone learns its code, state, window and the claims left, whatever the case they type
        #expect(try info("wElCoMe-2026") == ["code": "WELCOME-2026", "isActive": true, "validFrom": .string(TestDatabase.start.rfc3339),
                                             "validTo": .string(TestDatabase.at(days: 10).rfc3339), "remaining": 2])
        // And an unbound voucher has no count of claims left; an unknown code is not found
        #expect(try info("OPEN")["remaining"] == .null)
        #expect(#expect(throws: DomainError.self) { try info("nope") }?.kind == .notFound)
    }
}

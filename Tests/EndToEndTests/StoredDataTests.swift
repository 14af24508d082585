import Foundation
import GRDB
import Testing
import TobaRPC

/// PROTOCOL.md §10 "Reading what other programs wrote", on the case an outside attack found: a
/// voucher whose `valid_from` PostgreSQL wrote as `2024-01-01 00:00:00+00` killed the process and
/// its request was never answered.
@Suite struct StoredDataTests {
    /// A shop with a product, a buyer and voucher `PG1`, stopped; `edit` then changes its file
    /// as another program would, and the shop is served again.
    func voucherShop(_ edit: String) throws -> (sidecar: Sidecar, admin: JSONValue, buyer: JSONValue) {
        let shop = try Shop()
        _ = try shop.product()
        let (_, buyer) = try shop.user("buyer@example.com")
        _ = try shop.sidecar.result("voucher.create", [
            "token": shop.admin, "code": "PG1", "name": "PG", "validFrom": "2026-01-01T00:00:00Z",
            "validTo": "2027-01-01T00:00:00Z", "bound": true, "usage": 5,
        ])
        #expect(try shop.sidecar.finish() == 0)
        let database = shop.sidecar.directory.appendingPathComponent("toba.sqlite")
        try SidecarDatabase.write(database) { db in try db.execute(sql: edit) }
        let sidecar = try Sidecar(arguments: ["--db", database.path, "--allow-test-clock"], config: Shop.config(),
                                  directory: shop.sidecar.directory)
        try sidecar.setClock(Shop.start)
        return (sidecar, shop.admin, buyer)
    }

    @Test func aVoucherWhoseDatesAndFlagsPostgreSQLWroteIsReadAndClaimed() throws {
        // Given a voucher as PostgreSQL writes its timestamps and booleans
        let (sidecar, admin, buyer) = try voucherShop("""
            UPDATE vouchers_invitation SET valid_from = '2024-01-01 00:00:00+00', valid_to = '2030-01-01 07:00:00.5+07',
                bound = 't', is_active = 'true'
            """)
        // Then it reads in the protocol's form, and can be claimed
        let info = try sidecar.result("voucher.get", ["code": "pg1"])
        #expect(info == ["code": "PG1", "isActive": true, "validFrom": "2024-01-01T00:00:00.000000Z",
                         "validTo": "2030-01-01T00:00:00.500000Z", "remaining": 5])
        let claimed = try sidecar.call("voucher.claim", ["token": buyer, "code": "PG1"])
        #expect(claimed["result"]?["claim"] != nil, "\(claimed)")
        let listed = try sidecar.result("voucher.list", ["token": admin])["items"]?[0]
        #expect(listed?["validFrom"] == "2024-01-01T00:00:00.000000Z")
        #expect(listed?["bound"] == true)
        #expect(try sidecar.finish() == 0)
    }

    @Test func anUnreadableValueFailsOnlyTheRequestsThatReadItAndTheLogNamesItsColumnNotItsValue() throws {
        // Given a voucher whose valid_from no program could read as a time
        let (sidecar, admin, buyer) = try voucherShop("UPDATE vouchers_invitation SET valid_from = 'not-a-time-5ecret'")
        // Then each request reading it fails with storage_error, and every other one works
        for (method, params) in [("voucher.get", ["code": "PG1"]), ("voucher.claim", ["token": buyer, "code": "PG1"]),
                                 ("voucher.list", ["token": admin])] as [(String, JSONValue)] {
            let error = try sidecar.call(method, params)
            #expect(error.errorCode == 1008, "\(method): \(error)")
            #expect(error.errorReason == "storage_error", "\(method)")
        }
        #expect(try sidecar.result("product.list")["items"]?.arrayValue?.count == 1)
        #expect(try sidecar.result("system.health")["status"] == "ok")
        #expect(sidecar.process.isRunning)
        #expect(try sidecar.finish() == 0)
        #expect(sidecar.stderrText.contains("valid_from"))
        #expect(sidecar.stderrText.contains("vouchers_invitation"))
        #expect(!sidecar.stderrText.contains("5ecret"))
    }
}

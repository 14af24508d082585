import Foundation
import Testing
import TobaRPC
import TobaStore

/// PROTOCOL.md §10, "Reading what other programs wrote": every form Django and PostgreSQL write a
/// value in is read, and a value that cannot be read throws (it fails one request, §7) instead
/// of trapping the process.
@Suite struct StoredValueTests {
    @Test(arguments: [
        ("2024-01-01 00:00:00+00", "2024-01-01T00:00:00.000000Z"),
        ("2024-01-01 00:00:00", "2024-01-01T00:00:00.000000Z"),
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000000Z"),
        ("2024-01-01 00:00:00.5+00:00", "2024-01-01T00:00:00.500000Z"),
        ("2024-01-01 00:00:00.123+00", "2024-01-01T00:00:00.123000Z"),
        ("2024-01-01 00:00:00.123456", "2024-01-01T00:00:00.123456Z"),
        ("2024-01-01 00:00:00.1234567Z", "2024-01-01T00:00:00.123456Z"),
        ("2024-01-01 07:00:00+07", "2024-01-01T00:00:00.000000Z"),
        ("2024-01-01 05:30:00+0530", "2024-01-01T00:00:00.000000Z"),
        ("2023-12-31 19:00:00.25-05", "2024-01-01T00:00:00.250000Z"),
        ("2024-01-01t00:00:00z", "2024-01-01T00:00:00.000000Z"),
    ])
    func everyTimestampFormDjangoAndPostgreSQLWriteReads(_ stored: String, _ shown: String) throws {
        let instant = try #require(Timestamp.decode(stored.sqlValue))
        #expect(instant.rfc3339 == shown)
        #expect(RecordJSON.value(stored.sqlValue, kind: .timestamp) == .string(shown))
    }

    @Test(arguments: ["garbage", "", "2024-01-01", "2024-13-01 00:00:00", "2024-01-01 00:00:00+", "2024-01-01 00:00:00+0",
                      "2024-01-01 00:00:00+000", "2024-01-01 00:00:00+24", "2024-01-01 00:00:00.", "2024-01-01 00:00:00 UTC"])
    func textThatIsNoTimestampIsUnreadable(_ stored: String) {
        #expect(Timestamp.decode(stored.sqlValue) == nil)
        #expect(RecordJSON.value(stored.sqlValue, kind: .timestamp) == nil)
    }

    @Test func parametersStillTakeOnlyRFC3339Offsets() {
        #expect(Timestamp(parsing: "2024-01-01T00:00:00+00") == nil)
        #expect(Timestamp(parsing: "2024-01-01T00:00:00+0000") == nil)
        #expect(Timestamp(parsing: "2024-01-01T00:00:00+00:00") != nil)
    }

    @Test(arguments: [
        ("0f8fad5bd9cb469fa16570867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e"),
        ("0F8FAD5BD9CB469FA16570867728950E", "0f8fad5b-d9cb-469f-a165-70867728950e"),
        ("0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e"),
        ("0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5b-d9cb-469f-a165-70867728950e"),
    ])
    func uuidsReadWithOrWithoutDashesInAnyCase(_ stored: String, _ shown: String) {
        #expect(UUIDText.dashed(stored) == shown)
        #expect(RecordJSON.value(stored.sqlValue, kind: .uuid) == .string(shown))
        #expect(UUIDText.storage(stored) == shown.replacingOccurrences(of: "-", with: ""))
    }

    @Test func aUUIDStoredAsSixteenBytesReads() {
        let bytes = SQLValue.blob([0x0f, 0x8f, 0xad, 0x5b, 0xd9, 0xcb, 0x46, 0x9f, 0xa1, 0x65, 0x70, 0x86, 0x77, 0x28, 0x95, 0x0e])
        #expect(RecordJSON.value(bytes, kind: .uuid) == "0f8fad5b-d9cb-469f-a165-70867728950e")
    }

    @Test(arguments: [("t", true), ("f", false), ("TRUE", true), ("false", false), ("1", true), ("0", false),
                      ("yes", true), ("off", false)])
    func booleansReadAsPostgreSQLText(_ stored: String, _ flag: Bool) {
        #expect(Bool.decode(stored.sqlValue) == flag)
        #expect(RecordJSON.value(stored.sqlValue, kind: .bool) == .bool(flag))
    }

    @Test func booleansReadAsNumbers() {
        #expect(RecordJSON.value(1.sqlValue, kind: .bool) == .bool(true))
        #expect(RecordJSON.value(0.sqlValue, kind: .bool) == .bool(false))
        #expect(Bool.decode(2.sqlValue) == true)
    }

    @Test func valuesThatAreNoneOfTheirKindAreUnreadable() {
        let blob = SQLValue.blob([0xff, 0xfe, 0x00])
        #expect(RecordJSON.value("garbage".sqlValue, kind: .bool) == nil)
        #expect(RecordJSON.value(blob, kind: .bool) == nil)
        #expect(RecordJSON.value("garbage".sqlValue, kind: .integer) == nil)
        #expect(RecordJSON.value(1e20.sqlValue, kind: .integer) == nil)
        #expect(RecordJSON.value(1.5.sqlValue, kind: .integer) == nil)
        #expect(RecordJSON.value(42.0.sqlValue, kind: .integer) == .number(JSONNumber(42)))
        #expect(RecordJSON.value("x".sqlValue, kind: .uuid) == nil)
        #expect(RecordJSON.value("{not json".sqlValue, kind: .json) == nil)
        #expect(RecordJSON.value(blob, kind: .text) == nil)
        #expect(RecordJSON.value(SQLValue.null, kind: .integer) == .null)
    }

    @Test func readingAnUnreadableValueThrowsNamingTheColumnNotTheValue() throws {
        let database = try AppDatabase.open(path: ":memory:", durability: .full)
        try database.read { db in
            let row = try #require(try StoredRow.fetchOne(db, sql: """
                SELECT 'secret-garbage' AS valid_from, NULL AS user_id, 't' AS is_active, 'maybe' AS bound, 5 AS n
                """))
            #expect(try row.read("is_active", as: Bool.self))
            #expect(try row.read("n", as: Int64.self) == 5)
            #expect(try row.read("user_id", as: Int64?.self) == nil)
            for (column, read) in [("valid_from", { try row.read("valid_from", as: Timestamp.self) as Any }),
                                   ("user_id", { try row.read("user_id", as: Int64.self) as Any }),
                                   ("bound", { try row.read("bound", as: Bool.self) as Any }),
                                   ("missing", { try row.read("missing", as: String.self) as Any })] {
                let error = try #require(throws: StoredValueError.self) { _ = try read() }
                #expect(error.column == column)
                #expect(!error.description.contains("secret"))
            }
        }
    }

    @Test func aRecordWithAnUnreadableColumnThrowsNamingTableAndColumn() throws {
        let database = try AppDatabase.open(path: ":memory:", durability: .full)
        try database.read { db in
            let row = try #require(try StoredRow.fetchOne(db, sql: """
                SELECT 1 AS id, 'CODE' AS code, '2024-01-01 00:00:00+00' AS valid_from, 't' AS bound, 'oops' AS valid_to
                """))
            let error = try #require(throws: StoredValueError.self) { _ = try RecordJSON.record(row, table: "vouchers_invitation") }
            #expect(error.table == "vouchers_invitation")
            #expect(error.column == "valid_to")
            let readable = try #require(try StoredRow.fetchOne(db, sql: """
                SELECT 1 AS id, '2024-01-01 00:00:00+00' AS valid_from, 't' AS bound, 'secret' AS password
                """))
            #expect(try RecordJSON.record(readable, table: "vouchers_invitation")
                == ["id": 1, "validFrom": "2024-01-01T00:00:00.000000Z", "bound": true, "password": "secret"])
            #expect(try RecordJSON.record(readable, table: "users_user").objectValue?["password"] == nil)
        }
    }
}

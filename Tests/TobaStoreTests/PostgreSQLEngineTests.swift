import PostgresNIO
import Testing
@testable import TobaStore

/// The parts of the PostgreSQL engine that need no server: the URL, the statement rewriting and
/// the reading of binary values into the forms SQLite stores.
@Suite struct PostgreSQLLocationTests {
    @Test func aFullURLIsReadAndShownWithoutItsPassword() throws {
        let location = try PostgreSQLLocation(url: "postgres://toba:s%40cret@db.example.com:6543/store?sslmode=require&connect_timeout=3")
        #expect(location.user == "toba")
        #expect(location.password == "s@cret")
        #expect(location.host == "db.example.com")
        #expect(location.port == 6543)
        #expect(location.database == "store")
        #expect(location.sslMode == .require)
        #expect(location.connectTimeoutSeconds == 3)
        #expect(location.description == "postgres://toba@db.example.com:6543/store")
        #expect(!location.description.contains("cret"))
    }

    @Test func thePasswordComesFromPGPASSWORDWhenTheURLHasNone() throws {
        let location = try PostgreSQLLocation(url: "postgresql://toba@[::1]/store", environment: ["PGPASSWORD": "from-env"])
        #expect(location.password == "from-env")
        #expect(location.host == "::1")
        #expect(location.port == 5432)
        #expect(location.sslMode == .prefer)
        #expect(location.description == "postgres://toba@[::1]:5432/store")
    }

    @Test(arguments: [
        "postgres://toba@host", "postgres://toba@host:99999/db", "postgres://toba@host/db?sslmode=maybe",
        "postgres://toba@host/db?search_path=x", "postgres://toba:%zz@host/db", "postgres://toba@host/",
    ])
    func malformedURLsAreRefusedWithoutRepeatingThem(_ url: String) {
        #expect(throws: PostgreSQLLocationError.self) { try PostgreSQLLocation(url: url) }
        do {
            _ = try PostgreSQLLocation(url: url)
        } catch {
            #expect(!error.description.contains("toba@"))
        }
    }
}

@Suite struct PostgreSQLStatementTests {
    @Test func placeholdersAreNumberedOutsideLiteralsIdentifiersAndComments() {
        let statement = PostgreSQLStatement(#"SELECT '?', "a?b", x FROM t WHERE a = ? AND b LIKE ? -- ?"# + "\n AND c = ?")
        #expect(statement.text == #"SELECT '?', "a?b", x FROM t WHERE a = $1 AND b LIKE $2 -- ?"# + "\n AND c = $3")
        #expect(statement.parameterCount == 3)
        #expect(!statement.changesRows)
    }

    @Test func anInsertIntoASerialTableReturnsItsId() {
        let statement = PostgreSQLStatement(#"INSERT INTO "feedback_feedback" ("user_id", "text") VALUES (?, ?)"#)
        #expect(statement.text.hasSuffix(#"VALUES ($1, $2) RETURNING "id""#))
        #expect(statement.returnsInsertedID)
        #expect(statement.changesRows)
    }

    @Test func anInsertIntoATableWithoutSerialIdReturnsNothing() {
        let uuidKeyed = PostgreSQLStatement("INSERT INTO subscriptions_subscription (id) VALUES (?)")
        #expect(!uuidKeyed.returnsInsertedID)
        let explicit = PostgreSQLStatement("INSERT INTO users_category (name) VALUES (?) RETURNING id")
        #expect(!explicit.returnsInsertedID)
        #expect(PostgreSQLStatement.insertTarget("  insert into \"store_product\" (name)") == "store_product")
    }
}

@Suite struct PostgreSQLCellTests {
    private func cell(_ type: PostgresDataType, _ bytes: [UInt8]) -> PostgresCell {
        PostgresCell(bytes: ByteBuffer(bytes: bytes), dataType: type, format: .binary, columnName: "c", columnIndex: 0)
    }

    @Test func booleansAndIntegersReadAsSQLiteStoresThem() {
        #expect(PostgreSQLCell.value(cell(.bool, [1])) == .integer(1))
        #expect(PostgreSQLCell.value(cell(.bool, [0])) == .integer(0))
        #expect(PostgreSQLCell.value(cell(.int4, [0xFF, 0xFF, 0xFF, 0xFE])) == .integer(-2))
        #expect(PostgreSQLCell.value(cell(.int8, [0, 0, 0, 0, 0, 0, 1, 0])) == .integer(256))
        #expect(PostgreSQLCell.value(PostgresCell(bytes: nil, dataType: .int4, format: .binary, columnName: "c", columnIndex: 0)) == .null)
    }

    @Test func timestampsReadAsUTCTextWithMicroseconds() {
        // 2000-01-01 00:00:01.5 UTC: 1,500,000 µs after PostgreSQL's epoch.
        #expect(PostgreSQLCell.value(cell(.timestamptz, [0, 0, 0, 0, 0, 0x16, 0xE3, 0x60])) == .text("2000-01-01 00:00:01.500000"))
    }

    @Test func uuidsReadAs32HexDigits() {
        let bytes: [UInt8] = [0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0, 1, 2, 3, 4, 5, 6, 7]
        #expect(PostgreSQLCell.value(cell(.uuid, bytes)) == .text("123456789abcdef00001020304050607"))
    }

    @Test func jsonbLosesItsVersionByte() {
        #expect(PostgreSQLCell.value(cell(.jsonb, [1] + Array(#"{"a": 1}"#.utf8))) == .text(#"{"a": 1}"#))
    }

    @Test func addressesReadAsPostgreSQLWritesThem() {
        #expect(PostgreSQLCell.value(cell(.inet, [2, 32, 0, 4, 192, 168, 0, 1])) == .text("192.168.0.1"))
        #expect(PostgreSQLCell.value(cell(.inet, [2, 24, 0, 4, 10, 0, 0, 0])) == .text("10.0.0.0/24"))
        var loopback = [UInt8](repeating: 0, count: 16)
        loopback[15] = 1
        #expect(PostgreSQLCell.value(cell(.inet, [3, 128, 0, 16] + loopback)) == .text("::1"))
        let documentation: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]
        #expect(PostgreSQLCell.value(cell(.inet, [3, 128, 0, 16] + documentation)) == .text("2001:db8::1:0:0:1"))
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 1, 2, 3, 4]
        #expect(PostgreSQLCell.value(cell(.inet, [3, 128, 0, 16] + mapped)) == .text("::ffff:1.2.3.4"))
    }

    @Test func numericReadsAsAnIntegerWhenIntegral() {
        // 12345678 = 1234·10000 + 5678: two digits, weight 1.
        #expect(PostgreSQLCell.value(cell(.numeric, [0, 2, 0, 1, 0, 0, 0, 0, 0x04, 0xD2, 0x16, 0x2E])) == .integer(12_345_678))
        // -1.5 = -(1 + 5000/10000): two digits, weight 0, sign negative, scale 1.
        #expect(PostgreSQLCell.value(cell(.numeric, [0, 2, 0, 0, 0x40, 0, 0, 1, 0, 1, 0x13, 0x88])) == .real(-1.5))
    }
}

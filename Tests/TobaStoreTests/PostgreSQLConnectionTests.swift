import Logging
import Testing
import TobaTestSupport
@testable import TobaStore

/// The PostgreSQL connection and the ordered writer on a real server (the PostgreSQL pass of
/// `scripts/test.sh`): a transaction a failed statement spoiled never counts as committed, and a
/// group whose statement failed before its deferred savepoint runs again with savepoints.
@Suite(.enabled(if: PostgreSQLTestServer.url != nil, "the PostgreSQL pass (scripts/test.sh)"))
struct PostgreSQLConnectionTests {
    private static func database() throws -> AppDatabase {
        try AppDatabase.open(location: try PostgreSQLTestServer.freshDatabase(), durability: .normal)
    }

    private static func categories(_ database: AppDatabase) throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "SELECT name FROM users_category ORDER BY id") }
    }

    @Test func commitOfATransactionAFailedStatementSpoiledIsAFailure() throws {
        // Given a transaction with an insert, then a statement that fails
        let database = try Self.database()
        try database.withWriterConnection { connection in
            try connection.begin(.write)
            try connection.execute(sql: "INSERT INTO users_category (name) VALUES (?)", arguments: ["lost"])
            #expect(throws: PostgreSQLError.self) { try connection.execute(sql: "SELECT 1 / 0") }
            // When it is committed, then that fails: PostgreSQL rolled it back instead
            #expect(throws: PostgreSQLError.self) { try connection.commit() }
        }
        #expect(try Self.categories(database).isEmpty)
    }

    @Test func aReadThatFailsBeforeAnyWriteFailsOnlyItsRequest() throws {
        // Given a group whose middle request fails on a read, before it wrote anything
        let database = try Self.database()
        let writer = OrderedWriter<Int>(database: database, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let insert: (String) -> OrderedWriter<Int>.Effect = { name in
            { db in
                try db.execute(sql: "INSERT INTO users_category (name) VALUES (?)", arguments: [name])
                return 1
            }
        }
        let failing: OrderedWriter<Int>.Effect = { db in try Int.fetchOne(db, sql: "SELECT 1 / 0") ?? 0 }
        // When the group runs
        let results = writer.runGroup([insert("first"), failing, insert("last")])
        // Then only that request failed, and its neighbours committed
        #expect((try? results[0].get()) == 1)
        #expect((try? results[1].get()) == nil)
        #expect((try? results[2].get()) == 1)
        #expect(try Self.categories(database) == ["first", "last"])
    }

    @Test func aRequestThatFailsAfterWritingLeavesNoTrace() throws {
        let database = try Self.database()
        let writer = OrderedWriter<Int>(database: database, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let half: OrderedWriter<Int>.Effect = { db in
            try db.execute(sql: "INSERT INTO users_category (name) VALUES (?)", arguments: ["half"])
            return try Int.fetchOne(db, sql: "SELECT 1 / 0") ?? 0
        }
        let whole: OrderedWriter<Int>.Effect = { db in
            try db.execute(sql: "INSERT INTO users_category (name) VALUES (?)", arguments: ["whole"])
            return 1
        }
        let results = writer.runGroup([half, whole])
        #expect((try? results[0].get()) == nil)
        #expect((try? results[1].get()) == 1)
        #expect(try Self.categories(database) == ["whole"])
    }
}

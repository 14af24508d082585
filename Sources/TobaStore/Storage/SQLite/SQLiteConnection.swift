import Foundation
import GRDB

/// `SQLConnection` on SQLite through GRDB: every statement is prepared once per connection and
/// cached by its text (GRDB's statement cache), so a request runs no SQL compiler and no
/// authorizer; rows are copied out as `StoredRow`s.
public final class SQLiteConnection: SQLConnection {
    let db: Database

    /// Valid only inside the GRDB access that handed out `db`.
    init(_ db: Database) {
        self.db = db
    }

    public func execute(sql: String, arguments: SQLArguments) throws {
        let statement = try db.cachedStatement(sql: sql)
        try statement.execute(arguments: Self.bindings(arguments))
    }

    public func fetchRows(sql: String, arguments: SQLArguments) throws -> [StoredRow] {
        let statement = try db.cachedStatement(sql: sql)
        let columns = statement.columnNames
        let cursor = try Row.fetchCursor(statement, arguments: Self.bindings(arguments))
        var rows: [StoredRow] = []
        while let row = try cursor.next() {
            rows.append(StoredRow(columns: columns, values: row.databaseValues.map(SQLValue.init)))
        }
        return rows
    }

    public func fetchFirstRow(sql: String, arguments: SQLArguments) throws -> StoredRow? {
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: Self.bindings(arguments))
        guard let row = try cursor.next() else { return nil }
        return StoredRow(columns: statement.columnNames, values: row.databaseValues.map(SQLValue.init))
    }

    public var lastInsertedRowID: Int64 { db.lastInsertedRowID }
    public var changesCount: Int { db.changesCount }

    static func bindings(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(arguments.values.map(\.databaseValue))
    }
}

extension SQLValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let i): self = .integer(i)
        case .double(let d): self = .real(d)
        case .string(let s): self = .text(s)
        case .blob(let data): self = .blob(Array(data))
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let i): i.databaseValue
        case .real(let d): d.databaseValue
        case .text(let s): s.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}

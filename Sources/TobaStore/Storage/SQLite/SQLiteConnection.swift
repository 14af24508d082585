import Foundation
import GRDB
import GRDBSQLite

/// `SQLConnection` on SQLite through GRDB. Every statement is prepared once per connection and
/// cached by its text (GRDB's statement cache), so a request runs no SQL compiler and no
/// authorizer. Reads go straight to SQLite's C API through GRDB's statement handle (binding and
/// column reads are the hot path of every request); writes go through GRDB's `execute`, which
/// keeps its transaction bookkeeping.
///
/// Unchecked `Sendable`: a connection is used only inside the GRDB access that owns its `db`,
/// one thread at a time (the ordered writer keeps one across its groups).
package final class SQLiteConnection: SQLConnection, TransactionalConnection, @unchecked Sendable {
    let db: Database
    /// Column names per statement text: computed once, not per row or per call.
    private var columnNames: [String: [String]] = [:]

    /// Valid only inside the GRDB accesses that hand out `db` (the same connection each time).
    init(_ db: Database) {
        self.db = db
    }

    package func execute(sql: String, arguments: SQLArguments) throws {
        let statement = try db.cachedStatement(sql: sql)
        try statement.execute(arguments: StatementArguments(arguments.values.map(\.databaseValue)))
    }

    package func fetchRows(sql: String, arguments: SQLArguments) throws -> [StoredRow] {
        var rows: [StoredRow] = []
        try query(sql, arguments) { columns, handle in
            rows.append(StoredRow(columns: columns, values: Self.values(handle, count: columns.count)))
            return true
        }
        return rows
    }

    package func fetchFirstRow(sql: String, arguments: SQLArguments) throws -> StoredRow? {
        var row: StoredRow?
        try query(sql, arguments) { columns, handle in
            row = StoredRow(columns: columns, values: Self.values(handle, count: columns.count))
            return false
        }
        return row
    }

    package var lastInsertedRowID: Int64 { db.lastInsertedRowID }
    package var changesCount: Int { db.changesCount }

    // MARK: Transactions (cached statements: a cheap request costs steps, not compilations)

    package func begin(_ mode: TransactionMode) throws {
        try db.cachedStatement(sql: mode == .write ? "BEGIN IMMEDIATE TRANSACTION" : "BEGIN DEFERRED TRANSACTION").execute()
    }

    package func commit() throws { try db.cachedStatement(sql: "COMMIT TRANSACTION").execute() }

    package func rollback() throws {
        guard db.isInsideTransaction else { return }
        try db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
    }

    package func beginRequest(eager: Bool) throws { try db.cachedStatement(sql: "SAVEPOINT toba_request").execute() }
    package func endRequest() throws { try db.cachedStatement(sql: "RELEASE SAVEPOINT toba_request").execute() }

    package func undoRequest() throws -> Bool {
        try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT toba_request").execute()
        try endRequest()
        return true
    }

    package var isInsideTransaction: Bool { db.isInsideTransaction }

    /// Binds `arguments`, steps while `row` returns true, and leaves the statement reset.
    private func query(_ sql: String, _ arguments: SQLArguments, _ row: ([String], OpaquePointer) throws -> Bool) throws {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        try bind(arguments, to: handle, sql: sql)
        let columns = names(of: statement, sql: sql)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_ROW {
                guard try row(columns, handle) else { return }
            } else if code == SQLITE_DONE {
                return
            } else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                    sql: sql)
            }
        }
    }

    private func names(of statement: Statement, sql: String) -> [String] {
        if let known = columnNames[sql] { return known }
        let names = statement.columnNames
        columnNames[sql] = names
        return names
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func bind(_ arguments: SQLArguments, to handle: OpaquePointer, sql: String) throws {
        guard Int(sqlite3_bind_parameter_count(handle)) == arguments.values.count else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments", sql: sql)
        }
        for (offset, value) in arguments.values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null:
                code = sqlite3_bind_null(handle, index)
            case .integer(let number):
                code = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                code = sqlite3_bind_double(handle, index, number)
            case .text(let text):
                // The length is given, so a NUL inside the text is kept.
                let length = Int32(text.utf8.count)
                code = text.withCString { sqlite3_bind_text(handle, index, $0, length, Self.transient) }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), Self.transient)
                }
            }
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
        }
    }

    private static func values(_ handle: OpaquePointer, count: Int) -> [SQLValue] {
        (0..<Int32(count)).map { index in
            switch sqlite3_column_type(handle, index) {
            case SQLITE_INTEGER:
                return .integer(sqlite3_column_int64(handle, index))
            case SQLITE_FLOAT:
                return .real(sqlite3_column_double(handle, index))
            case SQLITE_TEXT:
                let length = Int(sqlite3_column_bytes(handle, index))
                guard let text = sqlite3_column_text(handle, index) else { return .text("") }
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
            case SQLITE_BLOB:
                let length = Int(sqlite3_column_bytes(handle, index))
                guard let blob = sqlite3_column_blob(handle, index) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: blob, count: length)))
            default:
                return .null
            }
        }
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

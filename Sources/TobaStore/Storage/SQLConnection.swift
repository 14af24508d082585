/// The one narrow interface between the domains and storage: a connection inside the current
/// transaction, on which a request's rules run. SQL is written with `?` placeholders in the
/// subset both engines speak; statements are prepared once per connection and cached by their
/// text; every read decodes by throwing, never by trapping.
package protocol SQLConnection: AnyObject {
    func execute(sql: String, arguments: SQLArguments) throws
    func fetchRows(sql: String, arguments: SQLArguments) throws -> [StoredRow]
    /// The first row, without reading the others.
    func fetchFirstRow(sql: String, arguments: SQLArguments) throws -> StoredRow?
    /// The rowid (SQLite) or serial id (PostgreSQL, from `RETURNING`) of the last insert.
    var lastInsertedRowID: Int64 { get }
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changesCount: Int { get }
}

extension SQLConnection {
    package func execute(sql: String) throws {
        try execute(sql: sql, arguments: [])
    }
}

extension StoredRow {
    package static func fetchOne(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> StoredRow? {
        try db.fetchFirstRow(sql: sql, arguments: arguments)
    }

    package static func fetchAll(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> [StoredRow] {
        try db.fetchRows(sql: sql, arguments: arguments)
    }
}

extension SQLColumnValue {
    /// The first column of the first row; nil when there is no row or the value is NULL.
    /// - Throws: `StoredValueError` when the value is no `Self`.
    package static func fetchOne(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> Self? {
        guard let row = try db.fetchFirstRow(sql: sql, arguments: arguments) else { return nil }
        return try row.readFirst(Self?.self)
    }

    /// The first column of every row (NULLs are unreadable: ask for an optional type to keep them).
    package static func fetchAll(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try db.fetchRows(sql: sql, arguments: arguments).map { try $0.readFirst(Self.self) }
    }
}

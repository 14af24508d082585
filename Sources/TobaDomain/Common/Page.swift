import Foundation
package import TobaRPC
package import TobaStore

/// `limit` (default 50, at most 500) and the opaque `cursor` of a list method (PROTOCOL.md §5).
package struct PageRequest: Sendable {
    package let limit: Int
    package let cursor: String?

    package init(limit: Int?, cursor: String?) throws(DomainError) {
        let limit = limit ?? 50
        guard (1...500).contains(limit) else { throw DomainError(.invalidLimit, field: "limit") }
        self.limit = limit
        self.cursor = cursor
    }
}

/// Keyset pagination: rows in a stable order (a column, then the primary key as tie-breaker);
/// the cursor is the sort key of the last row returned, so inserts and deletes between pages
/// never repeat or skip a row.
package enum Page {
    package enum Order: Sendable {
        case ascending(column: String)
        case newestFirst(column: String)
        /// Rows whose boolean `column` is true first, then by the key ascending (the primary
        /// address first, then the others in the order they were added).
        case flagFirst(column: String)

        var column: String {
            switch self {
            case .ascending(let c), .newestFirst(let c), .flagFirst(let c): c
            }
        }

        var isDescending: Bool {
            if case .ascending = self { return false }
            return true
        }

        var isKeyDescending: Bool {
            switch self {
            case .ascending, .flagFirst: false
            case .newestFirst: true
            }
        }
    }

    /// `{"items": [...], "nextCursor": string|null}` of `table` rows matching `where`.
    package static func fetch(
        _ db: any SQLConnection, table: String, page: PageRequest, order: Order = .ascending(column: "id"),
        key: String = "id", where condition: String = "TRUE", arguments: SQLArguments = [],
        transform: (JSONValue) throws -> JSONValue = { $0 }
    ) throws -> JSONValue {
        let column = order.column
        var sql = "SELECT * FROM \"\(table)\" WHERE (\(condition))"
        var args = arguments
        if let cursor = page.cursor {
            guard let (sortValue, keyValue) = decode(cursor),
                  fits(sortValue, SchemaCatalog.tables[table]?[column: column]),
                  fits(keyValue, SchemaCatalog.tables[table]?[column: key]) else {
                throw DomainError(.invalidCursor, field: "cursor")
            }
            let (after, keyAfter) = (order.isDescending ? "<" : ">", order.isKeyDescending ? "<" : ">")
            sql += " AND (\"\(column)\" \(after) ? OR (\"\(column)\" = ? AND \"\(key)\" \(keyAfter) ?))"
            args += [sortValue, sortValue, keyValue]
        }
        let (direction, keyDirection) = (order.isDescending ? "DESC" : "ASC", order.isKeyDescending ? "DESC" : "ASC")
        sql += " ORDER BY \"\(column)\" \(direction), \"\(key)\" \(keyDirection) LIMIT \(page.limit + 1)"
        let rows = try StoredRow.fetchAll(db, sql: sql, arguments: args)
        let visible = rows.prefix(page.limit)
        var next: JSONValue = .null
        if rows.count > page.limit, let last = visible.last {
            next = .string(encode(last[column] ?? .null, last[key] ?? .null))
        }
        let items = try visible.map { try transform(try RecordJSON.record($0, table: table)) }
        return ["items": .array(items), "nextCursor": next]
    }

    static func encode(_ sortValue: SQLValue, _ keyValue: SQLValue) -> String {
        let json = JSONWriter.bytes([jsonValue(sortValue), jsonValue(keyValue)])
        return Data(json).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> (SQLValue, SQLValue)? {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard cursor.count <= 1024, let data = Data(base64Encoded: text),
              case .array(let parts)? = try? JSONParser.parse(Array(data)), parts.count == 2,
              let a = databaseValue(parts[0]), let b = databaseValue(parts[1])
        else { return nil }
        return (a, b)
    }

    /// Whether a cursor's value is one `column` can hold: a forged cursor must be refused as
    /// `invalid_cursor`, not compared with a column of another type (which PostgreSQL refuses
    /// as an error of the whole statement).
    static func fits(_ value: SQLValue, _ column: ColumnInfo?) -> Bool {
        guard let column else { return false }
        switch (column.kind, value) {
        case (_, .null): return column.nullable
        case (.integer, .integer): return true
        case (.bool, .integer(let flag)): return flag == 0 || flag == 1
        case (.text, .text): return true
        case (.timestamp, .text(let text)): return Timestamp(parsing: text, stored: true) != nil
        case (.uuid, .text(let text)): return UUIDText.storage(text) != nil
        default: return false
        }
    }

    private static func jsonValue(_ value: SQLValue) -> JSONValue {
        switch value {
        case .integer(let i): .number(JSONNumber(i))
        case .text(let s): .string(s)
        case .real(let d): JSONNumber(d).map(JSONValue.number) ?? .null
        default: .null
        }
    }

    private static func databaseValue(_ value: JSONValue) -> SQLValue? {
        switch value {
        case .number(let n): n.int64.map { $0.sqlValue } ?? n.double.map { $0.sqlValue }
        case .string(let s): s.sqlValue
        case .null: .null
        default: nil
        }
    }
}

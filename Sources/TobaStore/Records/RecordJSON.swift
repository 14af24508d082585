import Foundation
package import GRDB
package import TobaRPC

/// Turns stored rows into the protocol's records (PROTOCOL.md §5): keys are the column names in
/// lowerCamelCase, booleans are JSON booleans, timestamps RFC 3339, UUIDs dashed, JSON columns
/// JSON values; secret columns never leave.
package enum RecordJSON {
    /// The record of `row`, a row of `table` (any subset of its columns, in the row's order).
    /// - Throws: `StoredValueError` naming the first column whose value cannot be read as its
    ///   kind (PROTOCOL.md §7: the request fails, the process does not).
    package static func record(_ row: StoredRow, table: String) throws -> JSONValue {
        let info = SchemaCatalog.table(table)
        var object = JSONObject()
        for (column, dbValue) in row {
            let kind = info[column: column]
            if kind?.secret == true { continue }
            guard let json = value(dbValue, kind: kind?.kind) else {
                throw StoredValueError(table: table, column: column, expected: kind.map { "\($0.kind)" } ?? "a JSON value")
            }
            object[camelCase(column)] = json
        }
        return .object(object)
    }

    /// Fetches rows and turns each into a record.
    package static func fetchAll(_ db: any SQLConnection, table: String, sql: String, arguments: SQLArguments = []) throws -> [JSONValue] {
        try StoredRow.fetchAll(db, sql: sql, arguments: arguments).map { try record($0, table: table) }
    }

    /// Fetches at most one row as a record.
    package static func fetchOne(_ db: any SQLConnection, table: String, sql: String, arguments: SQLArguments = []) throws -> JSONValue? {
        try StoredRow.fetchOne(db, sql: sql, arguments: arguments).map { try record($0, table: table) }
    }

    /// Fetches one row of `table` by primary key (column `id` unless told otherwise).
    package static func fetch(_ db: any SQLConnection, table: String, id: some SQLValueConvertible, key: String = "id") throws -> JSONValue? {
        try fetchOne(db, table: table, sql: "SELECT * FROM \"\(table)\" WHERE \"\(key)\" = ?", arguments: [id])
    }

    /// The JSON of a stored value of a column of `kind` (nil: a column the catalogue does not
    /// know, e.g. a computed one), read in every form Django and PostgreSQL write (§10):
    /// booleans as 0/1 or `t`/`f`/`true`/`false`, timestamps with any fraction and offset,
    /// UUIDs with or without dashes. Nil when the value cannot be read as its kind: text in an
    /// integer column, an integer beyond 64 bits (SQLite keeps it as a real), a real with a
    /// fraction, a timestamp, UUID or JSON text that is none, bytes that are no UTF-8.
    package static func value(_ stored: SQLValue, kind: ColumnKind?) -> JSONValue? {
        if case .null = stored { return .null }
        switch kind {
        case nil:
            switch stored {
            case .integer(let i): return .number(JSONNumber(i))
            case .real(let d): return JSONNumber(d).map(JSONValue.number)
            default: return String.decode(stored).map(JSONValue.string)
            }
        case .integer?:
            return integer(stored).map { .number(JSONNumber($0)) }
        case .bool?:
            return Bool.decode(stored).map(JSONValue.bool)
        case .timestamp?:
            return Timestamp.decode(stored).map { .string($0.rfc3339) }
        case .uuid?:
            if case .blob(let bytes) = stored, bytes.count == 16 {
                // PostgreSQL's binary form of a uuid.
                return .string(UUID(uuid: bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }).uuidString.lowercased())
            }
            return String.decode(stored).flatMap(UUIDText.dashed).map(JSONValue.string)
        case .json?:
            if case .integer(let i) = stored { return .number(JSONNumber(i)) }
            if case .real(let d) = stored { return JSONNumber(d).map(JSONValue.number) }
            return String.decode(stored).flatMap { try? JSONParser.parse(Array($0.utf8)) }
        case .text?, .inet?:
            switch stored {
            case .integer(let i): return .string(String(i))
            case .real(let d): return JSONNumber(d).map { .string($0.text) }
            default: return String.decode(stored).map(JSONValue.string)
            }
        }
    }

    /// An integer, or a real without fraction within 64 bits; nil otherwise.
    private static func integer(_ stored: SQLValue) -> Int64? {
        switch stored {
        case .integer(let i): return i
        case .real(let d): return d.rounded() == d ? Int64(exactly: d) : nil
        default: return nil
        }
    }

    /// `date_joined` → `dateJoined`, `product_id` → `productId`.
    package static func camelCase(_ column: String) -> String {
        var out = ""
        var upper = false
        for ch in column {
            if ch == "_" {
                upper = !out.isEmpty
            } else if upper {
                out += ch.uppercased()
                upper = false
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

extension Timestamp: DatabaseValueConvertible {
    package var databaseValue: DatabaseValue { databaseText.databaseValue }

    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Timestamp? {
        String.fromDatabaseValue(dbValue).flatMap { Timestamp(parsing: $0, stored: true) }
    }
}

extension JSONValue {
    /// The text stored in a JSON column.
    package var databaseText: String { JSONWriter.string(self) }
}

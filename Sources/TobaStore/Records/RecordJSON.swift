import Foundation
import GRDB
import TobaRPC

/// Turns stored rows into the protocol's records (PROTOCOL.md §5): keys are the column names in
/// lowerCamelCase, booleans are JSON booleans, timestamps RFC 3339, UUIDs dashed, JSON columns
/// JSON values; secret columns never leave.
public enum RecordJSON {
    /// The record of `row`, a row of `table` (any subset of its columns, in the row's order).
    /// - Throws: `StoredValueError` naming the first column whose value cannot be read as its
    ///   kind (PROTOCOL.md §7: the request fails, the process does not).
    public static func record(_ row: Row, table: String) throws -> JSONValue {
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
    public static func fetchAll(_ db: Database, table: String, sql: String, arguments: StatementArguments = []) throws -> [JSONValue] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { try record($0, table: table) }
    }

    /// Fetches at most one row as a record.
    public static func fetchOne(_ db: Database, table: String, sql: String, arguments: StatementArguments = []) throws -> JSONValue? {
        try Row.fetchOne(db, sql: sql, arguments: arguments).map { try record($0, table: table) }
    }

    /// Fetches one row of `table` by primary key (column `id` unless told otherwise).
    public static func fetch(_ db: Database, table: String, id: some DatabaseValueConvertible, key: String = "id") throws -> JSONValue? {
        try fetchOne(db, table: table, sql: "SELECT * FROM \"\(table)\" WHERE \"\(key)\" = ?", arguments: [id])
    }

    /// The JSON of a stored value of a column of `kind` (nil: a column the catalogue does not
    /// know, e.g. a computed one), read in every form Django and PostgreSQL write (§10):
    /// booleans as 0/1 or `t`/`f`/`true`/`false`, timestamps with any fraction and offset,
    /// UUIDs with or without dashes. Nil when the value cannot be read as its kind: text in an
    /// integer column, an integer beyond 64 bits (SQLite keeps it as a real), a real with a
    /// fraction, a timestamp, UUID or JSON text that is none, bytes that are no UTF-8.
    public static func value(_ dbValue: DatabaseValue, kind: ColumnKind?) -> JSONValue? {
        if dbValue.isNull { return .null }
        switch kind {
        case nil:
            switch dbValue.storage {
            case .int64(let i): return .number(JSONNumber(i))
            case .double(let d): return JSONNumber(d).map(JSONValue.number)
            default: return text(dbValue).map(JSONValue.string)
            }
        case .integer?:
            return integer(dbValue).map { .number(JSONNumber($0)) }
        case .bool?:
            return StoredBool.value(of: dbValue).map(JSONValue.bool)
        case .timestamp?:
            return Timestamp.fromDatabaseValue(dbValue).map { .string($0.rfc3339) }
        case .uuid?:
            if case .blob(let bytes) = dbValue.storage, bytes.count == 16 {
                // PostgreSQL's binary form of a uuid.
                return .string(UUID(uuid: bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }).uuidString.lowercased())
            }
            return text(dbValue).flatMap(UUIDText.dashed).map(JSONValue.string)
        case .json?:
            if case .int64(let i) = dbValue.storage { return .number(JSONNumber(i)) }
            if case .double(let d) = dbValue.storage { return JSONNumber(d).map(JSONValue.number) }
            return text(dbValue).flatMap { try? JSONParser.parse(Array($0.utf8)) }
        case .text?, .inet?:
            switch dbValue.storage {
            case .int64(let i): return .string(String(i))
            case .double(let d): return JSONNumber(d).map { .string($0.text) }
            default: return text(dbValue).map(JSONValue.string)
            }
        }
    }

    /// Text, or bytes that are UTF-8 text (SQLite hands either to whoever asks for text).
    private static func text(_ dbValue: DatabaseValue) -> String? {
        switch dbValue.storage {
        case .string(let text): return text
        case .blob(let bytes): return String(data: bytes, encoding: .utf8)
        default: return nil
        }
    }

    /// An integer, or a real without fraction within 64 bits; nil otherwise.
    private static func integer(_ dbValue: DatabaseValue) -> Int64? {
        switch dbValue.storage {
        case .int64(let i): return i
        case .double(let d): return d.rounded() == d ? Int64(exactly: d) : nil
        default: return nil
        }
    }

    /// `date_joined` → `dateJoined`, `product_id` → `productId`.
    public static func camelCase(_ column: String) -> String {
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
    public var databaseValue: DatabaseValue { databaseText.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Timestamp? {
        String.fromDatabaseValue(dbValue).flatMap { Timestamp(parsing: $0, stored: true) }
    }
}

extension JSONValue {
    /// The text stored in a JSON column.
    public var databaseText: String { JSONWriter.string(self) }
}

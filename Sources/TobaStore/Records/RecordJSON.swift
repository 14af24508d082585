import GRDB
import TobaRPC

/// Turns stored rows into the protocol's records (PROTOCOL.md §5): keys are the column names in
/// lowerCamelCase, booleans are JSON booleans, timestamps RFC 3339, UUIDs dashed, JSON columns
/// JSON values; secret columns never leave.
public enum RecordJSON {
    /// The record of `row`, a row of `table` (any subset of its columns, in the row's order).
    public static func record(_ row: Row, table: String) -> JSONValue {
        let info = SchemaCatalog.table(table)
        var object = JSONObject()
        for (column, dbValue) in row {
            let kind = info[column: column]
            if kind?.secret == true { continue }
            object[camelCase(column)] = value(dbValue, kind: kind?.kind)
        }
        return .object(object)
    }

    /// Fetches rows and turns each into a record.
    public static func fetchAll(_ db: Database, table: String, sql: String, arguments: StatementArguments = []) throws -> [JSONValue] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { record($0, table: table) }
    }

    /// Fetches at most one row as a record.
    public static func fetchOne(_ db: Database, table: String, sql: String, arguments: StatementArguments = []) throws -> JSONValue? {
        try Row.fetchOne(db, sql: sql, arguments: arguments).map { record($0, table: table) }
    }

    /// Fetches one row of `table` by primary key (column `id` unless told otherwise).
    public static func fetch(_ db: Database, table: String, id: some DatabaseValueConvertible, key: String = "id") throws -> JSONValue? {
        try fetchOne(db, table: table, sql: "SELECT * FROM \"\(table)\" WHERE \"\(key)\" = ?", arguments: [id])
    }

    public static func value(_ dbValue: DatabaseValue, kind: ColumnKind?) -> JSONValue {
        switch dbValue.storage {
        case .null:
            return .null
        case .int64(let i):
            if kind == .bool { return .bool(i != 0) }
            return .number(JSONNumber(i))
        case .double(let d):
            return JSONNumber(d).map(JSONValue.number) ?? .null
        case .blob(let data):
            return .string(String(decoding: data, as: UTF8.self))
        case .string(let text):
            switch kind {
            case .timestamp?:
                return Timestamp(parsing: text).map { .string($0.rfc3339) } ?? .string(text)
            case .uuid?:
                return .string(UUIDText.dashed(text) ?? text)
            case .json?:
                return (try? JSONParser.parse(Array(text.utf8))) ?? .string(text)
            case .bool?:
                return .bool(text == "1" || text.lowercased() == "true")
            default:
                return .string(text)
            }
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
        String.fromDatabaseValue(dbValue).flatMap(Timestamp.init(parsing:))
    }
}

extension JSONValue {
    /// The text stored in a JSON column.
    public var databaseText: String { JSONWriter.string(self) }
}

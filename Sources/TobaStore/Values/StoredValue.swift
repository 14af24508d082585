import Foundation
import GRDB

/// A stored value this service cannot read: NULL where a value is required, text in an integer
/// column, a timestamp, UUID or JSON text that is none (written by another program, PROTOCOL.md
/// §10). It fails only the request that reads it (1008 `storage_error`, §7), never the process.
/// It names the place, never the value: the value may be a secret.
public struct StoredValueError: Error, Sendable, CustomStringConvertible {
    /// The table, when the reader knows it (records do; a row read by a domain names its column only).
    public let table: String?
    public let column: String
    /// What the column should hold: `Bool`, `Int64`, `Timestamp`, `uuid`, `json`, ….
    public let expected: String

    public init(table: String? = nil, column: String, expected: String) {
        self.table = table
        self.column = column
        self.expected = expected
    }

    public var description: String {
        "unreadable stored value in \(table.map { $0 + "." } ?? "")\(column) (expected \(expected))"
    }
}

extension Row {
    /// The value of `column` as `Value`, throwing `StoredValueError` where GRDB's subscript
    /// (`row["column"] as Value`) would trap: the column is absent, NULL for a non-optional
    /// `Value`, or holds something that is no `Value`. Timestamps read in every form Django
    /// and PostgreSQL write (`Timestamp`).
    public func read<Value: DatabaseValueConvertible>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        do {
            return try decode(Value.self, forColumn: column)
        } catch {
            throw StoredValueError(column: column, expected: "\(Value.self)")
        }
    }

    /// A boolean stored as 0/1 (Django on SQLite), `t`/`f` or `true`/`false` (PostgreSQL's text
    /// forms); anything else throws `StoredValueError`. GRDB's own `Bool` reads numbers only.
    public func read(_ column: String, as type: Bool.Type = Bool.self) throws -> Bool {
        guard let raw = try? decode(DatabaseValue.self, forColumn: column), let flag = StoredBool.value(of: raw) else {
            throw StoredValueError(column: column, expected: "Bool")
        }
        return flag
    }
}

/// Booleans as other programs store them (PROTOCOL.md §10). What this service writes stays
/// Django's SQLite form, 0/1.
public enum StoredBool {
    /// 0/1 (any other number: whether it is non-zero, as SQLite reads it), and the text forms
    /// PostgreSQL accepts for `boolean` in any case: `t`/`f`, `true`/`false`, `y`/`n`,
    /// `yes`/`no`, `on`/`off`, `1`/`0`. Nil for anything else (NULL, a blob, other text).
    public static func value(of dbValue: DatabaseValue) -> Bool? {
        switch dbValue.storage {
        case .int64(let i): return i != 0
        case .double(let d): return d.isNaN ? nil : d != 0
        case .string(let text):
            switch text.lowercased() {
            case "1", "t", "true", "y", "yes", "on": return true
            case "0", "f", "false", "n", "no", "off": return false
            default: return nil
            }
        case .blob, .null: return nil
        }
    }

    /// `Bool.fetchOne` for a stored boolean column: the first column of the first row, nil when
    /// there is no row; a value that is no boolean (NULL included) throws `StoredValueError`.
    public static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Bool? {
        guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments), let column = row.columnNames.first else { return nil }
        return try row.read(column, as: Bool.self)
    }
}

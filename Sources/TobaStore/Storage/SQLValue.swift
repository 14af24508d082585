/// A value as the storage engines hold it. The domains read and write values through
/// `SQLValueConvertible` / `SQLColumnValue` and never see an engine's own value type.
package enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift value that can be bound as a statement argument.
package protocol SQLValueConvertible: Sendable {
    var sqlValue: SQLValue { get }
}

/// A Swift value that can also be read back from a column. Reading is strict about the kind of
/// value and lenient about its spelling: every form Django or PostgreSQL writes is read (§10).
package protocol SQLColumnValue: SQLValueConvertible {
    /// The value `stored` holds, or nil when it holds no such value (NULL included).
    static func decode(_ stored: SQLValue) -> Self?
}

extension SQLValue: SQLColumnValue {
    package var sqlValue: SQLValue { self }

    package static func decode(_ stored: SQLValue) -> SQLValue? { stored }

    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    package var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

extension Optional: SQLColumnValue where Wrapped: SQLColumnValue {
    /// NULL reads as nil; any other value must be readable as `Wrapped`.
    package static func decode(_ stored: SQLValue) -> Wrapped?? {
        if case .null = stored { return .some(nil) }
        return Wrapped.decode(stored).map { .some($0) }
    }
}

extension Int64: SQLColumnValue {
    package var sqlValue: SQLValue { .integer(self) }

    package static func decode(_ stored: SQLValue) -> Int64? {
        switch stored {
        case .integer(let value): value
        case .text(let text): Int64(text)
        case .real(let value): value.rounded() == value ? Int64(exactly: value) : nil
        case .null, .blob: nil
        }
    }
}

extension Int: SQLColumnValue {
    package var sqlValue: SQLValue { .integer(Int64(self)) }

    package static func decode(_ stored: SQLValue) -> Int? { Int64.decode(stored).flatMap { Int(exactly: $0) } }
}

extension Double: SQLColumnValue {
    package var sqlValue: SQLValue { .real(self) }

    package static func decode(_ stored: SQLValue) -> Double? {
        switch stored {
        case .real(let value): value
        case .integer(let value): Double(value)
        case .text(let text): Double(text)
        case .null, .blob: nil
        }
    }
}

extension Bool: SQLColumnValue {
    package var sqlValue: SQLValue { .integer(self ? 1 : 0) }

    /// 0/1 as Django writes on SQLite (any other number: whether it is non-zero, as SQLite reads
    /// it), and the text forms PostgreSQL accepts for `boolean` in any case: `t`/`f`,
    /// `true`/`false`, `y`/`n`, `yes`/`no`, `on`/`off`, `1`/`0`. What this service writes stays 0/1.
    package static func decode(_ stored: SQLValue) -> Bool? {
        switch stored {
        case .integer(let value): value != 0
        case .real(let value): value.isNaN ? nil : value != 0
        case .text(let text):
            switch text.lowercased() {
            case "1", "t", "true", "y", "yes", "on": true
            case "0", "f", "false", "n", "no", "off": false
            default: nil
            }
        case .null, .blob: nil
        }
    }
}

extension String: SQLColumnValue {
    package var sqlValue: SQLValue { .text(self) }

    package static func decode(_ stored: SQLValue) -> String? {
        switch stored {
        case .text(let text): text
        case .blob(let bytes): String(validating: bytes, as: UTF8.self)
        case .integer, .real, .null: nil
        }
    }
}

extension Timestamp: SQLColumnValue {
    package var sqlValue: SQLValue { .text(databaseText) }

    package static func decode(_ stored: SQLValue) -> Timestamp? {
        String.decode(stored).flatMap { Timestamp(parsing: $0, stored: true) }
    }
}

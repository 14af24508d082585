/// One row as read from storage: its columns by name, in the statement's order. Reading a column
/// throws (never traps) when the stored value is not what the code expects.
package struct StoredRow: Sendable, Sequence {
    package let columns: [String]
    package let values: [SQLValue]

    package init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The raw value of `column` (the leftmost of that name), or nil when the row has no such column.
    package subscript(column: String) -> SQLValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }

    /// The value of `column` as `T`. An optional `T` reads NULL as nil.
    /// - Throws: `StoredValueError` when the column is missing or its value is no `T` (NULL
    ///   included, for a non-optional `T`).
    package func read<T: SQLColumnValue>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let stored = self[column], let value = T.decode(stored) else {
            throw StoredValueError(column: column, expected: String(describing: T.self))
        }
        return value
    }

    /// The value of the first column as `T`.
    package func readFirst<T: SQLColumnValue>(_ type: T.Type = T.self) throws -> T {
        guard let stored = values.first, let value = T.decode(stored) else {
            throw StoredValueError(column: columns.first ?? "#0", expected: String(describing: T.self))
        }
        return value
    }

    package func makeIterator() -> Zip2Sequence<[String], [SQLValue]>.Iterator {
        zip(columns, values).makeIterator()
    }
}

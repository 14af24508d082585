
/// A stored value this service cannot read: NULL where a value is required, text in an integer
/// column, a timestamp, UUID or JSON text that is none (written by another program, PROTOCOL.md
/// §10). It fails only the request that reads it (1008 `storage_error`, §7), never the process.
/// It names the place, never the value: the value may be a secret.
package struct StoredValueError: Error, Sendable, CustomStringConvertible {
    /// The table, when the reader knows it (records do; a row read by a domain names its column only).
    package let table: String?
    package let column: String
    /// What the column should hold: `Bool`, `Int64`, `Timestamp`, `uuid`, `json`, ….
    package let expected: String

    package init(table: String? = nil, column: String, expected: String) {
        self.table = table
        self.column = column
        self.expected = expected
    }

    package var description: String {
        "unreadable stored value in \(table.map { $0 + "." } ?? "")\(column) (expected \(expected))"
    }
}

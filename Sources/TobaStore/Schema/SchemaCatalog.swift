/// How a column's stored value reads as JSON (PROTOCOL.md §5, §10).
package enum ColumnKind: Sendable, Hashable {
    /// `integer`, `bigint`, `smallint unsigned`, `integer unsigned`: a JSON number.
    case integer
    /// `varchar(N)`, `char(N)`, `text`: a JSON string.
    case text
    /// `bool`, stored 0/1: a JSON boolean.
    case bool
    /// `datetime`, stored `YYYY-MM-DD HH:MM:SS.ffffff` UTC: an RFC 3339 string.
    case timestamp
    /// `char(32)`, 32 hex characters: a lowercase dashed UUID string.
    case uuid
    /// `text` checked with `JSON_VALID`: the JSON value itself.
    case json
    /// `char(39)`, Django's `GenericIPAddressField`: a JSON string.
    case inet
}

package struct ColumnInfo: Sendable, Hashable {
    package let name: String
    package let kind: ColumnKind
    package let nullable: Bool
    /// Never returned in records (PROTOCOL.md §5).
    package let secret: Bool
    /// The declared length of a `varchar(N)`/`char(N)` text column; nil otherwise.
    package let maxLength: Int?
}

package struct TableInfo: Sendable {
    package let name: String
    /// The single primary-key column (`id`, or `order`, `user_id`, `session_key`).
    package let primaryKey: String
    /// In table order.
    package let columns: [ColumnInfo]
    private let positions: [String: Int]

    init(_ name: String, primaryKey: String = "id", _ columns: [ColumnInfo]) {
        self.name = name
        self.primaryKey = primaryKey
        self.columns = columns
        self.positions = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.name, $0) })
    }

    /// `table[column: "email"]`: the column named so, nil when the table has none.
    package subscript(column column: String) -> ColumnInfo? {
        positions[column].map { columns[$0] }
    }
}

/// A description of every table and column of the current schema, so that other layers can turn
/// rows into JSON records without knowing each table. Kept equal to the migrated database by
/// `SchemaCatalogTests`.
package enum SchemaCatalog {
    package static let tables: [String: TableInfo] = Dictionary(
        uniqueKeysWithValues: (djangoTables + accountTables + socialAndDeviceTables + commerceTables + contentTables)
            .map { ($0.name, $0) }
    )

    /// The table named `name`; asking for a table the schema does not have is a programming error.
    package static func table(_ name: String) -> TableInfo {
        guard let table = tables[name] else {
            preconditionFailure("SchemaCatalog has no table \(name)")
        }
        return table
    }
}

extension ColumnInfo {
    static func integer(_ name: String, null: Bool = false) -> ColumnInfo {
        ColumnInfo(name: name, kind: .integer, nullable: null, secret: false, maxLength: nil)
    }

    static func text(_ name: String, _ maxLength: Int? = nil, null: Bool = false, secret: Bool = false) -> ColumnInfo {
        ColumnInfo(name: name, kind: .text, nullable: null, secret: secret, maxLength: maxLength)
    }

    static func bool(_ name: String) -> ColumnInfo {
        ColumnInfo(name: name, kind: .bool, nullable: false, secret: false, maxLength: nil)
    }

    static func timestamp(_ name: String, null: Bool = false) -> ColumnInfo {
        ColumnInfo(name: name, kind: .timestamp, nullable: null, secret: false, maxLength: nil)
    }

    static func uuid(_ name: String, null: Bool = false) -> ColumnInfo {
        ColumnInfo(name: name, kind: .uuid, nullable: null, secret: false, maxLength: nil)
    }

    static func json(_ name: String, null: Bool = false) -> ColumnInfo {
        ColumnInfo(name: name, kind: .json, nullable: null, secret: false, maxLength: nil)
    }

    static func inet(_ name: String, null: Bool = false) -> ColumnInfo {
        ColumnInfo(name: name, kind: .inet, nullable: null, secret: false, maxLength: nil)
    }
}

/// One Django model as `manage.py dumpdata` writes it: its label, its table, and how each field
/// of `"fields"` maps to a column (PROTOCOL.md §10).
package struct DumpModel: Sendable {
    /// One concrete field: Django's field name (`user` for the column `user_id`) and its column.
    package struct Field: Sendable {
        package let name: String
        package let column: ColumnInfo
    }

    /// A many-to-many field, stored in a link table (`owner`, `target`) and written as a list of keys.
    package struct ManyToMany: Sendable {
        package let name: String
        package let table: String
        package let ownerColumn: String
        package let targetColumn: String
    }

    /// `app_label.modelname`, as Django writes it.
    package let label: String
    package let table: TableInfo
    /// Every column but the primary key, in table order (which is Django's field order).
    package let fields: [Field]
    package let manyToMany: [ManyToMany]
    private let fieldPositions: [String: Int]

    /// - Parameter foreignKeys: the columns that are foreign keys; their field name drops `_id`.
    init(_ label: String, _ table: String, foreignKeys: Set<String> = [], manyToMany: [ManyToMany] = []) {
        let info = SchemaCatalog.table(table)
        precondition(foreignKeys.isSubset(of: Set(info.columns.map(\.name))), "\(table): unknown foreign key column")
        self.label = label
        self.table = info
        self.fields = info.columns.filter { $0.name != info.primaryKey }.map { column in
            let isForeignKey = foreignKeys.contains(column.name)
            precondition(!isForeignKey || column.name.hasSuffix("_id"), "\(table).\(column.name) is no foreign key column")
            return Field(name: isForeignKey ? String(column.name.dropLast(3)) : column.name, column: column)
        }
        self.manyToMany = manyToMany
        self.fieldPositions = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1.name, $0) })
    }

    package var primaryKey: ColumnInfo { table[column: table.primaryKey]! }

    /// The concrete field named `name`, nil when there is none (it may be a many-to-many field).
    package func field(named name: String) -> Field? {
        fieldPositions[name].map { fields[$0] }
    }

    package func manyToMany(named name: String) -> ManyToMany? {
        manyToMany.first { $0.name == name }
    }

    /// The tables this model's rows fill: its own and its link tables.
    package var tables: [String] { [table.name] + manyToMany.map(\.table) }
}

extension DumpModel.ManyToMany {
    init(_ name: String, table: String, owner: String, target: String) {
        self.init(name: name, table: table, ownerColumn: owner, targetColumn: target)
    }
}

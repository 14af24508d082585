import GRDB
import TobaRPC

/// What an import loaded: the number of objects, and rows per table in dump order.
package struct DumpImportSummary: Sendable {
    package var objects = 0
    package var rowsByTable: [(table: String, rows: Int)] = []
    /// What the import did not refuse but the operator should know (a group the service needs is missing).
    package var warnings: [String] = []
}

/// Loads a `manage.py dumpdata` export (PROTOCOL.md §10) in one transaction: either every
/// element is stored and every reference resolves, or nothing changes.
///
/// Every table the dump holds ends up holding exactly the dump's rows: its rows are removed when
/// its model first appears. Rows `migrate` seeded (content types, permissions, groups, sites) that
/// tables outside the dump still point to are found again by natural key and follow the dump's ids.
package enum DumpImport {
    /// - Parameter progress: called after each element with the number of bytes read so far.
    package static func run(
        _ writer: any DatabaseWriter, reader: inout DumpArrayReader, progress: (Int64) -> Void = { _ in }
    ) throws -> DumpImportSummary {
        try writer.writeWithoutTransaction { db in
            var summary = DumpImportSummary()
            try db.inTransaction(.immediate) {
                var importer = try DumpImporter(db)
                while let element = try reader.next() {
                    do {
                        try importer.insert(element.value)
                    } catch let error as DumpDataError {
                        throw error.at(element.index)
                    }
                    progress(reader.bytesRead)
                }
                summary = try importer.finish()
                return .commit
            }
            return summary
        }
    }
}

/// The work of one import transaction.
struct DumpImporter {
    private let db: Database
    private let seeds: DumpSeedKeys
    /// Labels of the models met so far, in order: their tables have been emptied.
    private var held: [String] = []
    private var rows: [String: Int] = [:]
    private var objects = 0

    private static let elementKeys: Set<String> = ["model", "pk", "fields"]

    init(_ db: Database) throws {
        self.db = db
        try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
        seeds = try DumpSeedKeys.snapshot(db)
    }

    /// Stores one element of the array. Errors name the model and field, never a value.
    mutating func insert(_ element: JSONValue) throws {
        guard let object = element.objectValue else { throw DumpDataError("not a JSON object") }
        for key in object.keys where !Self.elementKeys.contains(key) {
            throw DumpDataError("unknown key `\(key)` (an element has `model`, `pk` and `fields`)")
        }
        guard let label = object["model"]?.stringValue else { throw DumpDataError("`model` is missing or not a string") }
        guard let model = DumpModels.model(labelled: label) else { throw DumpDataError("unknown model `\(label)`") }
        guard let pkValue = object["pk"], !pkValue.isNull else {
            throw DumpDataError("\(model.label): `pk` is missing (natural primary keys are not read: dump without --natural-primary)")
        }
        guard let fields = (object["fields"] ?? .object(JSONObject())).objectValue else {
            throw DumpDataError("\(model.label): `fields` is not an object")
        }
        for name in fields.keys where model.field(named: name) == nil && model.manyToMany(named: name) == nil {
            throw DumpDataError("\(model.label): unknown field `\(name)`")
        }
        if !held.contains(model.label) { try empty(model) }

        var values = [try Self.convert(pkValue, model.primaryKey, model, name: "pk")]
        for field in model.fields {
            if let value = fields[field.name] {
                values.append(try Self.convert(value, field.column, model, name: field.name))
            } else {
                values.append(try Self.missing(field, model))
            }
        }
        try run(model.label, sql: Self.insertSQL(model), values)
        rows[model.table.name, default: 0] += 1
        for link in model.manyToMany {
            try insertLinks(link, of: model, owner: values[0], fields[link.name])
        }
        objects += 1
    }

    /// Remaps what still points at seeded rows, moves the sequences past the imported ids and
    /// checks every reference; throws (so the transaction rolls back) when one does not resolve.
    mutating func finish() throws -> DumpImportSummary {
        let heldTables = Set(held.compactMap(DumpModels.model(labelled:)).flatMap(\.tables))
        try seeds.remap(db, heldTables: heldTables)
        try continueSequences(heldTables)
        if !held.isEmpty {
            // Results kept for retried requests describe the data that was just replaced.
            try db.execute(sql: #"DELETE FROM "toba_idempotency""#)
        }
        try Self.checkForeignKeys(db)
        var summary = DumpImportSummary(objects: objects)
        if held.contains("auth.group") {
            let names = Set(try String.fetchAll(db, sql: #"SELECT "name" FROM "auth_group""#))
            for group in BuiltinGroup.allCases where !names.contains(group.rawValue) {
                summary.warnings.append("the dump has no group `\(group.rawValue)`, which the service gives accounts: create it before they need it")
            }
        }
        for model in DumpModels.all where held.contains(model.label) {
            for table in model.tables { summary.rowsByTable.append((table, rows[table, default: 0])) }
        }
        return summary
    }

    // MARK: - Rows

    private mutating func empty(_ model: DumpModel) throws {
        for table in model.tables {
            try db.execute(sql: "DELETE FROM \"\(table)\"")
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [table])
        }
        held.append(model.label)
    }

    private static func insertSQL(_ model: DumpModel) -> String {
        let columns = [model.primaryKey.name] + model.fields.map(\.column.name)
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return "INSERT INTO \"\(model.table.name)\" (\(names)) VALUES (\(marks))"
    }

    private mutating func insertLinks(_ link: DumpModel.ManyToMany, of model: DumpModel, owner: SQLValue, _ value: JSONValue?) throws {
        guard let value, !value.isNull else { return }
        guard let keys = value.arrayValue else {
            throw DumpDataError("\(model.label) field `\(link.name)`: expected a list of keys")
        }
        var seen: Set<Int64> = []
        let sql = "INSERT INTO \"\(link.table)\" (\"\(link.ownerColumn)\", \"\(link.targetColumn)\") VALUES (?, ?)"
        for key in keys {
            guard let target = key.int64Value else {
                throw DumpDataError("\(model.label) field `\(link.name)`: expected a list of integer keys (natural keys are not read: dump without --natural-foreign)")
            }
            guard seen.insert(target).inserted else { continue }
            try run(model.label, sql: sql, [owner, .integer(target)])
            rows[link.table, default: 0] += 1
        }
    }

    private func run(_ label: String, sql: String, _ values: [SQLValue]) throws {
        do {
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(values.map(\.databaseValue)))
        } catch let error as DatabaseError {
            throw DumpDataError("\(label): \(error.message ?? "the database refused the row")")
        }
    }

    private static func convert(_ value: JSONValue, _ column: ColumnInfo, _ model: DumpModel, name: String) throws -> SQLValue {
        do {
            return try DumpValue.storage(value, column: column, table: model.table.name)
        } catch {
            throw DumpDataError("\(model.label) \(name == "pk" ? "`pk`" : "field `\(name)`"): \(error.message)")
        }
    }

    /// Django's rule for a field the element leaves out: NULL when it may be null, an empty
    /// string for text; any other field must be given.
    private static func missing(_ field: DumpModel.Field, _ model: DumpModel) throws -> SQLValue {
        if field.column.nullable { return .null }
        if field.column.kind == .text { return .text("") }
        throw DumpDataError("\(model.label): field `\(field.name)` is missing")
    }

    // MARK: - Finishing

    /// Each AUTOINCREMENT counter of a table the dump holds continues after its largest id.
    private func continueSequences(_ heldTables: Set<String>) throws {
        let counted = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'
            """)
        for table in counted where heldTables.contains(table) {
            let key = SchemaCatalog.tables[table]?.primaryKey ?? "id"
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [table])
            try db.execute(sql: """
                INSERT INTO sqlite_sequence (name, seq) SELECT ?, MAX("\(key)") FROM "\(table)" HAVING MAX("\(key)") IS NOT NULL
                """, arguments: [table])
        }
    }

    /// Names the first references that do not resolve (at most five) and fails.
    static func checkForeignKeys(_ db: Database) throws {
        let broken = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
        guard !broken.isEmpty else { return }
        let described = try broken.prefix(5).map { row -> String in
            let table: String = row["table"]
            let parent: String = row["parent"]
            let column = try String.fetchOne(db, sql: #"SELECT "from" FROM pragma_foreign_key_list(?) WHERE id = ?"#,
                                             arguments: [table, row["fkid"] as Int64?]) ?? "?"
            // The rowid is the primary key of tables keyed by an integer; others are not named.
            let integerKey = SchemaCatalog.tables[table].flatMap { $0[column: $0.primaryKey] }?.kind == .integer
            let which = integerKey ? " of row \((row["rowid"] as Int64?).map(String.init) ?? "?")" : ""
            return "\(table).\(column)\(which) refers to a missing \(parent) row"
        }
        let more = broken.count > 5 ? " (and \(broken.count - 5) more)" : ""
        throw DumpDataError("references that do not resolve: " + described.joined(separator: "; ") + more)
    }
}

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
    /// Runs on `db`, which is outside any transaction, in a write transaction of its own.
    /// - Parameter progress: called after each element with the number of bytes read so far.
    static func run(
        _ db: any TransactionalConnection, dialect: any DumpDialect, reader: inout DumpArrayReader,
        progress: (Int64) -> Void = { _ in }
    ) throws -> DumpImportSummary {
        try db.begin(.write)
        do {
            var importer = try DumpImporter(db, dialect: dialect)
            while let element = try reader.next() {
                do {
                    try importer.insert(element.value)
                } catch let error as DumpDataError {
                    throw error.at(element.index)
                }
                progress(reader.bytesRead)
            }
            let summary = try importer.finish()
            try dialect.commit(db)
            return summary
        } catch {
            try? db.rollback()
            throw error
        }
    }
}

/// The work of one import transaction.
struct DumpImporter {
    private let db: any SQLConnection
    private let dialect: any DumpDialect
    private let seeds: DumpSeedKeys
    /// Labels of the models met so far, in order: their tables have been emptied.
    private var held: [String] = []
    private var rows: [String: Int] = [:]
    private var objects = 0

    private static let elementKeys: Set<String> = ["model", "pk", "fields"]

    init(_ db: any SQLConnection, dialect: any DumpDialect) throws {
        self.db = db
        self.dialect = dialect
        try dialect.deferForeignKeys(db)
        seeds = try DumpSeedKeys.snapshot(db, dialect: dialect)
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

    /// Remaps what still points at seeded rows, checks every reference, then moves the sequences
    /// past the imported ids; throws (so the transaction rolls back) when a reference does not resolve.
    mutating func finish() throws -> DumpImportSummary {
        let heldTables = Set(held.compactMap(DumpModels.model(labelled:)).flatMap(\.tables))
        try seeds.remap(db, heldTables: heldTables)
        if !held.isEmpty {
            // Results kept for retried requests describe the data that was just replaced.
            try db.execute(sql: #"DELETE FROM "toba_idempotency""#)
        }
        try dialect.checkForeignKeys(db)
        try dialect.continueSequences(heldTables, db)
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
            try dialect.emptied(table, db)
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
            try db.execute(sql: sql, arguments: SQLArguments(values))
        } catch {
            guard let refusal = dialect.refusal(error) else { throw error }
            throw DumpDataError("\(label): \(refusal)")
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
}

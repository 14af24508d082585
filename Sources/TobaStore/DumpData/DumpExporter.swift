import GRDB
import TobaRPC

/// Writes the database as `manage.py dumpdata --indent 2` writes these apps (PROTOCOL.md §10):
/// models in dependency order, rows by primary key, many-to-many lists sorted, timestamps
/// RFC 3339 UTC with microseconds, UUIDs dashed, JSON fields nested. The same database always
/// gives the same bytes, and `import` reads them back to the same database.
///
/// Secrets stay as stored (password hashes, social app secrets and tokens, session data): the
/// output is a backup and must be kept like one.
package enum DumpExport {
    /// Rows written per model label, in dump order (models without rows left out).
    package typealias Summary = [(model: String, rows: Int)]

    /// Reads one snapshot of the database and hands the output to `write` in pieces of about 64 KiB.
    package static func run(_ reader: any DatabaseReader, write: ([UInt8]) throws -> Void) throws -> Summary {
        try reader.read { db in
            var summary: Summary = []
            var out: [UInt8] = Array("[".utf8)
            var first = true
            for model in DumpModels.all {
                let rows = try export(model, db, first: &first, out: &out, flush: write)
                if rows > 0 { summary.append((model.label, rows)) }
            }
            out.append(contentsOf: "\n]\n".utf8)
            try write(out)
            return summary
        }
    }

    private static func export(
        _ model: DumpModel, _ db: Database, first: inout Bool, out: inout [UInt8], flush: ([UInt8]) throws -> Void
    ) throws -> Int {
        let columns = [model.primaryKey] + model.fields.map(\.column)
        let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT \(names) FROM \"\(model.table.name)\" ORDER BY \"\(model.primaryKey.name)\"")
        var count = 0
        while let row = try cursor.next() {
            let element: JSONValue
            do {
                element = try self.element(model, row, columns: columns, db)
            } catch let error as DumpDataError {
                throw DumpDataError("\(model.table.name) row \(count + 1) in key order: \(error.message)")
            }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\n"))
            IndentedJSON.write(element, into: &out)
            count += 1
            if out.count >= 1 << 16 {
                try flush(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        return count
    }

    private static func element(_ model: DumpModel, _ row: Row, columns: [ColumnInfo], _ db: Database) throws -> JSONValue {
        let key = SQLValue(row[0] as DatabaseValue)
        var fields = JSONObject()
        for (position, field) in model.fields.enumerated() {
            fields[field.name] = try DumpValue.json(SQLValue(row[position + 1] as DatabaseValue), column: field.column)
        }
        for link in model.manyToMany {
            let targets = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT "\(link.targetColumn)" FROM "\(link.table)" WHERE "\(link.ownerColumn)" = ? ORDER BY 1
                """), arguments: [key.databaseValue])
            fields[link.name] = .array(targets.map { .number(JSONNumber($0)) })
        }
        return [
            "model": .string(model.label),
            "pk": try DumpValue.json(key, column: model.primaryKey),
            "fields": .object(fields),
        ]
    }
}

import TobaRPC

/// Writes the database as `manage.py dumpdata --indent 2` writes these apps (PROTOCOL.md §10):
/// models in dependency order, rows by primary key, many-to-many lists sorted, timestamps
/// RFC 3339 UTC with microseconds, UUIDs dashed, JSON fields nested. The same database always
/// gives the same bytes, and `import` reads them back to the same database. Both engines give
/// the same bytes for the same rows, but for the key order of JSON objects stored as `jsonb` on
/// PostgreSQL, which keeps its own.
///
/// Secrets stay as stored (password hashes, social app secrets and tokens, session data): the
/// output is a backup and must be kept like one.
package enum DumpExport {
    /// Rows written per model label, in dump order (models without rows left out).
    package typealias Summary = [(model: String, rows: Int)]

    /// Rows read per statement: memory stays bounded whatever the size of a table.
    static let pageRows = 500

    /// Reads `db`, which must be inside one snapshot (a read transaction), and hands the output to
    /// `write` in pieces of about 64 KiB.
    static func run(_ db: any SQLConnection, dialect: any DumpDialect, write: ([UInt8]) throws -> Void) throws -> Summary {
        var summary: Summary = []
        var out: [UInt8] = Array("[".utf8)
        var first = true
        for model in DumpModels.all {
            let rows = try export(model, db, dialect, first: &first, out: &out, flush: write)
            if rows > 0 { summary.append((model.label, rows)) }
        }
        out.append(contentsOf: "\n]\n".utf8)
        try write(out)
        return summary
    }

    /// The rows of `model` in key order, a page at a time (each page after the last key of the one before).
    private static func export(
        _ model: DumpModel, _ db: any SQLConnection, _ dialect: any DumpDialect,
        first: inout Bool, out: inout [UInt8], flush: ([UInt8]) throws -> Void
    ) throws -> Int {
        let names = ([model.primaryKey] + model.fields.map(\.column)).map { "\"\($0.name)\"" }.joined(separator: ", ")
        let key = dialect.sortKey(model.primaryKey)
        let select = "SELECT \(names) FROM \"\(model.table.name)\""
        let firstPage = "\(select) ORDER BY \(key) LIMIT \(pageRows)"
        let nextPage = "\(select) WHERE \(key) > ? ORDER BY \(key) LIMIT \(pageRows)"
        var count = 0
        var lastKey: SQLValue?
        repeat {
            let rows = try lastKey.map { try db.fetchRows(sql: nextPage, arguments: [$0]) } ?? db.fetchRows(sql: firstPage, arguments: [])
            let links = try manyToMany(model, of: rows, db)
            for row in rows {
                let element: JSONValue
                do {
                    element = try self.element(model, row, links: links)
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
            lastKey = rows.count == pageRows ? rows.last?.values.first : nil
        } while lastKey != nil
        return count
    }

    /// For each many-to-many field, the sorted targets of each owner among `rows` (a run of
    /// consecutive integer keys: one range query per field).
    private static func manyToMany(_ model: DumpModel, of rows: [StoredRow], _ db: any SQLConnection) throws -> [String: [Int64: [Int64]]] {
        guard !model.manyToMany.isEmpty, let low = rows.first?.values.first, let high = rows.last?.values.first else { return [:] }
        var links: [String: [Int64: [Int64]]] = [:]
        for link in model.manyToMany {
            var targets: [Int64: [Int64]] = [:]
            for pair in try db.fetchRows(sql: """
                SELECT "\(link.ownerColumn)", "\(link.targetColumn)" FROM "\(link.table)"
                WHERE "\(link.ownerColumn)" BETWEEN ? AND ? ORDER BY 1, 2
                """, arguments: [low, high]) {
                guard let owner = Int64.decode(pair.values[0]), let target = Int64.decode(pair.values[1]) else {
                    throw DumpDataError("\(link.table) holds a key that is not an integer")
                }
                targets[owner, default: []].append(target)
            }
            links[link.name] = targets
        }
        return links
    }

    private static func element(_ model: DumpModel, _ row: StoredRow, links: [String: [Int64: [Int64]]]) throws -> JSONValue {
        let key = row.values[0]
        var fields = JSONObject()
        for (position, field) in model.fields.enumerated() {
            fields[field.name] = try DumpValue.json(row.values[position + 1], column: field.column)
        }
        for link in model.manyToMany {
            let targets = Int64.decode(key).flatMap { links[link.name]?[$0] } ?? []
            fields[link.name] = .array(targets.map { .number(JSONNumber($0)) })
        }
        return [
            "model": .string(model.label),
            "pk": try DumpValue.json(key, column: model.primaryKey),
            "fields": .object(fields),
        ]
    }
}

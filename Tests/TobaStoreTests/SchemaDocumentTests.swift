import Foundation
import GRDB
import Testing
@testable import TobaStore

/// The schema document (`Tests/Fixtures/000_263ca94ae9e5cd38.txt`, origin in
/// `Tests/Fixtures/README.md`), read as `protocol/storage.md` says.
struct SchemaDocument {
    struct Column {
        let name: String
        /// The "Tipe Data" cell, upper-cased, spaces removed, typos mended (`TIMESTAMTZ`).
        let type: String
    }

    /// Table name → columns, in document order.
    let tables: [String: [Column]]

    static let fileName = "000_263ca94ae9e5cd38.txt"

    /// The package root: this file is `Tests/TobaStoreTests/SchemaDocumentTests.swift`.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var url: URL { packageRoot.appendingPathComponent("Tests/Fixtures/\(fileName)") }

    static func load() throws -> SchemaDocument {
        try SchemaDocument(parsing: String(contentsOf: url, encoding: .utf8))
    }

    /// Tables start at a line ``Nama Tabel : ``name`` ``; their columns are the first cells of the
    /// markdown table rows that follow, until the next table.
    init(parsing text: String) {
        var tables: [String: [Column]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains("Nama Tabel") {
                let parts = line.components(separatedBy: "``")
                current = parts.count >= 3 ? Self.mendTable(parts[1]) : nil
                if let current { tables[current] = [] }
                continue
            }
            guard let table = current, line.trimmingCharacters(in: .whitespaces).hasPrefix("|") else { continue }
            let cells = line.components(separatedBy: "|").dropFirst().map(Self.clean)
            guard cells.count >= 3, let name = cells.first, !name.isEmpty,
                  name != "namakolom", !name.allSatisfy({ $0 == "-" || $0 == ":" })
            else { continue }
            let type = cells[2].uppercased().replacingOccurrences(of: "TIMESTAMTZ", with: "TIMESTAMPTZ")
            tables[table, default: []].append(Column(name: Self.mendColumn(name), type: type))
        }
        self.tables = tables
    }

    /// Removes markdown emphasis, escapes and spaces (`**product \_id**` → `product_id`), lower-cased.
    static func clean(_ cell: String) -> String {
        cell.replacingOccurrences(of: "**", with: "")
            .replacingOccurrences(of: "\\", with: "")
            .filter { !$0.isWhitespace }
            .lowercased()
    }

    static func mendTable(_ name: String) -> String {
        let name = clean(name)
        return name == "django_migration" ? "django_migrations" : name
    }

    static func mendColumn(_ name: String) -> String {
        switch name {
        case "is_actvie": "is_active"
        case "nama": "name"
        default: name
        }
    }
}

@Suite struct SchemaDocumentTests {
    @Test func everyDocumentedTableAndColumnExists() throws {
        // Given the schema document
        let document = try SchemaDocument.load()
        #expect(document.tables.count == 34, "the parser found \(document.tables.count) tables")

        // When the schema is migrated
        let queue = try MigratedDatabase.make()

        // Then every table of the document exists with exactly its columns
        try queue.read { db in
            let tables = try Set(MigratedDatabase.tableNames(db))
            #expect(tables == Set(document.tables.keys).union(["toba_idempotency"]))
            for (table, documented) in document.tables {
                #expect(!documented.isEmpty, "no columns parsed for \(table)")
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")")
                #expect(Set(columns.map { $0["name"] as String }) == Set(documented.map(\.name)), "\(table)")
            }
        }
    }

    @Test func everyDocumentedColumnHasItsDjangoType() throws {
        let document = try SchemaDocument.load()
        let queue = try MigratedDatabase.make()
        try queue.read { db in
            for (table, documented) in document.tables {
                let declared = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")")
                    .map { ($0["name"] as String, ($0["type"] as String).lowercased()) })
                for column in documented {
                    let actual = declared[column.name] ?? "missing"
                    #expect(Self.allowedTypes(column.type, table: table, column: column.name).contains(actual),
                            "\(table).\(column.name): \(column.type) stored as \(actual)")
                }
            }
        }
    }

    /// The SQLite types Django gives a column of the document's PostgreSQL type.
    static func allowedTypes(_ type: String, table: String, column: String) -> Set<String> {
        // §10: slide ids are UUIDs, whatever the document's SERIAL says.
        if table == "landing_swiperslide", column == "id" { return ["char(32)"] }
        switch type {
        case "SERIAL", "SERIAL4": return ["integer"]
        case "INT", "INT4": return ["integer", "integer unsigned", "smallint unsigned"]
        case "INT8": return ["bigint"]
        case "BOOL": return ["bool"]
        case "TIMESTAMPTZ": return ["datetime"]
        case "UUID": return ["char(32)"]
        case "INET": return ["char(39)"]
        case "JSONB", "TEXT": return ["text"]
        default: return type.hasPrefix("VARCHAR(") ? [type.lowercased()] : []
        }
    }

    @Test func documentIsParsedAsTheProtocolReadsIt() throws {
        let document = try SchemaDocument.load()
        #expect(document.tables["django_migrations"]?.map(\.name) == ["id", "app", "name", "applied"])
        #expect(document.tables["django_migrations"]?.last?.type == "TIMESTAMPTZ")
        #expect(document.tables["users_category"]?.map(\.name) == ["id", "name"])
        #expect(document.tables["vouchers_invitation"]?.contains { $0.name == "is_active" } == true)
        #expect(document.tables["subscriptions_subscription"]?.contains { $0.name == "product_id" } == true)
    }
}

import GRDB
import Testing
@testable import TobaStore

@Suite struct SchemaCatalogTests {
    @Test func catalogListsExactlyTheMigratedTables() throws {
        let queue = try MigratedDatabase.make()
        let tables = try queue.read(MigratedDatabase.tableNames)
        #expect(tables.sorted() == SchemaCatalog.tables.keys.sorted())
        #expect(tables.count == 35)
    }

    @Test func catalogColumnsMatchTheDatabase() throws {
        let queue = try MigratedDatabase.make()
        try queue.read { db in
            for table in try MigratedDatabase.tableNames(db) {
                guard let info = SchemaCatalog.tables[table] else {
                    Issue.record("\(table) is missing from the catalog")
                    continue
                }
                #expect(info.name == table)
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? ""
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")")
                #expect(columns.map { $0["name"] as String } == info.columns.map(\.name), "\(table)")
                #expect(columns.filter { ($0["pk"] as Int) > 0 }.map { $0["name"] as String } == [info.primaryKey], "\(table)")

                for column in columns {
                    let name: String = column["name"]
                    guard let described = info[column: name] else { continue }
                    let declared = (column["type"] as String).lowercased()
                    let nullable = (column["notnull"] as Int) == 0
                    #expect(described.nullable == nullable, "\(table).\(name)")
                    let expected = Self.kind(declared: declared, isJSON: sql.contains("JSON_VALID(\"\(name)\")"))
                    #expect(described.kind == expected.kind, "\(table).\(name) is \(declared)")
                    #expect(described.maxLength == expected.maxLength, "\(table).\(name) is \(declared)")
                }
            }
        }
    }

    @Test func secretColumnsAreThoseOfTheProtocol() {
        let secrets = Set(SchemaCatalog.tables.values.flatMap { table in
            table.columns.filter(\.secret).map { "\(table.name).\($0.name)" }
        })
        #expect(secrets == [
            "users_user.password", "socialaccount_socialapp.secret", "socialaccount_socialtoken.token",
            "socialaccount_socialtoken.token_secret", "account_emailconfirmation.key",
        ])
    }

    @Test func lookupByName() {
        let user = SchemaCatalog.table("users_user")
        #expect(user[column: "email"]?.kind == .text)
        #expect(user[column: "email"]?.maxLength == 254)
        #expect(user[column: "last_login"]?.nullable == true)
        #expect(user[column: "nope"] == nil)
        #expect(SchemaCatalog.table("landing_swiper").primaryKey == "order")
        #expect(SchemaCatalog.table("landing_swiper")[column: "slide_id"]?.kind == .uuid)
        #expect(SchemaCatalog.table("rest_framework_sso_sessiontoken")[column: "ip_address"]?.kind == .inet)
    }

    /// What a declared column type means, following Django's SQLite `data_types`.
    static func kind(declared: String, isJSON: Bool) -> (kind: ColumnKind, maxLength: Int?) {
        switch declared {
        case "integer", "bigint", "smallint unsigned", "integer unsigned": return (.integer, nil)
        case "bool": return (.bool, nil)
        case "datetime": return (.timestamp, nil)
        case "char(32)": return (.uuid, nil)
        case "char(39)": return (.inet, nil)
        case "text": return (isJSON ? .json : .text, nil)
        default:
            let digits = declared.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
            return (.text, Int(digits))
        }
    }
}

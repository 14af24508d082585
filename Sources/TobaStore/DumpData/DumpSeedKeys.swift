import GRDB

/// The rows `migrate` seeds (content types, permissions, groups, sites) by natural key, as they
/// were before an import. When the dump replaces one of these tables, rows of tables the dump
/// does not hold that pointed at a seeded row are made to point at the dump's row with the same
/// natural key (PROTOCOL.md §10).
struct DumpSeedKeys {
    /// A seeded table and the SQL of its natural keys (`id`, `key`), in the order ids are remapped:
    /// a permission's key reads its content type, so content types come first.
    static let seededTables: [(table: String, keys: String)] = [
        ("django_content_type", #"SELECT "id", "app_label" || '.' || "model" AS "key" FROM "django_content_type""#),
        ("auth_permission", #"""
            SELECT p."id", ct."app_label" || '.' || ct."model" || '.' || p."codename" AS "key"
            FROM "auth_permission" p JOIN "django_content_type" ct ON ct."id" = p."content_type_id"
            """#),
        ("auth_group", #"SELECT "id", "name" AS "key" FROM "auth_group""#),
        ("django_site", #"SELECT "id", "domain" AS "key" FROM "django_site""#),
    ]

    /// Link tables whose rows are dropped, not refused, when the seeded row they link to is gone.
    static let linkTables: Set<String> = [
        "auth_group_permissions", "users_user_groups", "users_user_user_permissions", "socialaccount_socialapp_sites",
    ]

    /// Records the natural key of every seeded row (in a temporary table of this transaction).
    static func snapshot(_ db: Database) throws -> DumpSeedKeys {
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp."dump_seed_keys";
            CREATE TEMP TABLE "dump_seed_keys" ("tbl" TEXT NOT NULL, "id" INTEGER NOT NULL, "key" TEXT NOT NULL);
            DROP TABLE IF EXISTS temp."dump_id_map";
            CREATE TEMP TABLE "dump_id_map" ("old" INTEGER PRIMARY KEY, "new" INTEGER);
            """)
        for seeded in seededTables {
            try db.execute(sql: #"INSERT INTO "dump_seed_keys" SELECT ?, "id", "key" FROM ("# + seeded.keys + ")",
                           arguments: [seeded.table])
        }
        return DumpSeedKeys()
    }

    /// For each seeded table the dump replaced, points the rows of tables it did not replace at
    /// the dump's ids. A link to a seeded row the dump lacks is dropped; any other such reference
    /// fails the import.
    func remap(_ db: Database, heldTables: Set<String>) throws {
        defer { try? db.execute(sql: #"DROP TABLE IF EXISTS temp."dump_seed_keys"; DROP TABLE IF EXISTS temp."dump_id_map""#) }
        for seeded in Self.seededTables where heldTables.contains(seeded.table) {
            // old id → new id by natural key; `new` is NULL when the dump has no row with that key.
            try db.execute(sql: #"DELETE FROM "dump_id_map""#)
            try db.execute(sql: """
                INSERT INTO "dump_id_map" ("old", "new")
                SELECT o."id", n."id" FROM "dump_seed_keys" o LEFT JOIN (\(seeded.keys)) n ON n."key" = o."key"
                WHERE o."tbl" = ?
                """, arguments: [seeded.table])
            for reference in try Self.references(to: seeded.table, db) where !heldTables.contains(reference.table) {
                try remap(reference.table, reference.column, pointingAt: seeded.table, db)
            }
        }
    }

    private func remap(_ table: String, _ column: String, pointingAt seeded: String, _ db: Database) throws {
        let gone = #"SELECT "old" FROM "dump_id_map" WHERE "new" IS NULL"#
        if Self.linkTables.contains(table) {
            try db.execute(sql: "DELETE FROM \"\(table)\" WHERE \"\(column)\" IN (\(gone))")
        } else if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \"\(table)\" WHERE \"\(column)\" IN (\(gone)))") == true {
            throw DumpDataError("\(table).\(column) refers to \(seeded) rows that the dump does not hold (matched by natural key)")
        }
        // Through negative values, so that swapping two ids never meets a unique key half-way.
        try db.execute(sql: """
            UPDATE "\(table)" SET "\(column)" = -(SELECT "new" FROM "dump_id_map" WHERE "old" = "\(table)"."\(column)")
            WHERE "\(column)" IN (SELECT "old" FROM "dump_id_map" WHERE "new" IS NOT NULL AND "new" <> "old");
            UPDATE "\(table)" SET "\(column)" = -"\(column)" WHERE "\(column)" < 0;
            """)
    }

    /// Every (table, column) with a foreign key to `table`.
    private static func references(to table: String, _ db: Database) throws -> [(table: String, column: String)] {
        try Row.fetchAll(db, sql: """
            SELECT m."name" AS "table", f."from" AS "column"
            FROM sqlite_master m JOIN pragma_foreign_key_list(m."name") f
            WHERE m."type" = 'table' AND f."table" = ?
            ORDER BY m."name", f."from"
            """, arguments: [table]).map { ($0["table"], $0["column"]) }
    }
}

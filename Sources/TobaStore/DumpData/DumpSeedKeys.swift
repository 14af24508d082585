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

    let dialect: any DumpDialect

    /// Records the natural key of every seeded row (in a temporary table of this transaction).
    static func snapshot(_ db: any SQLConnection, dialect: any DumpDialect) throws -> DumpSeedKeys {
        try dialect.createTemporaryTable("dump_seed_keys", columns: #""tbl" TEXT NOT NULL, "id" INTEGER NOT NULL, "key" TEXT NOT NULL"#, db)
        try dialect.createTemporaryTable("dump_id_map", columns: #""old" INTEGER PRIMARY KEY, "new" INTEGER"#, db)
        for seeded in seededTables {
            try db.execute(sql: """
                INSERT INTO "dump_seed_keys" ("tbl", "id", "key") SELECT '\(seeded.table)', s."id", s."key" FROM (\(seeded.keys)) s
                """)
        }
        return DumpSeedKeys(dialect: dialect)
    }

    /// For each seeded table the dump replaced, points the rows of tables it did not replace at
    /// the dump's ids. A link to a seeded row the dump lacks is dropped; any other such reference
    /// fails the import.
    func remap(_ db: any SQLConnection, heldTables: Set<String>) throws {
        defer {
            try? dialect.dropTemporaryTable("dump_seed_keys", db)
            try? dialect.dropTemporaryTable("dump_id_map", db)
        }
        let foreignKeys = try dialect.foreignKeys(db)
        for seeded in Self.seededTables where heldTables.contains(seeded.table) {
            // old id → new id by natural key; `new` is NULL when the dump has no row with that key.
            try db.execute(sql: #"DELETE FROM "dump_id_map""#)
            try db.execute(sql: """
                INSERT INTO "dump_id_map" ("old", "new")
                SELECT o."id", n."id" FROM "dump_seed_keys" o LEFT JOIN (\(seeded.keys)) n ON n."key" = o."key"
                WHERE o."tbl" = ?
                """, arguments: [seeded.table])
            for reference in foreignKeys where reference.parent == seeded.table && !heldTables.contains(reference.table) {
                try remap(reference.table, reference.column, pointingAt: seeded.table, db)
            }
        }
    }

    private func remap(_ table: String, _ column: String, pointingAt seeded: String, _ db: any SQLConnection) throws {
        let gone = #"SELECT "old" FROM "dump_id_map" WHERE "new" IS NULL"#
        if Self.linkTables.contains(table) {
            try db.execute(sql: "DELETE FROM \"\(table)\" WHERE \"\(column)\" IN (\(gone))")
        } else if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \"\(table)\" WHERE \"\(column)\" IN (\(gone)))") == true {
            throw DumpDataError("\(table).\(column) refers to \(seeded) rows that the dump does not hold (matched by natural key)")
        }
        // Through negative values, so that swapping two ids never meets a unique key half-way.
        try db.execute(sql: """
            UPDATE "\(table)" SET "\(column)" = -(SELECT "new" FROM "dump_id_map" WHERE "old" = "\(table)"."\(column)")
            WHERE "\(column)" IN (SELECT "old" FROM "dump_id_map" WHERE "new" IS NOT NULL AND "new" <> "old")
            """)
        try db.execute(sql: "UPDATE \"\(table)\" SET \"\(column)\" = -\"\(column)\" WHERE \"\(column)\" < 0")
    }
}

import GRDB

/// Migration `0001_initial`: every table of the schema document, as Django 5.2 creates it on
/// SQLite (`schema_editor.create_model` output), plus `toba_idempotency`, and the seed rows.
///
/// Frozen once shipped: later changes go into new migrations, never into this one.
enum InitialMigration {
    static func migrate(_ db: Database) throws {
        try createDjangoTables(db)
        try createAccountTables(db)
        try createSocialTables(db)
        try createDeviceTables(db)
        try createCommerceTables(db)
        try createContentTables(db)
        try createIdempotencyTable(db)
        try seed(SQLiteConnection(db))
        try recordMirroredMigrations(db)
    }

    /// The migrations a Django project with these apps would have applied to reach this schema:
    /// Django's contrib apps by their real names (Django 5.2), every other app as `0001_initial`.
    /// `toba_register 0001_initial` itself is recorded by `registerTobaMigration`.
    static let mirroredMigrations: [(app: String, name: String)] = [
        ("contenttypes", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0001_initial"),
        ("auth", "0002_alter_permission_name_max_length"),
        ("auth", "0003_alter_user_email_max_length"),
        ("auth", "0004_alter_user_username_opts"),
        ("auth", "0005_alter_user_last_login_null"),
        ("auth", "0006_require_contenttypes_0002"),
        ("auth", "0007_alter_validators_add_error_messages"),
        ("auth", "0008_alter_user_username_max_length"),
        ("auth", "0009_alter_user_last_name_max_length"),
        ("auth", "0010_alter_group_name_max_length"),
        ("auth", "0011_update_proxy_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("users", "0001_initial"),
        ("account", "0001_initial"),
        ("admin", "0001_initial"),
        ("admin", "0002_logentry_remove_auto_add"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
        ("sites", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
        ("socialaccount", "0001_initial"),
        ("rest_framework_sso", "0001_initial"),
        ("push_notifications", "0001_initial"),
        ("store", "0001_initial"),
        ("subscriptions", "0001_initial"),
        ("payments", "0001_initial"),
        ("vouchers", "0001_initial"),
        ("feedback", "0001_initial"),
        ("landing", "0001_initial"),
    ]

    private static func recordMirroredMigrations(_ db: Database) throws {
        let applied = Timestamp.now()
        for migration in mirroredMigrations {
            try DjangoMigrations.record(db, app: migration.app, name: migration.name, applied: applied)
        }
    }

    /// `toba_idempotency`: the first result of a request made with an idempotency key (§8).
    /// `user_id` is null for calls made without a user; `COALESCE` makes such keys unique too
    /// (SQLite treats NULLs as distinct in a plain unique index).
    private static func createIdempotencyTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE "toba_idempotency" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "key" varchar(255) NOT NULL,
                "method" varchar(100) NOT NULL,
                "user_id" integer NULL,
                "params_hash" char(64) NOT NULL,
                "result" text NOT NULL CHECK ((JSON_VALID("result") OR "result" IS NULL)),
                "created_at" datetime NOT NULL
            );
            CREATE UNIQUE INDEX "toba_idempotency_key_method_user_id_uniq"
                ON "toba_idempotency" ("key", "method", COALESCE("user_id", 0));
            CREATE INDEX "toba_idempotency_created_at_idx" ON "toba_idempotency" ("created_at");
            """)
    }
}

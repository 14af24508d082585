extension InitialMigration {
    /// Every model, as Django names it: one content type each, with its four default permissions.
    /// Many-to-many link tables are not models and get none.
    static let seededModels: [(appLabel: String, model: String, verboseName: String)] = [
        ("admin", "logentry", "log entry"),
        ("auth", "permission", "permission"),
        ("auth", "group", "group"),
        ("contenttypes", "contenttype", "content type"),
        ("sessions", "session", "session"),
        ("sites", "site", "site"),
        ("account", "emailaddress", "email address"),
        ("account", "emailconfirmation", "email confirmation"),
        ("socialaccount", "socialapp", "social application"),
        ("socialaccount", "socialaccount", "social account"),
        ("socialaccount", "socialtoken", "social application token"),
        ("rest_framework_sso", "sessiontoken", "session token"),
        ("push_notifications", "apnsdevice", "APNS device"),
        ("push_notifications", "gcmdevice", "GCM device"),
        ("push_notifications", "webpushdevice", "WebPush device"),
        ("push_notifications", "wnsdevice", "WNS device"),
        ("users", "category", "category"),
        ("users", "user", "user"),
        ("users", "profile", "profile"),
        ("store", "product", "product"),
        ("subscriptions", "plan", "plan"),
        ("subscriptions", "subscription", "subscription"),
        ("subscriptions", "history", "history"),
        ("payments", "product", "product"),
        ("vouchers", "invitation", "invitation"),
        ("vouchers", "invitationclaimed", "invitation claimed"),
        ("feedback", "feedback", "feedback"),
        ("landing", "swiperslide", "swiper slide"),
        ("landing", "swiper", "swiper"),
    ]

    /// Django's `Meta.default_permissions`, in Django's order.
    static let defaultPermissionActions = ["add", "change", "delete", "view"]

    /// The seed rows on either engine, each added only when missing, so that seeding a database
    /// Django made (PostgreSQL adoption) keeps its rows and their ids:
    /// - content types and permissions as Django's `post_migrate` handlers create them
    ///   (codename `<action>_<model>`, name `Can <action> <verbose name>`);
    /// - the groups `admin`, `trial` and `paid` (a newly made `admin` holds every permission);
    /// - site 1 `example.com`, when there is no site at all.
    static func seed(_ db: any SQLConnection) throws {
        for model in seededModels {
            try db.execute(
                sql: #"INSERT INTO "django_content_type" ("app_label", "model") VALUES (?, ?) ON CONFLICT DO NOTHING"#,
                arguments: [model.appLabel, model.model]
            )
            let found = try Int64.fetchOne(
                db, sql: #"SELECT "id" FROM "django_content_type" WHERE "app_label" = ? AND "model" = ?"#,
                arguments: [model.appLabel, model.model])
            guard let contentTypeID = found else { throw StoredValueError(column: "django_content_type.id", expected: "Int64") }
            for action in defaultPermissionActions {
                try db.execute(
                    sql: #"INSERT INTO "auth_permission" ("name", "content_type_id", "codename") VALUES (?, ?, ?) ON CONFLICT DO NOTHING"#,
                    arguments: ["Can \(action) \(model.verboseName)", contentTypeID, "\(action)_\(model.model)"]
                )
            }
        }
        for group in ["admin", "trial", "paid"] {
            try db.execute(sql: #"INSERT INTO "auth_group" ("name") VALUES (?) ON CONFLICT DO NOTHING"#, arguments: [group])
            guard group == "admin", db.changesCount == 1 else { continue }
            try db.execute(sql: """
                INSERT INTO "auth_group_permissions" ("group_id", "permission_id")
                    SELECT "auth_group"."id", "auth_permission"."id"
                    FROM "auth_group", "auth_permission"
                    WHERE "auth_group"."name" = 'admin'
                    ORDER BY "auth_permission"."id"
                """)
        }
        try db.execute(sql: """
            INSERT INTO "django_site" ("id", "domain", "name")
                SELECT 1, 'example.com', 'example.com' WHERE NOT EXISTS (SELECT 1 FROM "django_site")
            """)
    }
}

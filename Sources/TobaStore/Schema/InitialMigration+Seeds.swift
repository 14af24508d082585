import GRDB

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

    /// Content types and permissions as Django's `post_migrate` handlers create them:
    /// codename `<action>_<model>`, name `Can <action> <verbose name>`.
    static func seedContentTypesAndPermissions(_ db: Database) throws {
        for model in seededModels {
            try db.execute(
                sql: #"INSERT INTO "django_content_type" ("app_label", "model") VALUES (?, ?)"#,
                arguments: [model.appLabel, model.model]
            )
            let contentTypeID = db.lastInsertedRowID
            for action in defaultPermissionActions {
                try db.execute(
                    sql: #"INSERT INTO "auth_permission" ("name", "content_type_id", "codename") VALUES (?, ?, ?)"#,
                    arguments: ["Can \(action) \(model.verboseName)", contentTypeID, "\(action)_\(model.model)"]
                )
            }
        }
    }

    /// The groups `admin` (holding every permission), `trial` and `paid`, and site 1.
    static func seedGroupsAndSite(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO "auth_group" ("name") VALUES ('admin'), ('trial'), ('paid');
            INSERT INTO "auth_group_permissions" ("group_id", "permission_id")
                SELECT "auth_group"."id", "auth_permission"."id"
                FROM "auth_group", "auth_permission"
                WHERE "auth_group"."name" = 'admin'
                ORDER BY "auth_permission"."id";
            INSERT INTO "django_site" ("id", "domain", "name") VALUES (1, 'example.com', 'example.com');
            """)
    }
}

extension SchemaCatalog {
    /// Django's contrib tables, `django_migrations` and `toba_idempotency`.
    static let djangoTables: [TableInfo] = [
        TableInfo("django_migrations", [
            .integer("id"), .text("app", 255), .text("name", 255), .timestamp("applied"),
        ]),
        TableInfo("django_content_type", [
            .integer("id"), .text("app_label", 100), .text("model", 100),
        ]),
        TableInfo("auth_permission", [
            .integer("id"), .text("name", 255), .integer("content_type_id"), .text("codename", 100),
        ]),
        TableInfo("auth_group", [
            .integer("id"), .text("name", 150),
        ]),
        TableInfo("auth_group_permissions", [
            .integer("id"), .integer("group_id"), .integer("permission_id"),
        ]),
        TableInfo("django_admin_log", [
            .integer("id"), .timestamp("action_time"), .integer("user_id"), .integer("content_type_id", null: true),
            .text("object_id", null: true), .text("object_repr", 200), .integer("action_flag"),
            .text("change_message"),
        ]),
        TableInfo("django_session", primaryKey: "session_key", [
            .text("session_key", 40), .text("session_data"), .timestamp("expire_date"),
        ]),
        TableInfo("django_site", [
            .integer("id"), .text("domain", 100), .text("name", 50),
        ]),
        TableInfo("toba_idempotency", [
            .integer("id"), .text("key", 255), .text("method", 100), .integer("user_id", null: true),
            .text("params_hash", 64), .json("result"), .timestamp("created_at"),
        ]),
    ]

    /// Users, profiles, categories, their links to groups and permissions, email addresses and
    /// confirmations, session tokens.
    static let accountTables: [TableInfo] = [
        TableInfo("users_user", [
            .integer("id"), .text("password", 128, secret: true), .timestamp("last_login", null: true),
            .bool("is_superuser"), .text("first_name", 150), .text("last_name", 150), .bool("is_staff"),
            .bool("is_active"), .timestamp("date_joined"), .text("email", 254),
        ]),
        TableInfo("users_category", [
            .integer("id"), .text("name", 225),
        ]),
        TableInfo("users_user_profile", primaryKey: "user_id", [
            .integer("user_id"), .text("phone", 17), .text("photo", 100), .json("extra_data", null: true),
            .integer("category_id", null: true),
        ]),
        TableInfo("users_user_groups", [
            .integer("id"), .integer("user_id"), .integer("group_id"),
        ]),
        TableInfo("users_user_user_permissions", [
            .integer("id"), .integer("user_id"), .integer("permission_id"),
        ]),
        TableInfo("account_emailaddress", [
            .integer("id"), .text("email", 254), .bool("verified"), .bool("primary"), .integer("user_id"),
        ]),
        TableInfo("account_emailconfirmation", [
            .integer("id"), .timestamp("created"), .timestamp("sent", null: true), .text("key", 64, secret: true),
            .integer("email_address_id"),
        ]),
        TableInfo("rest_framework_sso_sessiontoken", [
            .uuid("id"), .inet("ip_address", null: true), .text("user_agent", 1000), .timestamp("created_at"),
            .timestamp("revoked_at", null: true), .integer("user_id"), .timestamp("last_used_at", null: true),
            .text("client_id", 1000),
        ]),
    ]

    /// Social apps, accounts and tokens; push-notification devices.
    static let socialAndDeviceTables: [TableInfo] = [
        TableInfo("socialaccount_socialapp", [
            .integer("id"), .text("provider", 30), .text("name", 40), .text("client_id", 191),
            .text("secret", 191, secret: true), .text("key", 191),
        ]),
        TableInfo("socialaccount_socialapp_sites", [
            .integer("id"), .integer("socialapp_id"), .integer("site_id"),
        ]),
        TableInfo("socialaccount_socialaccount", [
            .integer("id"), .text("provider", 30), .text("uid", 191), .timestamp("last_login"),
            .timestamp("date_joined"), .json("extra_data"), .integer("user_id"),
        ]),
        TableInfo("socialaccount_socialtoken", [
            .integer("id"), .text("token", secret: true), .text("token_secret", secret: true),
            .timestamp("expires_at", null: true), .integer("account_id"), .integer("app_id"),
        ]),
        TableInfo("push_notifications_apnsdevice", [
            .integer("id"), .text("name", 225, null: true), .bool("active"), .timestamp("date_created", null: true),
            .uuid("device_id", null: true), .text("registration_id", 200), .integer("user_id", null: true),
            .text("application_id", 64, null: true),
        ]),
        TableInfo("push_notifications_gcmdevice", [
            .integer("id"), .text("name", 225, null: true), .bool("active"), .timestamp("date_created", null: true),
            .integer("device_id", null: true), .text("registration_id"), .integer("user_id", null: true),
            .text("cloud_message_type", 3), .text("application_id", 64, null: true),
        ]),
        TableInfo("push_notifications_webpushdevice", [
            .integer("id"), .text("name", 225, null: true), .bool("active"), .timestamp("date_created", null: true),
            .text("application_id", 64, null: true), .text("registration_id"), .text("p256dh", 88),
            .text("auth", 24), .text("browser", 10), .integer("user_id", null: true),
        ]),
        TableInfo("push_notifications_wnsdevice", [
            .integer("id"), .text("name", 225, null: true), .bool("active"), .timestamp("date_created", null: true),
            .uuid("device_id", null: true), .text("registration_id"), .integer("user_id", null: true),
            .text("application_id", 64, null: true),
        ]),
    ]
}

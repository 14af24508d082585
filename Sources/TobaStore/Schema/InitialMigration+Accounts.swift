import GRDB

extension InitialMigration {
    /// Users (a custom `AUTH_USER_MODEL` keyed by email), their profiles and categories, their
    /// group and permission links, allauth's email addresses and confirmations, and
    /// djangorestframework-sso's session tokens.
    static func createAccountTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE "users_user" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "password" varchar(128) NOT NULL,
                "last_login" datetime NULL,
                "is_superuser" bool NOT NULL,
                "first_name" varchar(150) NOT NULL,
                "last_name" varchar(150) NOT NULL,
                "is_staff" bool NOT NULL,
                "is_active" bool NOT NULL,
                "date_joined" datetime NOT NULL,
                "email" varchar(254) NOT NULL UNIQUE
            );

            CREATE TABLE "users_category" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "name" varchar(225) NOT NULL
            );

            CREATE TABLE "users_user_profile" (
                "user_id" integer NOT NULL PRIMARY KEY REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "phone" varchar(17) NOT NULL,
                "photo" varchar(100) NOT NULL,
                "extra_data" text NULL CHECK ((JSON_VALID("extra_data") OR "extra_data" IS NULL)),
                "category_id" integer NULL REFERENCES "users_category" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE INDEX "users_user_profile_category_id_562f73a5" ON "users_user_profile" ("category_id");

            CREATE TABLE "users_user_groups" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "group_id" integer NOT NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE UNIQUE INDEX "users_user_groups_user_id_group_id_b88eab82_uniq"
                ON "users_user_groups" ("user_id", "group_id");
            CREATE INDEX "users_user_groups_user_id_5f6f5a90" ON "users_user_groups" ("user_id");
            CREATE INDEX "users_user_groups_group_id_9afc8d0e" ON "users_user_groups" ("group_id");

            CREATE TABLE "users_user_user_permissions" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "permission_id" integer NOT NULL REFERENCES "auth_permission" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE UNIQUE INDEX "users_user_user_permissions_user_id_permission_id_43338c45_uniq"
                ON "users_user_user_permissions" ("user_id", "permission_id");
            CREATE INDEX "users_user_user_permissions_user_id_20aca447" ON "users_user_user_permissions" ("user_id");
            CREATE INDEX "users_user_user_permissions_permission_id_0b93982e" ON "users_user_user_permissions" ("permission_id");

            CREATE TABLE "account_emailaddress" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "email" varchar(254) NOT NULL UNIQUE,
                "verified" bool NOT NULL,
                "primary" bool NOT NULL,
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE INDEX "account_emailaddress_user_id_2c513194" ON "account_emailaddress" ("user_id");

            CREATE TABLE "account_emailconfirmation" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "created" datetime NOT NULL,
                "sent" datetime NULL,
                "key" varchar(64) NOT NULL UNIQUE,
                "email_address_id" integer NOT NULL REFERENCES "account_emailaddress" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE INDEX "account_emailconfirmation_email_address_id_5b7f8c58"
                ON "account_emailconfirmation" ("email_address_id");

            CREATE TABLE "rest_framework_sso_sessiontoken" (
                "id" char(32) NOT NULL PRIMARY KEY,
                "ip_address" char(39) NULL,
                "user_agent" varchar(1000) NOT NULL,
                "created_at" datetime NOT NULL,
                "revoked_at" datetime NULL,
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "last_used_at" datetime NULL,
                "client_id" varchar(1000) NOT NULL
            );
            CREATE INDEX "rest_framework_sso_sessiontoken_user_id_b11b3b3e"
                ON "rest_framework_sso_sessiontoken" ("user_id");
            """)
    }
}

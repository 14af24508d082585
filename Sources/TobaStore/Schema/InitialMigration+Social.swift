import GRDB

extension InitialMigration {
    /// django-allauth's social accounts: apps (with their sites), linked accounts, tokens.
    static func createSocialTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE "socialaccount_socialapp" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "provider" varchar(30) NOT NULL,
                "name" varchar(40) NOT NULL,
                "client_id" varchar(191) NOT NULL,
                "secret" varchar(191) NOT NULL,
                "key" varchar(191) NOT NULL
            );

            CREATE TABLE "socialaccount_socialapp_sites" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "socialapp_id" integer NOT NULL REFERENCES "socialaccount_socialapp" ("id") DEFERRABLE INITIALLY DEFERRED,
                "site_id" integer NOT NULL REFERENCES "django_site" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE UNIQUE INDEX "socialaccount_socialapp_sites_socialapp_id_site_id_71a9a768_uniq"
                ON "socialaccount_socialapp_sites" ("socialapp_id", "site_id");
            CREATE INDEX "socialaccount_socialapp_sites_socialapp_id_97fb6e7d"
                ON "socialaccount_socialapp_sites" ("socialapp_id");
            CREATE INDEX "socialaccount_socialapp_sites_site_id_2579dee5" ON "socialaccount_socialapp_sites" ("site_id");

            CREATE TABLE "socialaccount_socialaccount" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "provider" varchar(30) NOT NULL,
                "uid" varchar(191) NOT NULL,
                "last_login" datetime NOT NULL,
                "date_joined" datetime NOT NULL,
                "extra_data" text NOT NULL CHECK ((JSON_VALID("extra_data") OR "extra_data" IS NULL)),
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE UNIQUE INDEX "socialaccount_socialaccount_provider_uid_fc810c6e_uniq"
                ON "socialaccount_socialaccount" ("provider", "uid");
            CREATE INDEX "socialaccount_socialaccount_user_id_8146e70c" ON "socialaccount_socialaccount" ("user_id");

            CREATE TABLE "socialaccount_socialtoken" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "token" text NOT NULL,
                "token_secret" text NOT NULL,
                "expires_at" datetime NULL,
                "account_id" integer NOT NULL REFERENCES "socialaccount_socialaccount" ("id") DEFERRABLE INITIALLY DEFERRED,
                "app_id" integer NOT NULL REFERENCES "socialaccount_socialapp" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE UNIQUE INDEX "socialaccount_socialtoken_app_id_account_id_fca4e0ac_uniq"
                ON "socialaccount_socialtoken" ("app_id", "account_id");
            CREATE INDEX "socialaccount_socialtoken_account_id_951f210e" ON "socialaccount_socialtoken" ("account_id");
            CREATE INDEX "socialaccount_socialtoken_app_id_636a42d7" ON "socialaccount_socialtoken" ("app_id");
            """)
    }
}

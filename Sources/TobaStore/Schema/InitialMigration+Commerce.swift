import GRDB

extension InitialMigration {
    /// Store products, their plans, subscriptions and their history, payments, invitation vouchers.
    static func createCommerceTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE "store_product" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "name" varchar(40) NOT NULL,
                "description" text NOT NULL,
                "app_link" varchar(200) NOT NULL,
                "extra_data" text NULL CHECK ((JSON_VALID("extra_data") OR "extra_data" IS NULL)),
                "landing_link" varchar(200) NOT NULL,
                "is_active" bool NOT NULL,
                "nickname" varchar(40) NOT NULL
            );

            CREATE TABLE "subscriptions_plan" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "name" varchar(225) NOT NULL,
                "description" text NOT NULL,
                "price" integer unsigned NOT NULL CHECK ("price" >= 0),
                "period_days" integer unsigned NOT NULL CHECK ("period_days" >= 0),
                "extra_data" text NULL CHECK ((JSON_VALID("extra_data") OR "extra_data" IS NULL)),
                "product_id" integer NOT NULL REFERENCES "store_product" ("id") DEFERRABLE INITIALLY DEFERRED,
                CONSTRAINT "subscriptions_plan_period_days_gte_1" CHECK ("period_days" >= 1)
            );
            CREATE INDEX "subscriptions_plan_product_id_8a2614e5" ON "subscriptions_plan" ("product_id");

            CREATE TABLE "subscriptions_subscription" (
                "id" char(32) NOT NULL PRIMARY KEY,
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "product_id" integer NOT NULL REFERENCES "store_product" ("id") DEFERRABLE INITIALLY DEFERRED,
                "period_end" datetime NOT NULL,
                "group_id" integer NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED,
                "period_start" datetime NOT NULL,
                "created_at" datetime NOT NULL,
                "status" varchar(10) NOT NULL,
                "updated_at" datetime NOT NULL,
                "plan_id" integer NULL REFERENCES "subscriptions_plan" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE UNIQUE INDEX "subscriptions_subscription_user_id_product_id_2b6e5e88_uniq"
                ON "subscriptions_subscription" ("user_id", "product_id");
            CREATE INDEX "subscriptions_subscription_user_id_a353e93d" ON "subscriptions_subscription" ("user_id");
            CREATE INDEX "subscriptions_subscription_product_id_f0ba9784" ON "subscriptions_subscription" ("product_id");
            CREATE INDEX "subscriptions_subscription_group_id_d977a490" ON "subscriptions_subscription" ("group_id");
            CREATE INDEX "subscriptions_subscription_plan_id_2c895107" ON "subscriptions_subscription" ("plan_id");

            CREATE TABLE "subscriptions_history" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "timestamp" datetime NOT NULL,
                "price_paid" integer NOT NULL,
                "updated_period_start" datetime NOT NULL,
                "updated_period_end" datetime NOT NULL,
                "admin_id" integer NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "updated_subscription_group_id" integer NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED,
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE INDEX "subscriptions_history_admin_id_f35b404a" ON "subscriptions_history" ("admin_id");
            CREATE INDEX "subscriptions_history_updated_subscription_group_id_50ee0011"
                ON "subscriptions_history" ("updated_subscription_group_id");
            CREATE INDEX "subscriptions_history_user_id_c9ee86e0" ON "subscriptions_history" ("user_id");

            CREATE TABLE "payments_product" (
                "id" char(32) NOT NULL PRIMARY KEY,
                "transaction_status" varchar(20) NOT NULL,
                "transaction_details" text NOT NULL CHECK ((JSON_VALID("transaction_details") OR "transaction_details" IS NULL)),
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "subscription_plan_id" integer NOT NULL REFERENCES "subscriptions_plan" ("id") DEFERRABLE INITIALLY DEFERRED,
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "deleted_at" datetime NULL
            );
            CREATE INDEX "payments_product_subscription_plan_id_fa4dc939" ON "payments_product" ("subscription_plan_id");
            CREATE INDEX "payments_product_user_id_4705ad7e" ON "payments_product" ("user_id");

            CREATE TABLE "vouchers_invitation" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "code" varchar(64) NOT NULL,
                "code_l" varchar(64) NOT NULL UNIQUE,
                "valid_from" datetime NOT NULL,
                "valid_to" datetime NOT NULL,
                "bound" bool NOT NULL,
                "usage" integer unsigned NOT NULL CHECK ("usage" >= 0),
                "is_active" bool NOT NULL,
                "name" varchar(225) NOT NULL UNIQUE,
                "user_id" integer NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE INDEX "vouchers_invitation_user_id_c1df9b9e" ON "vouchers_invitation" ("user_id");

            CREATE TABLE "vouchers_invitation_claimed" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "redeemed" datetime NOT NULL,
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "voucher_id" integer NOT NULL REFERENCES "vouchers_invitation" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE UNIQUE INDEX "vouchers_invitation_claimed_voucher_id_user_id_b28097c2_uniq"
                ON "vouchers_invitation_claimed" ("voucher_id", "user_id");
            CREATE INDEX "vouchers_invitation_claimed_user_id_029bf990" ON "vouchers_invitation_claimed" ("user_id");
            CREATE INDEX "vouchers_invitation_claimed_voucher_id_f7849796" ON "vouchers_invitation_claimed" ("voucher_id");
            """)
    }
}

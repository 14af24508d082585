import GRDB

extension InitialMigration {
    /// django-push-notifications' devices. As the schema document says, a user has at most one
    /// APNS, one GCM and one WNS device (`user_id` unique, like a nullable `OneToOneField`), and
    /// any number of web-push devices, whose `registration_id` is unique.
    static func createDeviceTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE "push_notifications_apnsdevice" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "name" varchar(225) NULL,
                "active" bool NOT NULL,
                "date_created" datetime NULL,
                "device_id" char(32) NULL,
                "registration_id" varchar(200) NOT NULL,
                "user_id" integer NULL UNIQUE REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "application_id" varchar(64) NULL
            );
            CREATE INDEX "push_notifications_apnsdevice_device_id_0ac3cde3"
                ON "push_notifications_apnsdevice" ("device_id");

            CREATE TABLE "push_notifications_gcmdevice" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "name" varchar(225) NULL,
                "active" bool NOT NULL,
                "date_created" datetime NULL,
                "device_id" bigint NULL,
                "registration_id" text NOT NULL,
                "user_id" integer NULL UNIQUE REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "cloud_message_type" varchar(3) NOT NULL,
                "application_id" varchar(64) NULL
            );
            CREATE INDEX "push_notifications_gcmdevice_device_id_0b22a9c4"
                ON "push_notifications_gcmdevice" ("device_id");

            CREATE TABLE "push_notifications_webpushdevice" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "name" varchar(225) NULL,
                "active" bool NOT NULL,
                "date_created" datetime NULL,
                "application_id" varchar(64) NULL,
                "registration_id" text NOT NULL UNIQUE,
                "p256dh" varchar(88) NOT NULL,
                "auth" varchar(24) NOT NULL,
                "browser" varchar(10) NOT NULL,
                "user_id" integer NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE INDEX "push_notifications_webpushdevice_user_id_e867e0a1"
                ON "push_notifications_webpushdevice" ("user_id");

            CREATE TABLE "push_notifications_wnsdevice" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "name" varchar(225) NULL,
                "active" bool NOT NULL,
                "date_created" datetime NULL,
                "device_id" char(32) NULL,
                "registration_id" text NOT NULL,
                "user_id" integer NULL UNIQUE REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED,
                "application_id" varchar(64) NULL
            );
            CREATE INDEX "push_notifications_wnsdevice_device_id_7e1c24c4"
                ON "push_notifications_wnsdevice" ("device_id");
            """)
    }
}

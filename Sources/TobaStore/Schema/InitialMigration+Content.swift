import GRDB

extension InitialMigration {
    /// Feedback from users, and the landing page's slides with their swiper order.
    /// Slide ids are UUIDs (PROTOCOL.md §10); `event_speaker` is plain text, not a foreign key.
    static func createContentTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE "feedback_feedback" (
                "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "satisfaction" varchar(20) NOT NULL,
                "type" varchar(20) NOT NULL,
                "page" varchar(40) NOT NULL,
                "message" text NOT NULL,
                "attachment" varchar(100) NOT NULL,
                "created_at" datetime NOT NULL,
                "user_id" integer NOT NULL REFERENCES "users_user" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE INDEX "feedback_feedback_user_id_f7dd5014" ON "feedback_feedback" ("user_id");

            CREATE TABLE "landing_swiperslide" (
                "id" char(32) NOT NULL PRIMARY KEY,
                "category" varchar(20) NOT NULL,
                "title" varchar(225) NOT NULL,
                "subtitle" varchar(225) NOT NULL,
                "description" text NOT NULL,
                "button_text" varchar(225) NOT NULL,
                "event_speaker" varchar(225) NOT NULL,
                "event_speaker_origin" varchar(225) NOT NULL,
                "event_registration_link" varchar(225) NOT NULL,
                "event_start" datetime NULL,
                "event_end" datetime NULL,
                "event_is_online" bool NOT NULL,
                "video_duration" integer unsigned NULL CHECK ("video_duration" >= 0),
                "video_link" varchar(225) NOT NULL,
                "product_link" varchar(225) NOT NULL,
                "font_color" varchar(18) NOT NULL,
                "background_colors" text NULL CHECK ((JSON_VALID("background_colors") OR "background_colors" IS NULL)),
                "is_active" bool NOT NULL,
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "image" varchar(100) NOT NULL
            );

            CREATE TABLE "landing_swiper" (
                "order" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                "is_show" bool NOT NULL,
                "slide_id" char(32) NOT NULL REFERENCES "landing_swiperslide" ("id") DEFERRABLE INITIALLY DEFERRED
            );
            CREATE INDEX "landing_swiper_slide_id_7078034d" ON "landing_swiper" ("slide_id");
            """)
    }
}

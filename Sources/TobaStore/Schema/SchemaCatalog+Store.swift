extension SchemaCatalog {
    /// Products, plans, subscriptions and their history, payments, vouchers.
    static let commerceTables: [TableInfo] = [
        TableInfo("store_product", [
            .integer("id"), .text("name", 40), .text("description"), .text("app_link", 200),
            .json("extra_data", null: true), .text("landing_link", 200), .bool("is_active"), .text("nickname", 40),
        ]),
        TableInfo("subscriptions_plan", [
            .integer("id"), .text("name", 225), .text("description"), .integer("price"), .integer("period_days"),
            .json("extra_data", null: true), .integer("product_id"),
        ]),
        TableInfo("subscriptions_subscription", [
            .uuid("id"), .integer("user_id"), .integer("product_id"), .timestamp("period_end"),
            .integer("group_id", null: true), .timestamp("period_start"), .timestamp("created_at"),
            .text("status", 10), .timestamp("updated_at"), .integer("plan_id", null: true),
        ]),
        TableInfo("subscriptions_history", [
            .integer("id"), .timestamp("timestamp"), .integer("price_paid"), .timestamp("updated_period_start"),
            .timestamp("updated_period_end"), .integer("admin_id", null: true),
            .integer("updated_subscription_group_id", null: true), .integer("user_id"),
        ]),
        TableInfo("payments_product", [
            .uuid("id"), .text("transaction_status", 20), .json("transaction_details"), .timestamp("created_at"),
            .timestamp("updated_at"), .integer("subscription_plan_id"), .integer("user_id"),
            .timestamp("deleted_at", null: true),
        ]),
        TableInfo("vouchers_invitation", [
            .integer("id"), .timestamp("created_at"), .timestamp("updated_at"), .text("code", 64),
            .text("code_l", 64), .timestamp("valid_from"), .timestamp("valid_to"), .bool("bound"),
            .integer("usage"), .bool("is_active"), .text("name", 225), .integer("user_id", null: true),
        ]),
        TableInfo("vouchers_invitation_claimed", [
            .integer("id"), .timestamp("redeemed"), .integer("user_id"), .integer("voucher_id"),
        ]),
    ]

    /// Feedback and the landing page.
    static let contentTables: [TableInfo] = [
        TableInfo("feedback_feedback", [
            .integer("id"), .text("satisfaction", 20), .text("type", 20), .text("page", 40), .text("message"),
            .text("attachment", 100), .timestamp("created_at"), .integer("user_id"),
        ]),
        TableInfo("landing_swiperslide", [
            .uuid("id"), .text("category", 20), .text("title", 225), .text("subtitle", 225), .text("description"),
            .text("button_text", 225), .text("event_speaker", 225), .text("event_speaker_origin", 225),
            .text("event_registration_link", 225), .timestamp("event_start", null: true),
            .timestamp("event_end", null: true), .bool("event_is_online"), .integer("video_duration", null: true),
            .text("video_link", 225), .text("product_link", 225), .text("font_color", 18),
            .json("background_colors", null: true), .bool("is_active"), .timestamp("created_at"),
            .timestamp("updated_at"), .text("image", 100),
        ]),
        TableInfo("landing_swiper", primaryKey: "order", [
            .integer("order"), .bool("is_show"), .uuid("slide_id"),
        ]),
    ]
}

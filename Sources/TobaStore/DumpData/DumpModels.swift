/// Every model `import` reads and `export` writes, in dependency order: a model comes after every
/// model its foreign keys and many-to-many fields point to.
package enum DumpModels {
    package static let all: [DumpModel] = [
        DumpModel("contenttypes.contenttype", "django_content_type"),
        DumpModel("auth.permission", "auth_permission", foreignKeys: ["content_type_id"]),
        DumpModel("auth.group", "auth_group", manyToMany: [
            .init("permissions", table: "auth_group_permissions", owner: "group_id", target: "permission_id"),
        ]),
        DumpModel("sites.site", "django_site"),
        DumpModel("users.category", "users_category"),
        DumpModel("users.user", "users_user", manyToMany: [
            .init("groups", table: "users_user_groups", owner: "user_id", target: "group_id"),
            .init("user_permissions", table: "users_user_user_permissions", owner: "user_id", target: "permission_id"),
        ]),
        DumpModel("users.profile", "users_user_profile", foreignKeys: ["category_id"]),
        DumpModel("account.emailaddress", "account_emailaddress", foreignKeys: ["user_id"]),
        DumpModel("account.emailconfirmation", "account_emailconfirmation", foreignKeys: ["email_address_id"]),
        DumpModel("socialaccount.socialapp", "socialaccount_socialapp", manyToMany: [
            .init("sites", table: "socialaccount_socialapp_sites", owner: "socialapp_id", target: "site_id"),
        ]),
        DumpModel("socialaccount.socialaccount", "socialaccount_socialaccount", foreignKeys: ["user_id"]),
        DumpModel("socialaccount.socialtoken", "socialaccount_socialtoken", foreignKeys: ["account_id", "app_id"]),
        DumpModel("admin.logentry", "django_admin_log", foreignKeys: ["user_id", "content_type_id"]),
        DumpModel("sessions.session", "django_session"),
        DumpModel("rest_framework_sso.sessiontoken", "rest_framework_sso_sessiontoken", foreignKeys: ["user_id"]),
        DumpModel("store.product", "store_product"),
        DumpModel("subscriptions.plan", "subscriptions_plan", foreignKeys: ["product_id"]),
        DumpModel("subscriptions.subscription", "subscriptions_subscription",
                  foreignKeys: ["user_id", "product_id", "group_id", "plan_id"]),
        DumpModel("subscriptions.history", "subscriptions_history",
                  foreignKeys: ["admin_id", "updated_subscription_group_id", "user_id"]),
        DumpModel("payments.product", "payments_product", foreignKeys: ["subscription_plan_id", "user_id"]),
        DumpModel("vouchers.invitation", "vouchers_invitation", foreignKeys: ["user_id"]),
        DumpModel("vouchers.invitationclaimed", "vouchers_invitation_claimed", foreignKeys: ["user_id", "voucher_id"]),
        DumpModel("push_notifications.apnsdevice", "push_notifications_apnsdevice", foreignKeys: ["user_id"]),
        DumpModel("push_notifications.gcmdevice", "push_notifications_gcmdevice", foreignKeys: ["user_id"]),
        DumpModel("push_notifications.wnsdevice", "push_notifications_wnsdevice", foreignKeys: ["user_id"]),
        DumpModel("push_notifications.webpushdevice", "push_notifications_webpushdevice", foreignKeys: ["user_id"]),
        DumpModel("feedback.feedback", "feedback_feedback", foreignKeys: ["user_id"]),
        DumpModel("landing.swiperslide", "landing_swiperslide"),
        DumpModel("landing.swiper", "landing_swiper", foreignKeys: ["slide_id"]),
    ]

    private static let byLabel = Dictionary(uniqueKeysWithValues: all.map { ($0.label, $0) })

    /// The model labelled `label`. Django matches model names without regard to case
    /// (`users.User`); app labels are written as they are.
    package static func model(labelled label: String) -> DumpModel? {
        if let model = byLabel[label] { return model }
        guard let dot = label.lastIndex(of: ".") else { return nil }
        return byLabel[label[..<dot] + label[dot...].lowercased()]
    }
}

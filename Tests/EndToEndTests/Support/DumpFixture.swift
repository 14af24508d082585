import Foundation

/// A `manage.py dumpdata` export of every model `import` reads (PROTOCOL.md §10), written as
/// Django writes it: foreign keys as raw keys, many-to-many fields as lists, UUIDs as strings
/// (dashed, undashed, upper case), JSON fields nested, timestamps with `Z`, an offset or none.
/// Ids differ from the ones `migrate` seeds, so matching seeded rows is exercised.
enum DumpFixture {
    /// `correct horse` under Django's PBKDF2 with 1,000 iterations (Python's hashlib, as in
    /// `AccountTests.aDjangoHashLogsIn`).
    static let djangoHash = "pbkdf2_sha256$1000$saltsaltsaltsaltsaltsa$rrFqfY54t+CcYpzPEaBDNhjkhYBmcvjLfi7UsJc1TIs="
    static let djangoPassword = "correct horse"
    static let ownerEmail = "owner@toba.ai"
    /// The largest user id in the dump.
    static let largestUserID: Int64 = 42

    /// Every model label of §10 with the rows the fixture holds.
    static let rowsPerModel: [String: Int] = [
        "contenttypes.contenttype": 29, "auth.permission": 3, "auth.group": 3, "sites.site": 1, "users.category": 1,
        "users.user": 2, "users.profile": 1, "account.emailaddress": 2, "account.emailconfirmation": 1,
        "socialaccount.socialapp": 1, "socialaccount.socialaccount": 1, "socialaccount.socialtoken": 1,
        "admin.logentry": 1, "sessions.session": 1, "rest_framework_sso.sessiontoken": 1, "store.product": 1,
        "subscriptions.plan": 1, "subscriptions.subscription": 1, "subscriptions.history": 1, "payments.product": 1,
        "vouchers.invitation": 1, "vouchers.invitationclaimed": 1, "push_notifications.apnsdevice": 1,
        "push_notifications.gcmdevice": 1, "push_notifications.wnsdevice": 1, "push_notifications.webpushdevice": 1,
        "feedback.feedback": 1, "landing.swiperslide": 1, "landing.swiper": 1,
    ]

    /// The 29 models, each given content type id 100 + its position (migrate seeds 1…29).
    static let models = [
        "admin.logentry", "auth.permission", "auth.group", "contenttypes.contenttype", "sessions.session", "sites.site",
        "account.emailaddress", "account.emailconfirmation", "socialaccount.socialapp", "socialaccount.socialaccount",
        "socialaccount.socialtoken", "rest_framework_sso.sessiontoken", "push_notifications.apnsdevice",
        "push_notifications.gcmdevice", "push_notifications.webpushdevice", "push_notifications.wnsdevice",
        "users.category", "users.user", "users.profile", "store.product", "subscriptions.plan",
        "subscriptions.subscription", "subscriptions.history", "payments.product", "vouchers.invitation",
        "vouchers.invitationclaimed", "feedback.feedback", "landing.swiperslide", "landing.swiper",
    ]

    static func contentTypeID(_ label: String) -> Int { 100 + models.firstIndex(of: label)! }

    /// One element per line, as `dumpdata` without `--indent` writes them.
    static var text: String {
        "[\n" + elements.joined(separator: ",\n") + "\n]\n"
    }

    static var elements: [String] {
        let contentTypes = models.reversed().map { label -> String in
            let parts = label.split(separator: ".")
            return #"{"model": "contenttypes.contenttype", "pk": \#(contentTypeID(label)), "fields": {"app_label": "\#(parts[0])", "model": "\#(parts[1])"}}"#
        }
        let user = contentTypeID("users.user")
        return contentTypes + [
            #"{"model": "auth.permission", "pk": 501, "fields": {"name": "Can view user", "content_type": \#(user), "codename": "view_user"}}"#,
            #"{"model": "auth.permission", "pk": 502, "fields": {"name": "Can change user", "content_type": \#(user), "codename": "change_user"}}"#,
            #"{"model": "auth.permission", "pk": 503, "fields": {"name": "Can export data", "content_type": \#(user), "codename": "export_data"}}"#,
            #"{"model": "auth.group", "pk": 10, "fields": {"name": "admin", "permissions": [502, 501]}}"#,
            #"{"model": "auth.group", "pk": 11, "fields": {"name": "paid", "permissions": []}}"#,
            #"{"model": "auth.group", "pk": 12, "fields": {"name": "trial"}}"#,
            #"{"model": "sites.site", "pk": 2, "fields": {"domain": "toba.ai", "name": "Toba"}}"#,
            #"{"model": "users.category", "pk": 4, "fields": {"name": "Researcher"}}"#,
            #"{"model": "users.user", "pk": 7, "fields": {"password": "\#(djangoHash)", "last_login": "2024-05-01T08:30:00.123Z", "is_superuser": true, "first_name": "Owner", "last_name": "Ö", "is_staff": true, "is_active": true, "date_joined": "2023-01-02T03:04:05+07:00", "email": "\#(ownerEmail)", "groups": [10], "user_permissions": []}}"#,
            #"{"model": "users.user", "pk": 42, "fields": {"password": "!unusableunusableunusableunusableunusable", "last_login": null, "is_superuser": false, "first_name": "", "last_name": "", "is_staff": false, "is_active": true, "date_joined": "2023-06-01T10:00:00.654321", "email": "member@toba.ai", "groups": [11, 10], "user_permissions": [503]}}"#,
            #"{"model": "users.profile", "pk": 7, "fields": {"phone": "+62811", "photo": "photos/o.png", "extra_data": {"tags": ["a", "b"], "score": 1.50, "nested": {"deep": [null, true]}}, "category": 4}}"#,
            #"{"model": "account.emailaddress", "pk": 3, "fields": {"email": "\#(ownerEmail)", "verified": true, "primary": true, "user": 7}}"#,
            #"{"model": "account.emailaddress", "pk": 8, "fields": {"email": "member@toba.ai", "verified": false, "primary": true, "user": 42}}"#,
            #"{"model": "account.emailconfirmation", "pk": 5, "fields": {"created": "2023-06-01T10:00:01Z", "sent": null, "key": "k3y", "email_address": 8}}"#,
            #"{"model": "socialaccount.socialapp", "pk": 1, "fields": {"provider": "google", "name": "Google", "client_id": "cid", "secret": "s3cret", "key": "", "sites": [2]}}"#,
            #"{"model": "socialaccount.socialaccount", "pk": 2, "fields": {"provider": "google", "uid": "1234", "last_login": "2024-01-01T00:00:00Z", "date_joined": "2023-01-01T00:00:00Z", "extra_data": {"email": "owner@toba.ai", "email_verified": true}, "user": 7}}"#,
            #"{"model": "socialaccount.socialtoken", "pk": 3, "fields": {"token": "tok", "token_secret": "", "expires_at": "2025-01-01T00:00:00-05:00", "account": 2, "app": 1}}"#,
            #"{"model": "admin.logentry", "pk": 9, "fields": {"action_time": "2024-02-03T04:05:06.789Z", "user": 7, "content_type": \#(user), "object_id": "42", "object_repr": "member@toba.ai", "action_flag": 2, "change_message": "[{\"changed\": {\"fields\": [\"is_active\"]}}]"}}"#,
            #"{"model": "sessions.session", "pk": "q1w2e3r4t5y6u7i8o9p0", "fields": {"session_data": "e30:1abc:xyz", "expire_date": "2030-01-01T00:00:00Z"}}"#,
            #"{"model": "rest_framework_sso.sessiontoken", "pk": "0f8fad5b-d9cb-469f-a165-70867728950e", "fields": {"ip_address": "10.0.0.1", "user_agent": "curl", "created_at": "2024-03-01T00:00:00Z", "revoked_at": null, "user": 7, "last_used_at": "2024-03-02T00:00:00.000001Z", "client_id": "web"}}"#,
            #"{"model": "store.product", "pk": 6, "fields": {"name": "Widya", "description": "Analytics", "app_link": "https://a", "extra_data": null, "landing_link": "https://l", "is_active": true, "nickname": "widya"}}"#,
            #"{"model": "subscriptions.plan", "pk": 12, "fields": {"name": "Monthly", "description": "", "price": 150000, "period_days": 30, "extra_data": {"featured": true}, "product": 6}}"#,
            #"{"model": "subscriptions.subscription", "pk": "7c9e6679742540de944be07fc1f90ae7", "fields": {"user": 42, "product": 6, "period_end": "2024-07-01T00:00:00Z", "group": 11, "period_start": "2024-06-01T00:00:00Z", "created_at": "2024-06-01T00:00:00Z", "status": "active", "updated_at": "2024-06-01T00:00:00Z", "plan": 12}}"#,
            #"{"model": "subscriptions.history", "pk": 13, "fields": {"timestamp": "2024-06-01T00:00:00Z", "price_paid": 150000, "updated_period_start": "2024-06-01T00:00:00Z", "updated_period_end": "2024-07-01T00:00:00Z", "admin": null, "updated_subscription_group": 11, "user": 42}}"#,
            #"{"model": "payments.product", "pk": "3F2504E0-4F89-11D3-9A0C-0305E82C3301", "fields": {"transaction_status": "settlement", "transaction_details": {"gross_amount": "150000.00", "items": [{"id": 12}]}, "created_at": "2024-06-01T00:00:00Z", "updated_at": "2024-06-01T00:05:00Z", "subscription_plan": 12, "user": 42, "deleted_at": null}}"#,
            #"{"model": "vouchers.invitation", "pk": 14, "fields": {"created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z", "code": "WELCOME", "code_l": "welcome", "valid_from": "2024-01-01T00:00:00Z", "valid_to": "2025-01-01T00:00:00Z", "bound": false, "usage": 10, "is_active": true, "name": "Welcome", "user": null}}"#,
            #"{"model": "vouchers.invitationclaimed", "pk": 15, "fields": {"redeemed": "2024-02-01T00:00:00Z", "user": 42, "voucher": 14}}"#,
            #"{"model": "push_notifications.apnsdevice", "pk": 16, "fields": {"name": "phone", "active": true, "date_created": "2024-01-01T00:00:00Z", "device_id": "a8098c1a-f86e-11da-bd1a-00112444be1e", "registration_id": "abcdef", "user": 7, "application_id": null}}"#,
            #"{"model": "push_notifications.gcmdevice", "pk": 17, "fields": {"name": null, "active": false, "date_created": null, "device_id": 18446744073709551615, "registration_id": "gcm-reg", "user": 42, "cloud_message_type": "FCM", "application_id": "app"}}"#,
            #"{"model": "push_notifications.wnsdevice", "pk": 18, "fields": {"name": "pc", "active": true, "date_created": "2024-01-01T00:00:00Z", "device_id": null, "registration_id": "https://wns", "user": 7, "application_id": null}}"#,
            #"{"model": "push_notifications.webpushdevice", "pk": 19, "fields": {"name": "browser", "active": true, "date_created": "2024-01-01T00:00:00Z", "application_id": null, "registration_id": "https://push/1", "p256dh": "key", "auth": "auth", "browser": "CHROME", "user": 42}}"#,
            #"{"model": "feedback.feedback", "pk": 20, "fields": {"satisfaction": "happy", "type": "bug", "page": "home", "message": "Line one\nline \"two\" \\ ok", "attachment": "", "created_at": "2024-04-01T00:00:00Z", "user": 42}}"#,
            ##"{"model": "landing.swiperslide", "pk": "6b1d4b0e-7a31-4d51-9c6c-0a7b8d7e0c11", "fields": {"category": "event", "title": "Launch", "subtitle": "", "description": "", "button_text": "Join", "event_speaker": "Dr. A", "event_speaker_origin": "ITB", "event_registration_link": "https://r", "event_start": "2024-05-01T10:00:00+07:00", "event_end": "2024-05-01T12:00:00", "event_is_online": true, "video_duration": null, "video_link": "", "product_link": "", "font_color": "#ffffff", "background_colors": ["#000000", "#ffffff"], "is_active": true, "created_at": "2024-04-01T00:00:00Z", "updated_at": "2024-04-02T00:00:00Z", "image": "slides/a.png"}}"##,
            #"{"model": "landing.swiper", "pk": 3, "fields": {"is_show": true, "slide": "6b1d4b0e7a314d519c6c0a7b8d7e0c11"}}"#,
        ]
    }

    /// The fixture with `element` inserted before the last element.
    static func text(insertingLate element: String) -> String {
        var all = elements
        all.insert(element, at: all.count - 1)
        return "[\n" + all.joined(separator: ",\n") + "\n]\n"
    }
}

import GRDB
import Testing
@testable import TobaStore

@Suite struct SchemaSeedTests {
    /// Every model of PROTOCOL.md §8.4 with Django's verbose name.
    static let models: [String: String] = [
        "account.emailaddress": "email address", "account.emailconfirmation": "email confirmation",
        "auth.group": "group", "auth.permission": "permission", "admin.logentry": "log entry",
        "contenttypes.contenttype": "content type", "sessions.session": "session", "sites.site": "site",
        "rest_framework_sso.sessiontoken": "session token", "feedback.feedback": "feedback",
        "landing.swiper": "swiper", "landing.swiperslide": "swiper slide", "payments.product": "product",
        "store.product": "product", "push_notifications.apnsdevice": "APNS device",
        "push_notifications.gcmdevice": "GCM device", "push_notifications.webpushdevice": "WebPush device",
        "push_notifications.wnsdevice": "WNS device", "socialaccount.socialaccount": "social account",
        "socialaccount.socialapp": "social application", "socialaccount.socialtoken": "social application token",
        "subscriptions.history": "history", "subscriptions.plan": "plan", "subscriptions.subscription": "subscription",
        "users.category": "category", "users.user": "user", "users.profile": "profile",
        "vouchers.invitation": "invitation", "vouchers.invitationclaimed": "invitation claimed",
    ]

    @Test func oneContentTypePerModel() throws {
        let queue = try MigratedDatabase.make()
        let contentTypes = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT app_label || '.' || model FROM django_content_type")
        }
        #expect(contentTypes.count == Self.models.count)
        #expect(Set(contentTypes) == Set(Self.models.keys))
    }

    @Test func eachModelHasDjangosFourDefaultPermissions() throws {
        let queue = try MigratedDatabase.make()
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT ct.app_label, ct.model, p.codename, p.name
                FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
                """)
        }
        var expected: Set<String> = []
        for (key, verboseName) in Self.models {
            let model = String(key.split(separator: ".")[1])
            for action in ["add", "change", "delete", "view"] {
                expected.insert("\(key) \(action)_\(model) Can \(action) \(verboseName)")
            }
        }
        let actual = Set(rows.map { row -> String in
            let app: String = row["app_label"], model: String = row["model"]
            let codename: String = row["codename"], name: String = row["name"]
            return "\(app).\(model) \(codename) \(name)"
        })
        #expect(rows.count == 4 * Self.models.count)
        #expect(actual == expected)
    }

    @Test func adminGroupHoldsEveryPermission() throws {
        let queue = try MigratedDatabase.make()
        try queue.read { db in
            let permissions = try Int.fetchOne(db, sql: "SELECT count(*) FROM auth_permission")
            let held = try Int.fetchOne(db, sql: """
                SELECT count(DISTINCT gp.permission_id) FROM auth_group_permissions gp
                JOIN auth_group g ON g.id = gp.group_id WHERE g.name = 'admin'
                """)
            let linksOfOtherGroups = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM auth_group_permissions gp
                JOIN auth_group g ON g.id = gp.group_id WHERE g.name <> 'admin'
                """)
            #expect(permissions == 116)
            #expect(held == permissions)
            #expect(linksOfOtherGroups == 0)
        }
    }

    @Test func groupsAdminTrialAndPaidExist() throws {
        let queue = try MigratedDatabase.make()
        let groups = try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM auth_group ORDER BY id") }
        #expect(groups == ["admin", "trial", "paid"])
    }

    @Test func siteOneIsExampleDotCom() throws {
        let queue = try MigratedDatabase.make()
        let site = try queue.read { db in try Row.fetchOne(db, sql: "SELECT id, domain, name FROM django_site") }
        #expect(site == ["id": 1, "domain": "example.com", "name": "example.com"])
    }

    @Test func djangoMigrationsRecordDjangosAppsAndOurs() throws {
        let queue = try MigratedDatabase.make()
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT app, name, applied FROM django_migrations") }
        var perApp: [String: [String]] = [:]
        for row in rows { perApp[row["app"], default: []].append(row["name"]) }

        #expect(perApp["contenttypes"] == ["0001_initial", "0002_remove_content_type_name"])
        #expect(perApp["auth"]?.count == 12)
        #expect(perApp["auth"]?.last == "0012_alter_user_first_name_max_length")
        #expect(perApp["admin"]?.count == 3)
        #expect(perApp["sessions"] == ["0001_initial"])
        #expect(perApp["sites"] == ["0001_initial", "0002_alter_domain_unique"])
        for app in ["account", "rest_framework_sso", "feedback", "landing", "payments", "store",
                    "push_notifications", "socialaccount", "subscriptions", "users", "vouchers"] {
            #expect(perApp[app] == ["0001_initial"], "\(app)")
        }
        #expect(perApp["toba_register"]?.count == Schema.version)
        #expect(perApp["toba_register"]?.first == "0001_initial")

        for row in rows {
            let applied: String = row["applied"]
            #expect(Timestamp(parsing: applied)?.databaseText == applied, "\(applied)")
        }
    }
}

import TobaDomain
import TobaRPC
import TobaStore

/// §8.10 Social accounts.
enum SocialMethods {
    static func all(_ services: Services) -> [Method<any SQLConnection>] {
        let social = services.social
        let sessions = services.sessions
        return [
            Bind.admin("socialapp.create", sessions, permission: .socialaccountAddSocialapp, decode: { p in
                SocialAccounts.NewApp(
                    provider: try p.required("provider"), name: try p.required("name"), clientId: try p.required("clientId"),
                    secret: try p.required("secret"), key: try p.optional("key"), siteIds: try p.optional("siteIds"))
            }) { app, admin, db in
                try social.createApp(db, admin: admin, app)
            },
            Bind.admin("socialapp.list", sessions, permission: .socialaccountViewSocialapp, decode: { p in try p.page() }) { page, _, db in
                try social.listApps(db, page: page)
            },
            // No token: the parent calls this once it finished the provider's OAuth flow.
            Method("social.login", decode: { p in
                SocialAccounts.Login(
                    provider: try p.required("provider"), uid: try p.required("uid"), email: try p.optional("email"),
                    emailVerified: try p.optional("emailVerified") ?? false, extraData: try p.optional("extraData"),
                    accessToken: try p.optional("accessToken"), tokenSecret: try p.optional("tokenSecret"),
                    expiresAt: try p.optionalTimestamp("expiresAt"), clientId: try p.optional("clientId"),
                    ipAddress: try p.optional("ipAddress"), userAgent: try p.optional("userAgent"))
            }) { login in
                .ordered { db in
                    let result = try social.login(db, login)
                    return .deferred {
                        var object = try await SessionMethods.signed(result.login, sessions).objectValue ?? JSONObject()
                        object["created"] = .bool(result.created)
                        object["socialAccount"] = result.socialAccount
                        return .object(object)
                    }
                }
            },
            Bind.authed("social.list", sessions, decode: { p in try p.page() }) { page, user, db in
                try social.list(db, user: user, page: page)
            },
            Bind.authed("social.disconnect", sessions, decode: { p in try p.required("socialAccountId", as: Int64.self) }) { id, user, db in
                try social.disconnect(db, user: user, socialAccountId: id)
            },
        ]
    }
}

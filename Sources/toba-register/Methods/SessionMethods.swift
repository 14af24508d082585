import TobaDomain
import TobaRPC
import TobaStore

/// §8.3 Sessions.
enum SessionMethods {
    static func all(_ services: Services) -> [Method<any SQLConnection>] {
        let accounts = services.accounts
        let sessions = services.sessions
        let web = services.webSessions
        return [
            Method("auth.login", decode: { p in
                Accounts.Login(
                    email: try p.required("email"), password: try p.required("password"),
                    clientId: try p.optional("clientId"), ipAddress: try p.optional("ipAddress"),
                    userAgent: try p.optional("userAgent"))
            }, footprint: { login in .keys(Footprints.email(login.email), Footprints.logins) }) { login in
                let prepared = try await Offload.run { try accounts.prepareLogin(login) }
                return .ordered { db in
                    let result = try accounts.login(prepared, db)
                    return .deferred { try await signed(result, sessions) }
                }
            },
            Bind.authed("auth.verify", sessions, decode: { _ in () }, touches: { _ in [] }) { _, user, db in
                try sessions.verification(db, user: user)
            },
            Bind.authed("auth.logout", sessions, decode: { _ in () }) { _, user, db in
                _ = try sessions.revoke(db, user: user, sessionId: user.sessionId)
                return ["loggedOut": true]
            },
            Bind.authed("session.list", sessions, decode: { p in try p.page() }) { page, user, db in
                try sessions.list(db, user: user, page: page)
            },
            Bind.authed("session.revoke", sessions, decode: { p in try p.required("sessionId", as: String.self) }) { id, user, db in
                try sessions.revoke(db, user: user, sessionId: id)
            },
            Bind.authed("session.revokeAll", sessions, decode: { p in try p.optional("exceptCurrent", as: Bool.self) ?? true }) { except, user, db in
                let count = try sessions.revokeAll(db, userId: user.id, except: except ? user.sessionId : nil)
                return ["revoked": .number(JSONNumber(count))]
            },
            Bind.open("websession.save", decode: { p in
                let data: JSONValue = try p.required("data")
                switch data {
                case .string, .object, .array: break
                default: throw RPCError.invalidParams(.type, field: "data", detail: "expected a string, an object or an array")
                }
                return (key: try p.optional("sessionKey", as: String.self), data: data, expires: try p.optionalTimestamp("expireDate"))
            }, footprint: { input in .keys(input.key.map(Footprints.webSession) ?? Footprints.newWebSession) }) { input, db in
                try web.save(db, sessionKey: input.key, data: input.data, expireDate: input.expires)
            },
            Bind.open("websession.load", decode: { p in try p.required("sessionKey", as: String.self) },
                      footprint: { key in Footprint.keys(Footprints.webSession(key)).readingOnly }) { key, db in
                try web.load(db, sessionKey: key)
            },
            Bind.open("websession.delete", decode: { p in try p.required("sessionKey", as: String.self) },
                      footprint: { key in .keys(Footprints.webSession(key)) }) { key, db in
                try web.delete(db, sessionKey: key)
            },
            Bind.open("websession.clearExpired", decode: { _ in () }, footprint: { _ in .keys(Footprints.webSessions) }) { _, db in
                try web.clearExpired(db)
            },
        ]
    }

    /// `{token, session, user}` once the login's session is durable.
    static func signed(_ result: Accounts.LoginResult, _ sessions: Sessions) async throws -> JSONValue {
        ["token": .string(try await sessions.tokens.sign(result.claims)), "session": result.session, "user": result.user]
    }
}

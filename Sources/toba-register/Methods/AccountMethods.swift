import TobaDomain
import TobaRPC
import TobaStore

/// §8.2 Accounts.
enum AccountMethods {
    static func all(_ services: Services) -> [Method<any SQLConnection>] {
        let accounts = services.accounts
        let sessions = services.sessions
        return [
            Method("user.register", decode: { p in
                Accounts.Registration(
                    email: try p.required("email"), password: try p.required("password"),
                    firstName: try p.optional("firstName"), lastName: try p.optional("lastName"),
                    phone: try p.optional("phone"), categoryId: try p.optional("categoryId"),
                    ipAddress: try p.optional("ipAddress"))
            }, footprint: { registration in .keys(Footprints.email(registration.email), Footprints.newUser) }) { registration in
                let prepared = try await Offload.run { try accounts.prepareRegistration(registration) }
                return .ordered { db in .value(try accounts.register(prepared, db)) }
            },
            Bind.open("email.confirm", decode: { p in try p.required("key", as: String.self) }) { key, db in
                try accounts.confirmEmail(key: key, db)
            },
            Bind.open("email.resendConfirmation", decode: { p in try p.required("email", as: String.self) }) { email, db in
                try accounts.resendConfirmation(email: email, db)
            },
            Bind.authed("email.list", sessions, decode: { p in try p.page() }) { page, user, db in
                try accounts.listEmails(db, user: user, page: page)
            },
            Bind.authed("email.add", sessions, decode: { p in try p.required("email", as: String.self) }) { email, user, db in
                try accounts.addEmail(db, user: user, email: email)
            },
            Bind.authed("email.setPrimary", sessions, decode: { p in try p.required("email", as: String.self) }) { email, user, db in
                try accounts.setPrimaryEmail(db, user: user, email: email)
            },
            Bind.authed("email.remove", sessions, decode: { p in try p.required("email", as: String.self) }) { email, user, db in
                try accounts.removeEmail(db, user: user, email: email)
            },
            Bind.authed("user.me", sessions, decode: { _ in () }) { _, user, db in
                try accounts.me(db, user: user)
            },
            Bind.authed("user.updateProfile", sessions, decode: { p in
                Accounts.ProfileChange(
                    firstName: try p.optional("firstName"), lastName: try p.optional("lastName"),
                    phone: try p.optional("phone"), photo: try p.optional("photo"),
                    categoryId: try p.patch("categoryId"), extraData: try p.patch("extraData"))
            }) { change, user, db in
                try accounts.updateProfile(db, user: user, change: change)
            },
            Bind.authedPrepared("user.changePassword", sessions, decode: { p in
                (current: try p.required("currentPassword", as: String.self), new: try p.required("newPassword", as: String.self),
                 revoke: try p.optional("revokeOtherSessions", as: Bool.self) ?? true)
            }, prepare: { input, claims in
                (try await Offload.run { try accounts.preparePasswordChange(current: input.current, new: input.new, userId: claims.uid) },
                 input.revoke)
            }) { ready, user, db in
                try accounts.changePassword(db, user: user, current: ready.0.current, new: ready.0.new, revokeOtherSessions: ready.1)
            },
            Bind.authedPrepared("user.delete", sessions, decode: { p in try p.required("password", as: String.self) },
                                prepare: { password, claims in try await Offload.run { try accounts.prepareCurrentPassword(password, userId: claims.uid) } }
            ) { check, user, db in
                try accounts.deleteAccount(db, user: user, password: check)
            },
            Bind.open("password.requestReset", decode: { p in try p.required("email", as: String.self) }) { email, db in
                try accounts.requestPasswordReset(email: email, db)
            },
            Method("password.reset", decode: { p in
                (uid: try p.required("uid", as: String.self), token: try p.required("token", as: String.self),
                 password: try p.required("newPassword", as: String.self))
            }) { input in
                let prepared = try await Offload.run { accounts.preparePassword(input.password) }
                return .ordered { db in .value(try accounts.resetPassword(uid: input.uid, token: input.token, newPassword: prepared, db)) }
            },
            Bind.open("category.list", decode: { p in try p.page() }, footprint: { _ in Footprint.nothing.readingOnly }) { page, db in
                try accounts.listCategories(db, page: page)
            },
            Bind.admin("category.create", sessions, permission: .usersAddCategory, decode: { p in
                try p.required("name", as: String.self)
            }) { name, user, db in
                try accounts.createCategory(db, admin: user, name: name)
            },
        ]
    }
}

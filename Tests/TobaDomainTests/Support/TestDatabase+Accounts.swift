import TobaRPC
import TobaStore
@testable import TobaDomain

/// Accounts' calls whose work is prepared first (a hash, a password check), as the method
/// table runs them: prepared outside the writer, then applied in one transaction.
extension TestDatabase {
    /// `auth.verify`: the session still holds (throws the reason it does not).
    func verify(_ caller: Caller) throws {
        try call(as: caller) { _, _ in }
    }

    /// `user.me`.
    func me(_ caller: Caller) throws -> JSONValue {
        try call(as: caller) { user, db in try services.accounts.me(db, user: user) }
    }

    /// `user.changePassword`: `{changed, revokedSessions}`.
    @discardableResult
    func changePassword(as caller: Caller, current: String, new: String, revokeOtherSessions: Bool = true) throws -> JSONValue {
        let prepared = try services.accounts.preparePasswordChange(current: current, new: new, userId: caller.id)
        return try call(as: caller) { user, db in
            try services.accounts.changePassword(db, user: user, current: prepared.current, new: prepared.new,
                                                 revokeOtherSessions: revokeOtherSessions)
        }
    }

    /// `user.delete`: `{deleted}`.
    @discardableResult
    func deleteAccount(as caller: Caller, password: String) throws -> JSONValue {
        let check = try services.accounts.prepareCurrentPassword(password, userId: caller.id)
        return try call(as: caller) { user, db in try services.accounts.deleteAccount(db, user: user, password: check) }
    }

    /// `password.requestReset`: `{uid, token}` or null.
    func requestReset(_ email: String) throws -> JSONValue {
        try write { db in try services.accounts.requestPasswordReset(email: email, db) }
    }

    /// `password.reset` with the `uid` and `token` of `request` (or those given).
    @discardableResult
    func reset(_ request: JSONValue, uid: String? = nil, token: String? = nil, newPassword: String) throws -> JSONValue {
        let prepared = services.accounts.preparePassword(newPassword)
        return try write { db in
            try services.accounts.resetPassword(uid: uid ?? request["uid"]?.stringValue ?? "", token: token ?? request["token"]?.stringValue ?? "",
                                                newPassword: prepared, db)
        }
    }

    /// `email.confirm`.
    @discardableResult
    func confirm(_ key: JSONValue?) throws -> JSONValue {
        try write { db in try services.accounts.confirmEmail(key: key?.stringValue ?? "", db) }
    }

    /// The stored password hash of `email`.
    func passwordHash(_ email: String) throws -> String? {
        try write { db in try String.fetchOne(db, sql: "SELECT password FROM users_user WHERE email = ?", arguments: [email]) }
    }
}

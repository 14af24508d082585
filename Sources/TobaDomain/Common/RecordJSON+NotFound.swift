import TobaRPC
import TobaStore

extension RecordJSON {
    /// The record of the `table` row whose `key` is `id`.
    /// - Throws: Not found naming `object` when there is none.
    static func fetch(_ db: any SQLConnection, table: String, id: some SQLValueConvertible, key: String = "id",
                      orNotFound object: String) throws -> JSONValue {
        guard let record = try fetch(db, table: table, id: id, key: key) else { throw DomainError.notFound(object) }
        return record
    }

    /// The `users_user` record of `id`; Not found (`user`) when there is none.
    static func user(_ db: any SQLConnection, id: Int64) throws -> JSONValue {
        try fetch(db, table: Table.usersUser, id: id, orNotFound: "user")
    }

    /// The `users_user_profile` record of `userId`, or null when the user has none.
    static func profile(_ db: any SQLConnection, userId: Int64) throws -> JSONValue {
        try fetch(db, table: Table.usersUserProfile, id: userId, key: "user_id") ?? .null
    }
}

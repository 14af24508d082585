import Foundation
import GRDB

/// Direct access to a database file the sidecar serves, for what the protocol never shows
/// (stored password hashes, migration bookkeeping). Use it while no sidecar runs on the file.
enum SidecarDatabase {
    static func read<T>(_ file: URL, _ body: (Database) throws -> T) throws -> T {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: file.path, configuration: config)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    static func write(_ file: URL, _ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: file.path)
        defer { try? queue.close() }
        try queue.write(body)
    }

    /// The stored `users_user.password` of `email`.
    static func passwordHash(_ file: URL, email: String) throws -> String? {
        try read(file) { db in
            try String.fetchOne(db, sql: "SELECT password FROM users_user WHERE email = ?", arguments: [email])
        }
    }
}

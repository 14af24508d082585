import ArgumentParser
import Foundation
import Logging
import TobaDomain
import TobaStore

/// `toba-register token`: a session token for an existing active staff user, for scripts that
/// drive admin methods (`examples/commerce.jsonl`) without a password in the script. The session
/// is a row of `rest_framework_sso_sessiontoken` like a login's (so `session.list` shows it and
/// `session.revoke` ends it); `last_login` is left alone, since nobody logged in. Stdout holds
/// the token and a newline, nothing else.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a new session token for an existing active staff user (for scripts).",
        discussion: """
            Creates a session as a login does and prints its token, alone, on stdout. The token is \
            signed with the database's secret key (--secret-key-file, default <db>.key), so a \
            server on the same database and key accepts it. Revoke it with session.revoke or \
            session.revokeAll.
            """)

    @OptionGroup var options: CommonOptions

    @Option(name: .long, help: "The email address of an active staff user.")
    var email: String

    @Option(name: .long, help: "Stored as the session's client id and put in the token's cid claim (default: none).")
    var clientId: String?

    /// The session's `user_agent`, so that `session.list` tells such sessions from logins.
    static let userAgent = "toba-register token (command line)"

    func run() async throws {
        let logger = try options.makeLogger()
        let settings = try options.loadSettings()
        guard options.databasePath != ":memory:" else {
            throw ValidationError("--db :memory: holds no users: a token needs a database file")
        }
        // Checked before the database opens: a PostgreSQL fleet must name its shared key file.
        let secretKeyPath = try options.secretKeyPath()
        let database = try options.openDatabase(settings, logger: logger)
        defer { try? database.close() }
        let secretKey: SecretKey
        do {
            secretKey = try secretKeyPath.map(SecretKey.loadOrCreate(path:)) ?? SecretKey.generate()
        } catch {
            throw StartupFailure("\(error)")
        }
        let services = await Services(database: database, settings: settings, clock: ServiceClock(), secretKey: secretKey, logger: logger)
        let address = Validate.normalizedEmail(email)
        let login = try database.write { db -> Accounts.LoginResult in
            guard let user = try StoredRow.fetchOne(db, sql: "SELECT id, is_active, is_staff FROM users_user WHERE email = ?",
                                                    arguments: [address])
            else { throw StartupFailure("no user has the email \(address)") }
            guard try user.read("is_active", as: Bool.self), try user.read("is_staff", as: Bool.self) else {
                throw StartupFailure("\(address) is not an active staff user")
            }
            return try services.accounts.startSession(db, userId: try user.read("id"), clientId: clientId, ipAddress: nil,
                                                      userAgent: Self.userAgent)
        }
        let token = try await services.sessions.tokens.sign(login.claims)
        logger.info("session created for a script", metadata: ["userId": "\(login.claims.uid)", "sessionId": "\(login.claims.sid)"])
        FileHandle.standardOutput.write(Data((token + "\n").utf8))
    }
}

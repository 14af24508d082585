import Logging
import TobaStore

/// Everything the domains share, built once at start-up; the method table binds JSON-RPC
/// methods to these.
public final class Services: Sendable {
    public let database: AppDatabase
    public let settings: Settings
    public let clock: ServiceClock
    public let logger: Logger
    public let startedAt = Timestamp.now()
    public let sessions: Sessions
    public let accounts: Accounts
    public let webSessions: WebSessions

    public init(database: AppDatabase, settings: Settings, clock: ServiceClock, secretKey: SecretKey, logger: Logger) async {
        self.database = database
        self.settings = settings
        self.clock = clock
        self.logger = logger
        let tokens = await SessionTokens.make(secretKey: secretKey, issuer: settings.sessionIssuer)
        self.sessions = Sessions(tokens: tokens, clock: clock, settings: settings)
        self.accounts = Accounts(database: database, settings: settings, clock: clock, sessions: sessions, secretKey: secretKey, logger: logger)
        self.webSessions = WebSessions(clock: clock)
    }
}

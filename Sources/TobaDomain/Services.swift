import Logging
import TobaStore

/// Every domain object, built once at start-up and only here; the method table binds JSON-RPC
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
    public let admin: Admin
    public let store: Store
    public let subscriptions: Subscriptions
    public let payments: Payments
    public let vouchers: Vouchers
    public let devices: Devices
    public let social: SocialAccounts
    public let feedback: Feedback
    public let landing: Landing

    public init(database: AppDatabase, settings: Settings, clock: ServiceClock, secretKey: SecretKey, logger: Logger) async {
        self.database = database
        self.settings = settings
        self.clock = clock
        self.logger = logger
        let tokens = await SessionTokens.make(secretKey: secretKey, issuer: settings.sessionIssuer)
        self.sessions = Sessions(tokens: tokens, clock: clock, settings: settings)
        self.accounts = Accounts(database: database, settings: settings, clock: clock, sessions: sessions, secretKey: secretKey, logger: logger)
        self.webSessions = WebSessions(clock: clock)
        self.admin = Admin(clock: clock, sessions: sessions)
        self.store = Store(clock: clock)
        self.subscriptions = Subscriptions(clock: clock)
        self.payments = Payments(clock: clock, settings: settings, subscriptions: subscriptions)
        self.vouchers = Vouchers(clock: clock, settings: settings, subscriptions: subscriptions)
        self.devices = Devices(clock: clock)
        self.social = SocialAccounts(accounts: accounts, sessions: sessions, clock: clock)
        self.feedback = Feedback(clock: clock)
        self.landing = Landing(clock: clock)
    }
}

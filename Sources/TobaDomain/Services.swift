package import Logging
package import TobaStore

/// Every domain object, built once at start-up and only here; the method table binds JSON-RPC
/// methods to these.
package final class Services: Sendable {
    package let database: AppDatabase
    package let settings: Settings
    package let clock: ServiceClock
    package let logger: Logger
    package let startedAt = Timestamp.now()
    package let sessions: Sessions
    package let accounts: Accounts
    package let webSessions: WebSessions
    package let admin: Admin
    package let store: Store
    package let subscriptions: Subscriptions
    package let payments: Payments
    package let vouchers: Vouchers
    package let devices: Devices
    package let social: SocialAccounts
    package let feedback: Feedback
    package let landing: Landing

    package init(database: AppDatabase, settings: Settings, clock: ServiceClock, secretKey: SecretKey, logger: Logger) async {
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

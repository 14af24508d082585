import Logging
import Testing
import TobaRPC
import TobaStore
@testable import TobaDomain

/// What password checks cost, counted in PBKDF2 rounds (never in time): every check costs one
/// check at the configured iterations (PROTOCOL.md §6), and a rate-limited one costs nothing.
@Suite struct PasswordCheckWorkTests {
    static let iterations = 1000

    /// An in-memory service's accounts whose hasher reports its work to `meter`.
    struct World {
        let accounts: Accounts
        let sessions: Sessions
        let clock: ServiceClock
        let database: AppDatabase
        let meter: HashWorkMeter

        init(loginFailedPerEmail: String = "5/300s") async throws {
            var settings = Settings()
            settings.passwordIterations = PasswordCheckWorkTests.iterations
            settings.loginFailedPerEmail = try #require(Settings.RateLimit(text: loginFailedPerEmail))
            settings.confirmationCooldownSeconds = 0
            clock = ServiceClock()
            clock.set(Timestamp(seconds: 1_800_000_000))
            database = try AppDatabase.open(path: ":memory:", durability: .normal)
            let secretKey = SecretKey.generate()
            sessions = Sessions(tokens: await SessionTokens.make(secretKey: secretKey, issuer: "test"), clock: clock, settings: settings)
            meter = HashWorkMeter()
            accounts = Accounts(database: database, settings: settings, clock: clock, sessions: sessions, secretKey: secretKey,
                                logger: Logger(label: "test"), hashWork: meter)
        }

        func register(_ email: String, password: String = "a long passphrase") throws {
            let prepared = try accounts.prepareRegistration(Accounts.Registration(email: email, password: password))
            _ = try database.write { db in try accounts.register(prepared, db) }
        }

        /// A login as the pipeline runs it: prepared concurrently, then applied in order.
        func login(_ email: String, _ password: String) throws -> Accounts.LoginResult {
            let prepared = try accounts.prepareLogin(Accounts.Login(email: email, password: password))
            return try database.write { db in try accounts.login(prepared, db) }
        }

        /// The rounds `work` computed.
        func rounds(_ work: () throws -> Void) rethrows -> Int {
            let before = meter.total
            try work()
            return meter.total - before
        }
    }

    static func rateLimited(_ work: () throws -> Void) -> Bool {
        do {
            try work()
            return false
        } catch let error as DomainError {
            return error.reason == .rateLimited && error.details["retryAfterSeconds"] != nil
        } catch {
            return false
        }
    }

    @Test func aCheckAgainstAnOlderHashIsToppedUpToTheConfiguredIterations() {
        // Given a hash made at 1,000 iterations and a hasher configured for 5,000
        let meter = HashWorkMeter()
        let hasher = PasswordHasher(iterations: 5000, meter: meter)
        let old = PasswordHasher(iterations: 1000).hash("correct horse")
        // When it checks a wrong and then the right password, each check costs 5,000 rounds
        #expect(!hasher.verify("wrong horse", against: old))
        #expect(meter.total == 5000)
        #expect(hasher.verify("correct horse", against: old))
        #expect(meter.total == 10_000)
    }

    @Test func everyKindOfFailedCheckCostsTheConfiguredIterations() {
        let meter = HashWorkMeter()
        let hasher = PasswordHasher(iterations: 3000, meter: meter)
        let newer = PasswordHasher(iterations: 4000).hash("pw")
        let cases: [(String, Int)] = [
            (PasswordHasher.unusable(), 3000),                  // an unusable password
            ("md5$salt$0123", 3000),                            // a hash of another form
            (PasswordHasher(iterations: 10).hash("pw"), 3000),  // an old, cheap hash
            (newer, 4000),                                      // a stronger hash costs what it costs
        ]
        for (encoded, cost) in cases {
            let before = meter.total
            #expect(!hasher.verify("wrong", against: encoded))
            #expect(meter.total - before == cost, "\(encoded)")
        }
        let before = meter.total
        hasher.burn("unknown user")
        #expect(meter.total - before == 3000)
    }

    @Test func aLoginForAnOldHashAndForAnUnknownUserCostTheSame() async throws {
        // Given a user whose stored hash has 10 iterations, while 1,000 are configured
        let world = try await World()
        try world.register("old@example.com")
        try await world.database.write { db in
            try db.execute(sql: "UPDATE users_user SET password = ? WHERE email = 'old@example.com'",
                           arguments: [PasswordHasher(iterations: 10).hash("a long passphrase")])
        }
        // When both fail a login, each costs one check at the configured iterations
        let known = world.rounds { _ = try? world.login("old@example.com", "wrong") }
        let unknown = world.rounds { _ = try? world.login("nobody@example.com", "wrong") }
        #expect(known == Self.iterations)
        #expect(unknown == Self.iterations)
    }

    @Test func aRateLimitedLoginCostsNoHash() async throws {
        // Given two failed logins against a limit of 2 per 300 s
        let world = try await World(loginFailedPerEmail: "2/300s")
        try world.register("limited@example.com")
        for _ in 0..<2 { _ = try? world.login("limited@example.com", "wrong") }
        // When the right password comes next, it is refused without a hash
        var refused = false
        let rounds = world.rounds { refused = Self.rateLimited { _ = try world.login("limited@example.com", "a long passphrase") } }
        #expect(refused)
        #expect(rounds == 0)
    }

    @Test func aLoginPreparedWhileLimitedIsCheckedInOrderOnceTheLimitHasPassed() async throws {
        // Given a login prepared while the email is limited (no hash yet)
        let world = try await World(loginFailedPerEmail: "1/60s")
        try world.register("later@example.com")
        _ = try? world.login("later@example.com", "wrong")
        let prepared = try world.accounts.prepareLogin(Accounts.Login(email: "later@example.com", password: "a long passphrase"))
        // When its turn comes after the window has passed, it is verified then, on the writer
        _ = world.clock.advance(seconds: 61)
        let rounds = try world.rounds {
            let result = try world.database.write { db in try world.accounts.login(prepared, db) }
            #expect(result.claims.email == "later@example.com")
        }
        #expect(rounds == Self.iterations)
    }

    @Test func aRateLimitedCurrentPasswordCheckCostsNoHash() async throws {
        // Given a user who failed 5 checks of the current password
        let world = try await World()
        try world.register("change@example.com")
        let login = try world.login("change@example.com", "a long passphrase")
        let user = try await world.database.write { db in try world.sessions.authenticate(login.claims, db) }
        func change(_ current: String) throws {
            let ready = try world.accounts.preparePasswordChange(current: current, new: "another long passphrase", userId: user.id)
            _ = try world.database.write { db in
                try world.accounts.changePassword(db, user: user, current: ready.current, new: ready.new, revokeOtherSessions: false)
            }
        }
        for _ in 0..<5 {
            #expect(throws: DomainError.self) { try change("wrong") }
        }
        // When the right password comes next (for a change or a deletion), it is refused without any hash
        var refused = false
        let rounds = world.rounds { refused = Self.rateLimited { try change("a long passphrase") } }
        #expect(refused)
        #expect(rounds == 0)
        let deletion = world.rounds {
            refused = Self.rateLimited {
                let check = try world.accounts.prepareCurrentPassword("a long passphrase", userId: user.id)
                _ = try world.database.write { db in try world.accounts.deleteAccount(db, user: user, password: check) }
            }
        }
        #expect(refused)
        #expect(deletion == 0)
    }
}

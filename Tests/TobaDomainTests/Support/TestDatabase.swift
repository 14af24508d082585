import Logging
import TobaRPC
import TobaStore
import TobaTestSupport
@testable import TobaDomain

/// A migrated in-memory database and every domain object over it, built as `ServeCommand`
/// builds them, with the service clock frozen at `start` (it moves only by `advance`), a cheap
/// password hasher (one PBKDF2 iteration) and a superuser, `root`. Every test makes its own.
///
/// Calls run as the method table runs them: each in one write transaction, which a failure
/// rolls back whole; a user's call authenticates the session first (`Bind.authed`), an admin
/// method applies the admin rule first (`Bind.admin`).
struct TestDatabase {
    static let start = Timestamp(seconds: 1_772_323_200) // 2026-03-01T00:00:00Z
    static let serverKey = "SB-Mid-server-test-key"
    static let password = "a long passphrase"
    static let rootEmail = "admin@example.com"

    let services: Services
    /// The superuser, made as `createsuperuser` makes one, and logged in.
    let root: Caller

    var database: AppDatabase { services.database }
    var clock: ServiceClock { services.clock }

    /// - Parameters:
    ///   - configure: changes to the settings (those of a fresh `--config`, plus the cheap hasher and a payment server key).
    ///   - database: a database to serve again (another process's settings over the same file); a new one when nil.
    init(configure: (inout Settings) -> Void = { _ in }, database: AppDatabase? = nil) async throws {
        var settings = Settings()
        settings.passwordIterations = 1
        settings.paymentServerKey = Self.serverKey
        configure(&settings)
        let clock = ServiceClock()
        clock.set(Self.start)
        services = await Services(
            database: try database ?? Self.freshDatabase(), settings: settings,
            clock: clock, secretKey: SecretKey.generate(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        if database == nil {
            _ = try services.accounts.createSuperuser(email: Self.rootEmail, password: Self.password)
        }
        root = try Self.login(services, Self.rootEmail, password: Self.password)
    }

    /// A new migrated database: in memory, or on the PostgreSQL pass (`TOBA_TEST_BACKEND=postgres`)
    /// a fresh database on the test server, so every rule runs on both engines.
    static func freshDatabase() throws -> AppDatabase {
        guard PostgreSQLTestServer.url != nil else { return try AppDatabase.open(path: ":memory:", durability: .normal) }
        return try AppDatabase.open(location: try PostgreSQLTestServer.freshDatabase(), durability: .normal)
    }

    /// A logged-in user: the session's id and the verified claims its token carries.
    struct Caller: Sendable {
        let claims: SessionClaims
        var id: Int64 { claims.uid }
    }

    // MARK: Running calls

    /// `body` in one write transaction, as the ordered writer applies a request.
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try database.write(body)
    }

    /// A call of `caller`: the session is authenticated first, in the same transaction.
    func call<T>(as caller: Caller, _ body: (AuthUser, any SQLConnection) throws -> T) throws -> T {
        try write { db in try body(try services.sessions.authenticate(caller.claims, db), db) }
    }

    /// An admin method's call: the caller must be an active staff user holding `permission`.
    func admin<T>(_ permission: Permission, as caller: Caller? = nil, _ body: (AuthUser, any SQLConnection) throws -> T) throws -> T {
        try call(as: caller ?? root) { user, db in
            try PermissionChecker.requireAdmin(db, user, permission)
            return try body(user, db)
        }
    }

    /// The instant `days` (and `seconds`) after `start`.
    static func at(days: Int64, seconds: Int64 = 0) -> Timestamp {
        start.adding(seconds: days * 86_400 + seconds)
    }

    /// Moves the frozen clock on (or back, for a negative step).
    func advance(days: Int64 = 0, seconds: Int64 = 0) {
        clock.advance(seconds: Double(days * 86_400 + seconds))
    }

    // MARK: Users

    /// `user.register`: `{user, confirmation}`.
    @discardableResult
    func register(_ email: String, password: String = TestDatabase.password, firstName: String? = nil, lastName: String? = nil,
                  phone: String? = nil, categoryId: Int64? = nil) throws -> JSONValue {
        let prepared = try services.accounts.prepareRegistration(Accounts.Registration(
            email: email, password: password, firstName: firstName, lastName: lastName, phone: phone, categoryId: categoryId))
        return try write { db in try services.accounts.register(prepared, db) }
    }

    /// `auth.login`, prepared and applied as the pipeline does it.
    func login(_ email: String, password: String = TestDatabase.password, clientId: String? = nil,
               ipAddress: String? = nil, userAgent: String? = nil) throws -> Caller {
        try Self.login(services, email, password: password, clientId: clientId, ipAddress: ipAddress, userAgent: userAgent)
    }

    /// `auth.login`'s whole result: the claims of the token, the session and the user.
    func loginResult(_ email: String, password: String = TestDatabase.password, clientId: String? = nil,
                     ipAddress: String? = nil, userAgent: String? = nil) throws -> Accounts.LoginResult {
        try Self.loginResult(services, email, password: password, clientId: clientId, ipAddress: ipAddress, userAgent: userAgent)
    }

    private static func login(_ services: Services, _ email: String, password: String, clientId: String? = nil,
                              ipAddress: String? = nil, userAgent: String? = nil) throws -> Caller {
        Caller(claims: try loginResult(services, email, password: password, clientId: clientId, ipAddress: ipAddress,
                                       userAgent: userAgent).claims)
    }

    private static func loginResult(_ services: Services, _ email: String, password: String, clientId: String?,
                                    ipAddress: String?, userAgent: String?) throws -> Accounts.LoginResult {
        let prepared = try services.accounts.prepareLogin(Accounts.Login(
            email: email, password: password, clientId: clientId, ipAddress: ipAddress, userAgent: userAgent))
        return try services.database.write { db in try services.accounts.login(prepared, db) }
    }

    /// Registers `email` and logs in.
    func user(_ email: String, password: String = TestDatabase.password) throws -> Caller {
        try register(email, password: password)
        return try login(email, password: password)
    }

    /// The id of `permission` in `auth_permission`.
    func permissionId(_ permission: Permission) throws -> Int64 {
        let parts = permission.rawValue.split(separator: ".", maxSplits: 1).map(String.init)
        let id = try write { db in
            try Int64.fetchOne(db, sql: """
                SELECT p.id FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
                WHERE ct.app_label = ? AND p.codename = ?
                """, arguments: [parts.first ?? "", parts.last ?? ""])
        }
        guard let id else { throw DomainError.notFound("permission \(permission)") }
        return id
    }

    /// A group made by `root` holding `permissions`: its id.
    func group(_ name: String, permissions: [Permission]) throws -> Int64 {
        let ids = try permissions.map(permissionId)
        let created = try admin(.authAddGroup) { admin, db in
            try services.admin.createGroup(db, admin: admin, name: name, permissionIds: ids)
        }
        return try id(created["group"])
    }

    /// `root` changes a user (`admin.user.update`).
    @discardableResult
    func update(_ userId: Int64, isActive: Bool? = nil, isStaff: Bool? = nil, isSuperuser: Bool? = nil,
                groupIds: [Int64]? = nil, permissions: [Permission]? = nil) throws -> JSONValue {
        let change = Admin.UserChange(isActive: isActive, isStaff: isStaff, isSuperuser: isSuperuser, groupIds: groupIds,
                                      permissionIds: try permissions?.map(permissionId))
        return try admin(.usersChangeUser) { admin, db in
            try services.admin.updateUser(db, admin: admin, userId: userId, change: change)
        }
    }

    /// A logged-in staff user holding exactly `permissions`.
    func staff(_ email: String, permissions: [Permission]) throws -> Caller {
        let caller = try user(email)
        try update(caller.id, isStaff: true, permissions: permissions)
        return caller
    }

    /// The names of the caller's groups, sorted (`auth.verify`).
    func groups(_ caller: Caller) throws -> [String] {
        let verified = try call(as: caller) { user, db in try services.sessions.verification(db, user: user) }
        return (verified["groups"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    // MARK: Store, subscriptions, vouchers

    /// A product made by `root`: its id.
    func product(_ name: String = "Widya Analytics", active: Bool = true) throws -> Int64 {
        let input = Store.ProductInput(name: name, description: nil, appLink: nil, extraData: .absent, landingLink: nil,
                                       isActive: active, nickname: nil)
        return try id(try admin(.storeAddProduct) { admin, db in try services.store.createProduct(db, admin: admin, input) }["product"])
    }

    /// A plan of `productId` made by `root`: its id.
    func plan(_ productId: Int64, name: String = "Monthly", price: Int64 = 100_000, days: Int64 = 30) throws -> Int64 {
        let input = Store.PlanInput(productId: productId, name: name, description: nil, price: price, periodDays: days, extraData: .absent)
        return try id(try admin(.subscriptionsAddPlan) { admin, db in try services.store.createPlan(db, admin: admin, input) }["plan"])
    }

    /// `voucher.create` input valid from `start` for 10 days.
    static func voucherInput(code: String = "Welcome-2026", name: String = "Launch", bound: Bool = true, usage: Int64 = 5,
                             from: Timestamp = start, to: Timestamp = at(days: 10)) -> Vouchers.Input {
        Vouchers.Input(code: code, name: name, validFrom: from, validTo: to, bound: bound, usage: usage, userId: .absent, isActive: nil)
    }

    /// A voucher made by `root`: `{voucher}`.
    @discardableResult
    func voucher(_ input: Vouchers.Input = voucherInput()) throws -> JSONValue {
        try admin(.vouchersAddInvitation) { admin, db in try services.vouchers.create(db, admin: admin, input) }
    }

    /// `subscription.renew` by `root` (or `caller`): `{subscription, history}`.
    @discardableResult
    func renew(_ userId: Int64, plan: Int64, pricePaid: Int64? = nil, key: String? = nil, as caller: Caller? = nil) throws -> JSONValue {
        try admin(.subscriptionsChangeSubscription, as: caller) { admin, db in
            try services.subscriptions.renew(db, admin: admin, userId: userId, planId: plan, pricePaid: pricePaid, idempotencyKey: key)
        }
    }

    /// The caller's only subscription (`subscription.get`), or nil.
    func subscription(_ caller: Caller) throws -> JSONValue? {
        try call(as: caller) { user, db in try services.subscriptions.mine(db, user: user, productId: nil) }["subscriptions"]?[0]
    }

    /// The caller's history rows, newest first.
    func history(_ caller: Caller) throws -> [JSONValue] {
        let page = try call(as: caller) { user, db in
            try services.subscriptions.history(db, user: user, userId: nil, page: PageRequest(limit: nil, cursor: nil))
        }
        return page["items"]?.arrayValue ?? []
    }

    /// The admin log, newest first.
    func adminLog() throws -> [JSONValue] {
        let page = try admin(.adminViewLogentry) { _, db in
            try services.admin.listLog(db, userId: nil, page: PageRequest(limit: 500, cursor: nil))
        }
        return page["items"]?.arrayValue ?? []
    }

    // MARK: Values

    /// The integer id in `record["id"]`.
    func id(_ record: JSONValue?) throws -> Int64 {
        guard let id = record?["id"]?.int64Value else { throw DomainError.notFound("id in \(String(describing: record))") }
        return id
    }
}

extension JSONValue {
    /// `value["a"]["b"]` for tests.
    subscript(key: String) -> JSONValue? { objectValue?[key] }

    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}

import TobaDomain
import TobaRPC

/// The keys requests name so the writer can let unrelated requests pass each other (PROTOCOL.md
/// §4). Every method not listed with a footprint conflicts with everything. A method given a
/// footprint here must name every row, sequence and in-memory state it reads or changes that a
/// request with another footprint can change or read:
/// - `user U`: the account U, its sessions, groups and subscriptions (all that `auth.verify`
///   reads, and the subscription expiry it applies);
/// - `email E`: whatever is looked up by the address E (a login, a registration, its cooldown);
/// - `new-user *`: the numbering of new accounts (registrations take ids in arrival order);
/// - `login *`: the failed-login counters (per email and per IP address), so logins keep their
///   order among themselves;
/// - `feedback *`: the numbering of feedback rows; `websession K`: one web session.
/// Tables that only `everything` methods change (products, plans, slides, categories,
/// vouchers and their claims) need no key to be read: such readers take `.nothing`.
enum Footprints {
    static func user(_ id: Int64) -> Footprint.Key { Footprint.Key("user", String(id)) }
    static func email(_ address: String) -> Footprint.Key { Footprint.Key("email", Validate.normalizedEmail(address)) }
    static let newUser = Footprint.Key.all("new-user")
    static let logins = Footprint.Key.all("login")
    static let feedback = Footprint.Key.all("feedback")
    static func webSession(_ key: String) -> Footprint.Key { Footprint.Key("websession", key) }
    /// A web session whose key the service makes: no request can name it before it exists.
    static let newWebSession = Footprint.Key("websession", "\u{0}new")
    static let webSessions = Footprint.Key.all("websession")
}

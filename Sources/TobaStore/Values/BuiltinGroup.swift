/// The groups the first migration seeds and the service finds by name (protocol/storage.md):
/// `admin` holds every permission (`createsuperuser`), `trial` takes new accounts and voucher
/// trials, `paid` the users with a running paid subscription. They keep their names.
package enum BuiltinGroup: String, Sendable, CaseIterable, SQLColumnValue {
    case admin, trial, paid
}

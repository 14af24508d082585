import TobaStore

/// A subscription's `status` (§8.6). It *runs* as `trial`, `active` or `canceled` until
/// `period_end`; the expiry rule (`SubscriptionExpiry`) then stores `expired`.
enum SubscriptionStatus: String, Sendable, CaseIterable, SQLColumnValue {
    /// A voucher grant without a paid period.
    case trial
    /// Paid (`subscription.renew`, a settled payment).
    case active
    /// Cancelled by its user; access lasts until `period_end`.
    case canceled
    case expired
}

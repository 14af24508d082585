/// The transitions a payment's `transaction_status` may take on a gateway notification (§8.7).
/// Midtrans retries notifications and may deliver them late or out of order; a notification
/// whose transition is not listed here is acknowledged but ignored (nothing stored), so a
/// settled payment never moves back to `pending`.
///
/// | from | to |
/// | --- | --- |
/// | `pending` | any known status |
/// | `authorize` | `capture`, `settlement`, `deny`, `cancel`, `expire`, `failure` |
/// | `capture` | `settlement`, `deny`, `cancel`, refunds, chargebacks (and `capture` again: a fraud review's outcome) |
/// | `settlement` | refunds, chargebacks |
/// | `partial_refund`, `partial_chargeback` | refunds, chargebacks |
/// | `deny`, `cancel`, `expire`, `failure`, `refund`, `chargeback` | nothing (final) |
///
/// A success status (`capture`, `settlement`, refunds, chargebacks) is believed only with
/// status code 200 (`MidtransNotification.isConsistent`).
/// The same status again is accepted (a replay; its fields are merged). Once a payment has
/// renewed its subscription, only `settlement`, refunds and chargebacks are accepted.
enum PaymentStatus {
    static let refunds: Set<String> = ["refund", "partial_refund", "chargeback", "partial_chargeback"]
    /// The statuses Midtrans reports with status code 200.
    static let successes: Set<String> = refunds.union(["capture", "settlement"])

    static let allowed: [String: Set<String>] = [
        "pending": ["pending", "authorize", "capture", "settlement", "deny", "cancel", "expire", "failure"],
        "authorize": ["capture", "settlement", "deny", "cancel", "expire", "failure"],
        "capture": Set(["capture", "settlement", "deny", "cancel"]).union(refunds),
        "settlement": refunds,
        "partial_refund": refunds,
        "partial_chargeback": refunds,
        "deny": [], "cancel": [], "expire": [], "failure": [], "refund": [], "chargeback": [],
    ]

    /// Whether a payment in `current` (having renewed its subscription or not) takes `next`.
    static func accepts(from current: String, to next: String, renewed: Bool) -> Bool {
        guard allowed[next] != nil else { return false }
        if renewed, next != "settlement", !refunds.contains(next) { return false }
        if current == next { return true }
        // A status this service does not know (e.g. from imported data) moves anywhere but back to pending.
        return allowed[current]?.contains(next) ?? (next != "pending")
    }
}

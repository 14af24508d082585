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
/// The signature does not cover `transaction_status`, only `status_code`, so a status is
/// believed only with the code Midtrans sends it with (`statusCodes`); a notification whose
/// status disagrees with its code is refused as `invalid_signature` (`Payments.verify`).
/// The same status again is accepted (a replay; its fields are merged). Once a payment has
/// renewed its subscription, only `settlement`, refunds and chargebacks are accepted.
enum PaymentStatus {
    static let refunds: Set<String> = ["refund", "partial_refund", "chargeback", "partial_chargeback"]
    /// The `status_code` Midtrans sends with each status (§8.7): 200 for `capture`,
    /// `settlement` and, as Midtrans documents its refund and chargeback notifications, the
    /// refunds and chargebacks; 201 for `pending`, `authorize`; 202 for `deny`, `cancel`,
    /// `expire`, `failure`. A status not listed here is never applied (`accepts`).
    static let statusCodes: [String: String] = {
        var codes: [String: String] = ["capture": "200", "settlement": "200", "pending": "201", "authorize": "201",
                                       "deny": "202", "cancel": "202", "expire": "202", "failure": "202"]
        for refund in refunds { codes[refund] = "200" }
        return codes
    }()

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

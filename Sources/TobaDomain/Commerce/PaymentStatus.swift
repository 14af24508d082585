import TobaStore

/// A payment's `transaction_status`, and the transitions it may take on a gateway notification
/// (§8.7). Midtrans retries notifications and may deliver them late or out of order; a
/// notification whose transition is not listed here is acknowledged but ignored (nothing
/// stored), so a settled payment never moves back to `pending`.
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
/// believed only with the code Midtrans sends it with (`statusCode`); a notification whose
/// status disagrees with its code is refused as `invalid_signature` (`Payments.verify`).
/// The same status again is accepted (a replay; its fields are merged). Once a payment has
/// renewed its subscription, only `settlement`, refunds and chargebacks are accepted.
/// A status this service does not know is never applied.
enum PaymentStatus: String, Sendable, CaseIterable, SQLColumnValue {
    case pending, authorize, capture, settlement, deny, cancel, expire, failure
    case refund
    case partialRefund = "partial_refund"
    case chargeback
    case partialChargeback = "partial_chargeback"

    /// Refunds and chargebacks, whole or partial.
    var isRefund: Bool {
        switch self {
        case .refund, .partialRefund, .chargeback, .partialChargeback: true
        default: false
        }
    }

    /// The `status_code` Midtrans sends with the status (§8.7): 200 for `capture`, `settlement`
    /// and, as Midtrans documents its refund and chargeback notifications, the refunds and
    /// chargebacks; 201 for `pending`, `authorize`; 202 for `deny`, `cancel`, `expire`, `failure`.
    var statusCode: String {
        switch self {
        case .capture, .settlement, .refund, .partialRefund, .chargeback, .partialChargeback: "200"
        case .pending, .authorize: "201"
        case .deny, .cancel, .expire, .failure: "202"
        }
    }

    /// The statuses a payment in this one may move to (besides this one again).
    var successors: Set<PaymentStatus> {
        switch self {
        case .pending: [.authorize, .capture, .settlement, .deny, .cancel, .expire, .failure]
        case .authorize: [.capture, .settlement, .deny, .cancel, .expire, .failure]
        case .capture: Set([.settlement, .deny, .cancel]).union(Self.allCases.filter(\.isRefund))
        case .settlement, .partialRefund, .partialChargeback: Set(Self.allCases.filter(\.isRefund))
        case .deny, .cancel, .expire, .failure, .refund, .chargeback: []
        }
    }

    /// Whether a payment in `current` (nil: a status this service does not know, e.g. from
    /// imported data), having renewed its subscription or not, takes `next`.
    static func accepts(from current: PaymentStatus?, to next: PaymentStatus, renewed: Bool) -> Bool {
        if renewed, next != .settlement, !next.isRefund { return false }
        guard let current else {
            // An unknown status moves anywhere but back to pending.
            return next != .pending
        }
        return current == next || current.successors.contains(next)
    }
}

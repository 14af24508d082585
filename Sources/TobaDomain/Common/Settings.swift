package import TobaRPC
package import TobaStore

/// The settings of PROTOCOL.md §9, read from the `--config` JSON file. Every key is optional;
/// an unknown key or a bad value refuses the start (a typo must not fall back to a default).
package struct Settings: Sendable {
    package var durability: AppDatabase.Durability = .full
    package var passwordIterations = 1_000_000
    package var passwordResetTimeoutSeconds: Int64 = 259_200
    package var confirmationExpireDays: Int64 = 3
    package var confirmationCooldownSeconds: Int64 = 180
    package var sessionMaxAgeSeconds: Int64? = nil
    package var sessionIssuer = "toba-register"
    package var voucherGrantDays: Int64 = 30
    package var paymentServerKey: String? = nil
    package var loginFailedPerEmail = RateLimit(count: 5, seconds: 300)
    package var loginFailedPerIp = RateLimit(count: 10, seconds: 60)
    package var passwordResetPerEmail = RateLimit(count: 5, seconds: 60)
    /// Failed checks of the current password (`user.changePassword`, `user.delete`) per user.
    package var passwordCheckPerUser = RateLimit(count: 5, seconds: 300)
    /// `voucher.claim` attempts with a code that matches no voucher, per user.
    package var unknownVoucherPerUser = RateLimit(count: 10, seconds: 300)
    /// Our addition: the most requests one group commit may hold (1 turns group commit off).
    package var groupCommitMaxSize = 256
    /// Our addition: how often expired subscriptions are swept (seconds).
    package var subscriptionSweepSeconds: Int64 = 60
    /// Our addition: how long a write waits for a lock held by another connection or process
    /// before the request is answered 1008 `storage_busy` (seconds).
    package var storageBusyTimeoutSeconds: Int64 = 30

    package init() {}

    package struct RateLimit: Sendable, Equatable {
        package var count: Int
        package var seconds: Int64

        /// The longest window a rate limit may have (100 years, like the other durations):
        /// longer ones overflowed the microsecond arithmetic of `RateLimiter` and killed the
        /// process at the first event.
        package static let maxSeconds: Int64 = 100 * 365 * 86_400

        /// Parses `"5/300s"` (also `"10/1m"`, `"3/2h"`); nil for a window over `maxSeconds`.
        package init?(text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let count = Int(parts[0]), count >= 1, var unit = parts[1].last else { return nil }
            var amount = parts[1].dropLast()
            if unit.isNumber { amount = parts[1][...]; unit = "s" }
            guard let n = Int64(amount), n >= 1 else { return nil }
            let factor: Int64
            switch unit {
            case "s": factor = 1
            case "m": factor = 60
            case "h": factor = 3600
            default: return nil
            }
            let (seconds, overflow) = n.multipliedReportingOverflow(by: factor)
            guard !overflow, seconds <= Self.maxSeconds else { return nil }
            self.init(count: count, seconds: seconds)
        }

        package init(count: Int, seconds: Int64) {
            self.count = count
            self.seconds = seconds
        }
    }

    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    /// Reads a settings document. - Throws: `Invalid` naming the offending key.
    package static func parse(_ document: JSONValue) throws(Invalid) -> Settings {
        guard case .object(let root) = document else { throw Invalid(description: "settings must be a JSON object") }
        var settings = Settings()
        try settings.apply(root, prefix: "")
        return settings
    }

    private mutating func apply(_ object: JSONObject, prefix: String) throws(Invalid) {
        for (key, value) in object {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if Self.sections.contains(path) {
                guard case .object(let nested) = value else {
                    throw Invalid(description: "setting \(path) must be an object of settings")
                }
                try apply(nested, prefix: path)
            } else {
                try set(path, value)
            }
        }
    }

    private static let sections: Set<String> = [
        "passwords", "emails", "sessions", "vouchers", "payments", "rateLimits", "groupCommit", "subscriptions", "storage",
    ]

    private mutating func set(_ path: String, _ value: JSONValue) throws(Invalid) {
        func int(_ range: ClosedRange<Int64>) throws(Invalid) -> Int64 {
            guard let n = value.int64Value, range.contains(n) else {
                throw Invalid(description: "setting \(path) must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        func string() throws(Invalid) -> String {
            guard let s = value.stringValue, !s.isEmpty else { throw Invalid(description: "setting \(path) must be a non-empty string") }
            return s
        }
        func rate() throws(Invalid) -> RateLimit {
            guard let s = value.stringValue, let limit = RateLimit(text: s) else {
                throw Invalid(description: "setting \(path) must look like \"5/300s\" (a window of at most 100 years)")
            }
            return limit
        }
        switch path {
        case "durability":
            guard let s = value.stringValue, let d = AppDatabase.Durability(rawValue: s) else {
                throw Invalid(description: "setting durability must be \"full\" or \"normal\"")
            }
            durability = d
        case "passwords.iterations": passwordIterations = Int(try int(1...100_000_000))
        // 0 is Django's meaning too: a reset token or a confirmation is good only at once.
        case "passwords.resetTimeoutSeconds": passwordResetTimeoutSeconds = try int(0...(100 * 365 * 86_400))
        case "emails.confirmationExpireDays": confirmationExpireDays = try int(0...3650)
        case "emails.confirmationCooldownSeconds": confirmationCooldownSeconds = try int(0...86_400)
        case "sessions.maxAgeSeconds":
            sessionMaxAgeSeconds = value == .null ? nil : try int(1...(100 * 365 * 86_400))
        case "sessions.issuer": sessionIssuer = try string()
        case "vouchers.grantDays": voucherGrantDays = try int(1...3650)
        case "payments.serverKey": paymentServerKey = value == .null ? nil : try string()
        case "rateLimits.loginFailedPerEmail": loginFailedPerEmail = try rate()
        case "rateLimits.loginFailedPerIp": loginFailedPerIp = try rate()
        case "rateLimits.passwordResetPerEmail": passwordResetPerEmail = try rate()
        case "rateLimits.passwordCheckPerUser": passwordCheckPerUser = try rate()
        case "rateLimits.unknownVoucherPerUser": unknownVoucherPerUser = try rate()
        case "groupCommit.maxSize": groupCommitMaxSize = Int(try int(1...100_000))
        case "subscriptions.sweepIntervalSeconds": subscriptionSweepSeconds = try int(1...86_400)
        case "storage.busyTimeoutSeconds": storageBusyTimeoutSeconds = try int(0...3600)
        default:
            throw Invalid(description: "unknown setting \(path)")
        }
    }
}

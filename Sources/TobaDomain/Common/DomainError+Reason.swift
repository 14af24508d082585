extension DomainError {
    /// Every `data.reason` an application error (1000–1008) carries: the second table of
    /// protocol/errors.md, kept equal to `allCases` by a test. Each belongs to one `Kind`.
    package enum Reason: String, Sendable, CaseIterable, CustomStringConvertible {
        // 1000 Validation failed
        case emailInvalid = "email_invalid"
        case emailRequired = "email_required"
        case emailNotVerified = "email_not_verified"
        case passwordTooShort = "password_too_short"
        case passwordEntirelyNumeric = "password_entirely_numeric"
        case passwordTooCommon = "password_too_common"
        case passwordTooSimilar = "password_too_similar"
        case valueTooLong = "value_too_long"
        case valueRequired = "value_required"
        case valueOutOfRange = "value_out_of_range"
        case invalidWindow = "invalid_window"
        case invalidLimit = "invalid_limit"
        case invalidCursor = "invalid_cursor"
        case invalidSessionKey = "invalid_session_key"
        case invalidChoice = "invalid_choice"
        case notApplicable = "not_applicable"
        case invalidRegistrationId = "invalid_registration_id"
        case invalidDeviceId = "invalid_device_id"
        case productRequired = "product_required"
        case duplicateSlide = "duplicate_slide"
        case domainInvalid = "domain_invalid"
        case cannotDeactivateSelf = "cannot_deactivate_self"
        case cannotDemoteSelf = "cannot_demote_self"
        case ipInvalid = "ip_invalid"
        case tooManyAddresses = "too_many_addresses"
        // 1001 Unauthenticated
        case invalidToken = "invalid_token"
        case sessionRevoked = "session_revoked"
        case sessionExpired = "session_expired"
        case invalidCredentials = "invalid_credentials"
        case accountInactive = "account_inactive"
        case invalidSignature = "invalid_signature"
        // 1002 Forbidden
        case permissionDenied = "permission_denied"
        case superuserRequired = "superuser_required"
        // 1003 Not found
        case notFound = "not_found"
        // 1004 Conflict
        case emailTaken = "email_taken"
        case cannotRemovePrimary = "cannot_remove_primary"
        case lastLoginMethod = "last_login_method"
        case groupNameTaken = "group_name_taken"
        case groupBuiltin = "group_builtin"
        case siteDomainTaken = "site_domain_taken"
        case productInactive = "product_inactive"
        case amountMismatch = "amount_mismatch"
        case idempotencyMismatch = "idempotency_mismatch"
        case voucherCodeTaken = "voucher_code_taken"
        case voucherNameTaken = "voucher_name_taken"
        case alreadyClaimed = "already_claimed"
        case voucherExhausted = "voucher_exhausted"
        // 1005 Rate limited
        case rateLimited = "rate_limited"
        // 1006 Expired or not valid now
        case confirmationExpired = "confirmation_expired"
        case tokenExpired = "token_expired"
        case voucherInactive = "voucher_inactive"
        case voucherNotYetValid = "voucher_not_yet_valid"
        case voucherExpired = "voucher_expired"
        case subscriptionExpired = "subscription_expired"
        // 1007 Not configured
        case notConfigured = "not_configured"
        // 1008 Unavailable
        case storageBusy = "storage_busy"
        case storageUnavailable = "storage_unavailable"
        case storageFull = "storage_full"
        case storageError = "storage_error"

        /// The code as sent, so that interpolation and logs show what a client sees.
        package var description: String { rawValue }

        package var kind: Kind {
            switch self {
            case .emailInvalid, .emailRequired, .emailNotVerified, .passwordTooShort, .passwordEntirelyNumeric,
                 .passwordTooCommon, .passwordTooSimilar, .valueTooLong, .valueRequired, .valueOutOfRange, .invalidWindow,
                 .invalidLimit, .invalidCursor, .invalidSessionKey, .invalidChoice, .notApplicable, .invalidRegistrationId,
                 .invalidDeviceId, .productRequired, .duplicateSlide, .domainInvalid, .cannotDeactivateSelf,
                 .cannotDemoteSelf, .ipInvalid, .tooManyAddresses:
                .validation
            case .invalidToken, .sessionRevoked, .sessionExpired, .invalidCredentials, .accountInactive, .invalidSignature:
                .unauthenticated
            case .permissionDenied, .superuserRequired:
                .forbidden
            case .notFound:
                .notFound
            case .emailTaken, .cannotRemovePrimary, .lastLoginMethod, .groupNameTaken, .groupBuiltin, .siteDomainTaken,
                 .productInactive, .amountMismatch, .idempotencyMismatch, .voucherCodeTaken, .voucherNameTaken,
                 .alreadyClaimed, .voucherExhausted:
                .conflict
            case .rateLimited:
                .rateLimited
            case .confirmationExpired, .tokenExpired, .voucherInactive, .voucherNotYetValid, .voucherExpired,
                 .subscriptionExpired:
                .expired
            case .notConfigured:
                .unavailable
            case .storageBusy, .storageFull, .storageUnavailable, .storageError:
                .storage
            }
        }
    }
}

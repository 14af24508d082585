package import TobaRPC

/// A business-rule failure with a stable `reason` code. The dispatcher maps `kind` to the
/// JSON-RPC error code of PROTOCOL.md §7; domains never see those codes.
package struct DomainError: Error, Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case validation, unauthenticated, forbidden, notFound, conflict, rateLimited, expired, unavailable
        /// Storage busy, full, unreachable or failing (1008): the request had no effect and may be retried.
        case storage
    }

    package let reason: Reason
    /// Extra members of the error's `data` (`field`, `permission`, `retryAfterSeconds`, …).
    package let details: JSONObject

    /// Each reason belongs to one kind (`Reason.kind`).
    package var kind: Kind { reason.kind }

    package init(_ reason: Reason, _ details: JSONObject = JSONObject()) {
        self.reason = reason
        self.details = details
    }

    /// `reason` naming the parameter at fault.
    package init(_ reason: Reason, field: String) {
        self.init(reason, ["field": .string(field)])
    }

    package static func notFound(_ what: String) -> DomainError {
        DomainError(.notFound, ["object": .string(what)])
    }

    package static let invalidToken = DomainError(.invalidToken)
    package static let sessionRevoked = DomainError(.sessionRevoked)
    package static let invalidCredentials = DomainError(.invalidCredentials)
    package static let accountInactive = DomainError(.accountInactive)

    package static func permissionDenied(_ permission: String) -> DomainError {
        DomainError(.permissionDenied, ["permission": .string(permission)])
    }

    package static func rateLimited(retryAfterSeconds: Int64) -> DomainError {
        DomainError(.rateLimited, ["retryAfterSeconds": .number(JSONNumber(retryAfterSeconds))])
    }

    /// 1008: `storage_busy`, `storage_full` or `storage_error`.
    package static func storage(_ reason: Reason, retryAfterSeconds: Int64? = nil) -> DomainError {
        DomainError(reason, retryAfterSeconds.map { ["retryAfterSeconds": .number(JSONNumber($0))] } ?? JSONObject())
    }
}

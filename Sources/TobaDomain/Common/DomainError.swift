import TobaRPC

/// A business-rule failure with a stable `reason` code. The dispatcher maps `kind` to the
/// JSON-RPC error code of PROTOCOL.md §7; domains never see those codes.
public struct DomainError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case validation, unauthenticated, forbidden, notFound, conflict, rateLimited, expired, unavailable
        /// Storage busy, full, unreachable or failing (1008): the request had no effect and may be retried.
        case storage
    }

    public let kind: Kind
    public let reason: String
    /// Extra members of the error's `data` (`field`, `permission`, `retryAfterSeconds`, …).
    public let details: JSONObject

    public init(_ kind: Kind, _ reason: String, _ details: JSONObject = JSONObject()) {
        self.kind = kind
        self.reason = reason
        self.details = details
    }

    public static func validation(_ reason: String, field: String? = nil) -> DomainError {
        DomainError(.validation, reason, field.map { ["field": .string($0)] } ?? JSONObject())
    }

    public static func notFound(_ what: String) -> DomainError {
        DomainError(.notFound, "not_found", ["object": .string(what)])
    }

    public static let invalidToken = DomainError(.unauthenticated, "invalid_token")
    public static let sessionRevoked = DomainError(.unauthenticated, "session_revoked")
    public static let invalidCredentials = DomainError(.unauthenticated, "invalid_credentials")
    public static let accountInactive = DomainError(.unauthenticated, "account_inactive")

    public static func permissionDenied(_ permission: String) -> DomainError {
        DomainError(.forbidden, "permission_denied", ["permission": .string(permission)])
    }

    public static func conflict(_ reason: String) -> DomainError { DomainError(.conflict, reason) }

    public static func rateLimited(retryAfterSeconds: Int64) -> DomainError {
        DomainError(.rateLimited, "rate_limited", ["retryAfterSeconds": .number(JSONNumber(retryAfterSeconds))])
    }

    public static func expired(_ reason: String) -> DomainError { DomainError(.expired, reason) }

    /// 1008: `storage_busy`, `storage_full`, `storage_unavailable` or `storage_error`.
    public static func storage(_ reason: String, retryAfterSeconds: Int64? = nil) -> DomainError {
        DomainError(.storage, reason, retryAfterSeconds.map { ["retryAfterSeconds": .number(JSONNumber($0))] } ?? JSONObject())
    }
}

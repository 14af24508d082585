import TobaRPC

/// A business-rule failure with a stable `reason` code. The dispatcher maps `kind` to the
/// JSON-RPC error code of PROTOCOL.md §7; domains never see those codes.
public struct DomainError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case validation, unauthenticated, forbidden, notFound, conflict, rateLimited, expired, unavailable
        /// Storage busy, full, unreachable or failing (1008): the request had no effect and may be retried.
        case storage
    }

    public let reason: Reason
    /// Extra members of the error's `data` (`field`, `permission`, `retryAfterSeconds`, …).
    public let details: JSONObject

    /// Each reason belongs to one kind (`Reason.kind`).
    public var kind: Kind { reason.kind }

    public init(_ reason: Reason, _ details: JSONObject = JSONObject()) {
        self.reason = reason
        self.details = details
    }

    /// `reason` naming the parameter at fault.
    public init(_ reason: Reason, field: String) {
        self.init(reason, ["field": .string(field)])
    }

    public static func notFound(_ what: String) -> DomainError {
        DomainError(.notFound, ["object": .string(what)])
    }

    public static let invalidToken = DomainError(.invalidToken)
    public static let sessionRevoked = DomainError(.sessionRevoked)
    public static let invalidCredentials = DomainError(.invalidCredentials)
    public static let accountInactive = DomainError(.accountInactive)

    public static func permissionDenied(_ permission: String) -> DomainError {
        DomainError(.permissionDenied, ["permission": .string(permission)])
    }

    public static func rateLimited(retryAfterSeconds: Int64) -> DomainError {
        DomainError(.rateLimited, ["retryAfterSeconds": .number(JSONNumber(retryAfterSeconds))])
    }

    /// 1008: `storage_busy`, `storage_full` or `storage_error`.
    public static func storage(_ reason: Reason, retryAfterSeconds: Int64? = nil) -> DomainError {
        DomainError(reason, retryAfterSeconds.map { ["retryAfterSeconds": .number(JSONNumber($0))] } ?? JSONObject())
    }
}

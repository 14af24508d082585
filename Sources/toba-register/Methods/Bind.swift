import TobaDomain
import TobaRPC
import TobaStore

/// Shapes shared by the method bindings: methods acting for a user (`token` checked by
/// signature while preparing, then by session in order), admin methods, pages, timestamps.
enum Bind {
    /// A method acting for the user of `token`. `touches`, when given, names what the call
    /// touches besides the caller's own account (see `Footprints`); without it the call
    /// conflicts with every other request.
    static func authed<Input: Sendable>(
        _ name: String, _ sessions: Sessions,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        touches: (@Sendable (Input) -> [Footprint.Key])? = nil,
        apply: @escaping @Sendable (Input, AuthUser, any SQLConnection) throws -> JSONValue
    ) -> Method<any SQLConnection> {
        Method(name, decode: { p in (try p.sessionToken(), try decode(&p)) }, prepareNow: { token, input in
            // A signature check costs about a microsecond: done while decoding, no task. The
            // footprint comes from the verified claims.
            let claims = try sessions.tokens.verify(token)
            let footprint = touches.map { Footprint.keys([Footprints.user(claims.uid)] + $0(input)) } ?? .everything
            return (footprint, .ordered { db in .value(try apply(input, try sessions.authenticate(claims, db), db)) })
        })
    }

    /// A method acting for the user of `token`, with work to prepare first (e.g. a hash).
    static func authedPrepared<Input: Sendable, Ready: Sendable>(
        _ name: String, _ sessions: Sessions,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        prepare: @escaping @Sendable (Input, SessionClaims) async throws -> Ready,
        apply: @escaping @Sendable (Ready, AuthUser, any SQLConnection) throws -> JSONValue
    ) -> Method<any SQLConnection> {
        Method(name, decode: { p in (try p.sessionToken(), try decode(&p)) }) { token, input in
            let claims = try sessions.tokens.verify(token)
            let ready = try await prepare(input, claims)
            return .ordered { db in .value(try apply(ready, try sessions.authenticate(claims, db), db)) }
        }
    }

    /// An admin method: the caller must be an active staff user holding `permission`.
    static func admin<Input: Sendable>(
        _ name: String, _ sessions: Sessions, permission: Permission,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        apply: @escaping @Sendable (Input, AuthUser, any SQLConnection) throws -> JSONValue
    ) -> Method<any SQLConnection> {
        authed(name, sessions, decode: decode) { input, user, db in
            try PermissionChecker.requireAdmin(db, user, permission)
            return try apply(input, user, db)
        }
    }

    /// A method anyone may call, applied in order (conflicting with everything unless
    /// `footprint` says less).
    static func open<Input: Sendable>(
        _ name: String,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        footprint: @escaping @Sendable (Input) -> Footprint = { _ in .everything },
        apply: @escaping @Sendable (Input, any SQLConnection) throws -> JSONValue
    ) -> Method<any SQLConnection> {
        Method(name, decode: decode, footprint: footprint, apply: apply)
    }
}

extension Params {
    /// The `token` of a method acting for a user. Absent or null is 1001 `invalid_token` (§7:
    /// "token missing" is Unauthenticated); a token that is not a string stays -32602 `type`.
    mutating func sessionToken() throws -> String {
        guard let token = try optional("token", as: String.self) else { throw DomainError.invalidToken }
        return token
    }

    /// `limit?` and `cursor?` of a list method.
    mutating func page() throws -> PageRequest {
        try PageRequest(limit: try optional("limit", as: Int.self), cursor: try optional("cursor", as: String.self))
    }

    /// An RFC 3339 timestamp (any offset).
    mutating func timestamp(_ name: String) throws -> Timestamp {
        try Self.instant(try required(name), field: name)
    }

    mutating func optionalTimestamp(_ name: String) throws -> Timestamp? {
        try optional(name, as: String.self).map { try Self.instant($0, field: name) }
    }

    mutating func timestampPatch(_ name: String) throws -> Patch<Timestamp> {
        switch try patch(name, as: String.self) {
        case .absent: return .absent
        case .null: return .null
        case .value(let text): return .value(try Self.instant(text, field: name))
        }
    }

    /// `text` read as an instant; `type` (naming `field`) when it is no RFC 3339 timestamp.
    private static func instant(_ text: String, field: String) throws -> Timestamp {
        guard let instant = Timestamp(parsing: text) else {
            throw RPCError.invalidParams(.type, field: field, detail: "expected an RFC 3339 timestamp")
        }
        return instant
    }
}

import JWTKit

/// The claims of a session token, in the shape djangorestframework-sso issues:
/// `{"token":"session","sid":…,"cid":…,"uid":…,"email":…,"iat":…,"iss":…,"aud":…}` and `exp`
/// only when `sessions.maxAgeSeconds` is set.
public struct SessionClaims: JWTPayload, Equatable {
    public var token: String
    public var sid: String
    public var cid: String?
    public var uid: Int64
    public var email: String
    public var iat: Int64
    public var iss: String
    public var aud: String
    public var exp: Int64?

    enum CodingKeys: String, CodingKey {
        case token, sid, cid, uid, email, iat, iss, aud, exp
    }

    /// `cid` is always present (null without a client id), as djangorestframework-sso writes it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(token, forKey: .token)
        try c.encode(sid, forKey: .sid)
        try c.encode(cid, forKey: .cid)
        try c.encode(uid, forKey: .uid)
        try c.encode(email, forKey: .email)
        try c.encode(iat, forKey: .iat)
        try c.encode(iss, forKey: .iss)
        try c.encode(aud, forKey: .aud)
        try c.encodeIfPresent(exp, forKey: .exp)
    }

    /// Checked by jwt-kit after the signature: only session tokens are accepted. Time-based
    /// checks (`exp`) follow the service clock and happen in `Sessions.authenticate`.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        guard token == "session" else { throw DomainError.invalidToken }
    }
}

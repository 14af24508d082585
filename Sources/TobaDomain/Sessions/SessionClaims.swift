package import JWTKit
import TobaRPC

/// The claims of a session token, in the shape djangorestframework-sso issues:
/// `{"token":"session","sid":…,"cid":…,"uid":…,"email":…,"iat":…,"iss":…,"aud":…}` and `exp`
/// only when `sessions.maxAgeSeconds` is set.
package struct SessionClaims: JWTPayload, Equatable {
    package var token: String
    package var sid: String
    package var cid: String?
    package var uid: Int64
    package var email: String
    package var iat: Int64
    package var iss: String
    package var aud: String
    package var exp: Int64?

    enum CodingKeys: String, CodingKey {
        case token, sid, cid, uid, email, iat, iss, aud, exp
    }

    package init(token: String, sid: String, cid: String?, uid: Int64, email: String, iat: Int64, iss: String, aud: String, exp: Int64?) {
        self.token = token
        self.sid = sid
        self.cid = cid
        self.uid = uid
        self.email = email
        self.iat = iat
        self.iss = iss
        self.aud = aud
        self.exp = exp
    }

    /// The claims of a verified token's payload; nil when one is missing or of the wrong type.
    init?(_ payload: JSONObject) {
        guard let token = payload["token"]?.stringValue, let sid = payload["sid"]?.stringValue,
              let uid = payload["uid"]?.int64Value, let email = payload["email"]?.stringValue,
              let iat = payload["iat"]?.int64Value, let iss = payload["iss"]?.stringValue,
              let aud = payload["aud"]?.stringValue
        else { return nil }
        let cid: String?
        switch payload["cid"] {
        case nil, .null?: cid = nil
        case .string(let text)?: cid = text
        default: return nil
        }
        let exp: Int64?
        switch payload["exp"] {
        case nil, .null?: exp = nil
        case let value?:
            guard let seconds = value.int64Value else { return nil }
            exp = seconds
        }
        self.init(token: token, sid: sid, cid: cid, uid: uid, email: email, iat: iat, iss: iss, aud: aud, exp: exp)
    }

    /// `cid` is always present (null without a client id), as djangorestframework-sso writes it.
    package func encode(to encoder: any Encoder) throws {
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
    package func verify(using algorithm: some JWTAlgorithm) async throws {
        guard token == "session" else { throw DomainError.invalidToken }
    }
}

import Crypto
import JWTKit
import TobaRPC
import TobaStore

/// Signs and checks session tokens: HS256 with a key derived from the service secret key, so
/// the secret itself never signs anything directly and rotating it revokes every token.
public final class SessionTokens: Sendable {
    private let keys: JWTKeyCollection
    private let issuer: String

    private init(keys: JWTKeyCollection, issuer: String) {
        self.keys = keys
        self.issuer = issuer
    }

    public static func make(secretKey: SecretKey, issuer: String) async -> SessionTokens {
        let derived = HMAC<SHA256>.authenticationCode(
            for: Array("toba-register.session-token.hs256".utf8),
            using: SymmetricKey(data: Array(secretKey.value.utf8)))
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: SymmetricKey(data: Array(derived))), digestAlgorithm: .sha256)
        return SessionTokens(keys: keys, issuer: issuer)
    }

    public func sign(_ claims: SessionClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// The claims of a token whose signature holds and that was issued by this service.
    /// - Throws: `DomainError.invalidToken` for anything else (garbage, forged, altered, foreign).
    public func verify(_ token: String) async throws(DomainError) -> SessionClaims {
        guard !token.isEmpty, token.utf8.count <= 8192 else { throw .invalidToken }
        let claims: SessionClaims
        do {
            claims = try await keys.verify(token, as: SessionClaims.self)
        } catch {
            throw .invalidToken
        }
        guard claims.iss == issuer, claims.aud == issuer, UUIDText.storage(claims.sid) != nil else {
            throw .invalidToken
        }
        return claims
    }

    /// The `uid` a token's payload names, read WITHOUT checking the signature: only for naming
    /// what a request will touch before it is prepared. A token whose signature fails never
    /// reaches the writer, so only authentic claims decide what a request waits for.
    public static func unverifiedUserId(of token: String) -> Int64? {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].count <= 8192,
              let payload = Base64URL.decode(parts[1]),
              case .object(let claims)? = try? JSONParser.parse(payload)
        else { return nil }
        return claims["uid"]?.int64Value
    }
}

import Crypto
import JWTKit
import TobaRPC
import TobaStore

/// Signs and checks session tokens: HS256 with a key derived from the service secret key, so
/// the secret itself never signs anything directly and rotating it revokes every token.
///
/// Signing (once per login) goes through jwt-kit. Checking (on every authenticated request) is
/// done here: split, HMAC-SHA256 compared in constant time, claims read with the project's own
/// JSON parser, with no `JSONDecoder` on the hot path. Tests check the two against each other.
package final class SessionTokens: Sendable {
    private let keys: JWTKeyCollection
    /// HMAC-SHA256 already keyed: each check copies it instead of hashing the key again.
    private let keyed: HMAC<SHA256>
    private let issuer: String
    /// The header segment jwt-kit writes; any other is parsed and must still say HS256.
    private static let usualHeaders: Set<[UInt8]> = [
        Array(Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)).utf8),
        Array(Base64URL.encode(Array(#"{"typ":"JWT","alg":"HS256"}"#.utf8)).utf8),
    ]

    private init(keys: JWTKeyCollection, key: SymmetricKey, issuer: String) {
        self.keys = keys
        self.keyed = HMAC<SHA256>(key: key)
        self.issuer = issuer
    }

    package static func make(secretKey: SecretKey, issuer: String) async -> SessionTokens {
        let derived = HMAC<SHA256>.authenticationCode(
            for: Array("toba-register.session-token.hs256".utf8),
            using: SymmetricKey(data: Array(secretKey.value.utf8)))
        let key = SymmetricKey(data: Array(derived))
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: key), digestAlgorithm: .sha256)
        return SessionTokens(keys: keys, key: key, issuer: issuer)
    }

    package func sign(_ claims: SessionClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// The claims of a token whose signature holds and that was issued by this service.
    /// - Throws: `DomainError.invalidToken` for anything else (garbage, forged, altered, foreign).
    package func verify(_ token: String) throws(DomainError) -> SessionClaims {
        guard !token.isEmpty, token.utf8.count <= 8192 else { throw .invalidToken }
        let bytes = Array(token.utf8)
        guard let first = bytes.firstIndex(of: UInt8(ascii: ".")),
              let second = bytes[(first + 1)...].firstIndex(of: UInt8(ascii: ".")),
              !bytes[(second + 1)...].contains(UInt8(ascii: ".")),
              let signature = Base64URL.decode(bytes[(second + 1)...]),
              isValid(signature, for: bytes[..<second]),
              Self.usualHeaders.contains(Array(bytes[..<first]))
                || Base64URL.decode(bytes[..<first]).flatMap(Self.object)?["alg"] == "HS256",
              let payload = Base64URL.decode(bytes[(first + 1)..<second]).flatMap(Self.object),
              let claims = SessionClaims(payload),
              claims.token == "session", claims.iss == issuer, claims.aud == issuer,
              UUIDText.storage(claims.sid) != nil
        else { throw .invalidToken }
        return claims
    }

    /// Whether `signature` is the HMAC of `signed`, compared in constant time.
    private func isValid(_ signature: [UInt8], for signed: ArraySlice<UInt8>) -> Bool {
        guard signature.count == SHA256.byteCount else { return false }
        var mac = keyed
        signed.withUnsafeBytes { mac.update(data: $0) }
        let expected = mac.finalize()
        var difference: UInt8 = 0
        expected.withUnsafeBytes { expected in
            for index in 0..<SHA256.byteCount { difference |= expected[index] ^ signature[index] }
        }
        return difference == 0
    }

    private static func object(_ bytes: [UInt8]) -> JSONObject? {
        guard case .object(let object)? = try? JSONParser.parse(bytes) else { return nil }
        return object
    }
}

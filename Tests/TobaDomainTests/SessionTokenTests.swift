import Foundation
import Testing
import TobaRPC
@testable import TobaDomain

/// Session tokens are signed by jwt-kit and checked by our own reader: the two must agree, and
/// nothing but an untouched token of this service may pass.
@Suite struct SessionTokenTests {
    static let claims = SessionClaims(
        token: "session", sid: "0b5e9a4c-7d1f-4c2e-9a3b-1f2e3d4c5b6a", cid: nil, uid: 42, email: "a@example.com",
        iat: 1_700_000_000, iss: "toba-register", aud: "toba-register", exp: nil)

    static func tokens(secret: String = "a secret key of fifty characters, more or less....") async -> SessionTokens {
        await SessionTokens.make(secretKey: SecretKey(value: secret), issuer: "toba-register")
    }

    @Test func aTokenSignedByTheServiceVerifiesWithItsClaims() async throws {
        let tokens = await Self.tokens()
        var claims = Self.claims
        claims.cid = "web"
        claims.exp = 1_800_000_000
        let token = try await tokens.sign(claims)
        #expect(try tokens.verify(token) == claims)
        #expect(try tokens.verify(try await tokens.sign(Self.claims)) == Self.claims)
    }

    @Test func anyChangeToATokenIsRefused() async throws {
        let tokens = await Self.tokens()
        let token = try await tokens.sign(Self.claims)
        let parts = token.split(separator: ".").map(String.init)
        var forgedClaims = Self.claims
        forgedClaims.uid = 1
        let forgedPayload = Base64URL.encode(Array(JSONWriter.string(["token": "session", "sid": .string(Self.claims.sid),
                                                                       "cid": .null, "uid": 1, "email": "a@example.com",
                                                                       "iat": 1_700_000_000, "iss": "toba-register",
                                                                       "aud": "toba-register"]).utf8))
        let noneHeader = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let refused = [
            "", "garbage", token + ".", token + "x", parts[0] + "." + forgedPayload + "." + parts[2],
            noneHeader + "." + parts[1] + ".", noneHeader + "." + parts[1] + "." + parts[2],
            parts[0] + "." + parts[1], String(token.dropLast(2)),
            try await Self.tokens(secret: "another secret").sign(Self.claims),
        ]
        for candidate in refused {
            #expect(throws: DomainError.invalidToken, "\(candidate)") { try tokens.verify(candidate) }
        }
    }

    @Test func aTokenOfAnotherKindOrIssuerIsRefused() async throws {
        let tokens = await Self.tokens()
        var other = Self.claims
        other.iss = "someone-else"
        let foreign = try await tokens.sign(other)
        #expect(throws: DomainError.invalidToken) { try tokens.verify(foreign) }
        other = Self.claims
        other.sid = "not-a-uuid"
        let badSession = try await tokens.sign(other)
        #expect(throws: DomainError.invalidToken) { try tokens.verify(badSession) }
    }

    @Test func base64URLRoundTrips() {
        #expect(Base64URL.decode(Array(Base64URL.encode(Array(0...255)).utf8)) == Array(0...255))
        #expect(Base64URL.decode(Array("a=".utf8)) == nil)
        #expect(Base64URL.decode(Array("abcde".utf8)) == nil)
    }
}

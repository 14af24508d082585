import Crypto
import Foundation
import TobaStore

/// Django's `PasswordResetTokenGenerator`, exactly: `<base36 seconds since 2001-01-01>-<hash>`
/// where hash is every other hex digit of `salted_hmac(key_salt, pk + password + last_login
/// (to the second, naive) + timestamp + email, SECRET_KEY, sha256)`. Stateless: a token dies
/// when the password or last login changes, or after the timeout.
struct PasswordResetTokens: Sendable {
    static let keySalt = "django.contrib.auth.tokens.PasswordResetTokenGenerator"
    /// 2001-01-01T00:00:00Z in Unix seconds.
    static let epoch: Int64 = 978_307_200

    let secret: String
    let timeoutSeconds: Int64

    struct User {
        let id: Int64
        let password: String
        let lastLogin: Timestamp?
        let email: String
    }

    func make(for user: User, now: Timestamp) -> String {
        make(for: user, timestamp: now.seconds - Self.epoch)
    }

    enum Verdict { case valid, invalid, expired }

    func check(_ token: String, for user: User, now: Timestamp) -> Verdict {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 13, let ts = Int64(parts[0], radix: 36), ts >= 0 else { return .invalid }
        let expected = Array(make(for: user, timestamp: ts).utf8)
        let given = Array(token.utf8)
        guard expected.count == given.count, zip(expected, given).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else {
            return .invalid
        }
        return (now.seconds - Self.epoch) - ts > timeoutSeconds ? .expired : .valid
    }

    private func make(for user: User, timestamp: Int64) -> String {
        let login = user.lastLogin.map { String($0.databaseText.prefix(19)) } ?? ""
        let value = "\(user.id)\(user.password)\(login)\(timestamp)\(user.email)"
        let key = SymmetricKey(data: SHA256.hash(data: Array((Self.keySalt + secret).utf8)))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(value.utf8), using: key)
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        let everyOther = hex.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        return String(timestamp, radix: 36) + "-" + String(everyOther)
    }

    /// `urlsafe_base64_encode(force_bytes(pk))`: base64url of the decimal id, unpadded.
    static func uid(_ id: Int64) -> String {
        Data(String(id).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func userId(fromUid uid: String) -> Int64? {
        var text = uid.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard uid.count <= 32, let data = Data(base64Encoded: text) else { return nil }
        return Int64(String(decoding: data, as: UTF8.self))
    }
}

import Crypto
import CryptoExtras
import Foundation

/// Django's `PBKDF2PasswordHasher`: `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, salt of
/// 22 characters of `[a-zA-Z0-9]`, hash the standard base64 of 32 bytes of PBKDF2-HMAC-SHA256.
public struct PasswordHasher: Sendable {
    public static let algorithm = "pbkdf2_sha256"
    /// Django's salt: 22 characters ≈ 128 bits of entropy.
    public static let saltLength = 22
    static let saltAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    public let iterations: Int

    public init(iterations: Int) {
        self.iterations = iterations
    }

    /// A new hash of `password` with a fresh salt.
    public func hash(_ password: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = String((0..<Self.saltLength).map { _ in Self.saltAlphabet.randomElement(using: &generator)! })
        return Self.encode(password, salt: salt, iterations: iterations)
    }

    static func encode(_ password: String, salt: String, iterations: Int) -> String {
        "\(algorithm)$\(iterations)$\(salt)$\(derive(password, salt: salt, iterations: iterations).base64EncodedString())"
    }

    static func derive(_ password: String, salt: String, iterations: Int) -> Data {
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: Array(salt.utf8), using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Data($0) }
    }

    /// True when `encoded` is a usable pbkdf2_sha256 hash of `password`. A hash of another or
    /// unknown form, or an unusable one (`!…`), never verifies; such checks still cost one full
    /// derivation, so a failure does not tell how it failed.
    public func verify(_ password: String, against encoded: String) -> Bool {
        guard let parts = Self.parse(encoded) else {
            burn(password)
            return false
        }
        let computed = Self.derive(password, salt: parts.salt, iterations: parts.iterations)
        return constantTimeEquals(Array(computed), parts.hash)
    }

    /// One derivation at the configured cost, with nothing to compare: Django's answer to
    /// timing probes for unknown users.
    public func burn(_ password: String) {
        _ = Self.derive(password, salt: "toba-register-timing00", iterations: iterations)
    }

    /// True when a hash that just verified should be made again: other iterations or a salt
    /// shorter than today's (Django's `must_update`).
    public func needsUpgrade(_ encoded: String) -> Bool {
        guard let parts = Self.parse(encoded) else { return true }
        // Django's must_update_salt: len(salt) * log2(62) < 128 bits.
        return parts.iterations != iterations || Double(parts.salt.count) * log2(62) < 128
    }

    public static func isUsable(_ encoded: String) -> Bool {
        !encoded.hasPrefix("!") && parse(encoded) != nil
    }

    /// Django's unusable password: `!` and 40 random characters.
    public static func unusable() -> String {
        var generator = SystemRandomNumberGenerator()
        return "!" + String((0..<40).map { _ in saltAlphabet.randomElement(using: &generator)! })
    }

    static func parse(_ encoded: String) -> (iterations: Int, salt: String, hash: [UInt8])? {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == algorithm, let iterations = Int(parts[1]), iterations >= 1,
              iterations <= 100_000_000, !parts[2].isEmpty, !parts[2].contains("$"),
              let hash = Data(base64Encoded: String(parts[3])), hash.count == 32
        else { return nil }
        return (iterations, String(parts[2]), Array(hash))
    }

    private func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

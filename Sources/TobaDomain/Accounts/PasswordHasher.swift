import Crypto
import CryptoExtras
import Foundation
import Synchronization

/// Django's `PBKDF2PasswordHasher`: `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, salt of
/// 22 characters of `[a-zA-Z0-9]`, hash the standard base64 of 32 bytes of PBKDF2-HMAC-SHA256.
package struct PasswordHasher: Sendable {
    package static let algorithm = "pbkdf2_sha256"
    /// Django's salt: 22 characters ≈ 128 bits of entropy.
    package static let saltLength = 22
    static let saltAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    package let iterations: Int
    /// Counts the rounds computed, when given (tests).
    let meter: HashWorkMeter?

    package init(iterations: Int, meter: HashWorkMeter? = nil) {
        self.iterations = iterations
        self.meter = meter
    }

    /// A new hash of `password` with a fresh salt.
    package func hash(_ password: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = String((0..<Self.saltLength).map { _ in Self.saltAlphabet.randomElement(using: &generator)! })
        return Self.format(salt: salt, iterations: iterations, hash: derive(password, salt: salt, iterations: iterations))
    }

    static func encode(_ password: String, salt: String, iterations: Int) -> String {
        format(salt: salt, iterations: iterations, hash: pbkdf2(password, salt: salt, iterations: iterations))
    }

    private static func format(salt: String, iterations: Int, hash: Data) -> String {
        "\(algorithm)$\(iterations)$\(salt)$\(hash.base64EncodedString())"
    }

    /// Every derivation goes through here, so the meter sees all the work.
    private func derive(_ password: String, salt: String, iterations: Int) -> Data {
        meter?.add(iterations)
        return Self.pbkdf2(password, salt: salt, iterations: iterations)
    }

    private static func pbkdf2(_ password: String, salt: String, iterations: Int) -> Data {
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: Array(salt.utf8), using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Data($0) }
    }

    /// True when `encoded` is a usable pbkdf2_sha256 hash of `password`. A hash of another or
    /// unknown form, or an unusable one (`!…`), never verifies. Every check, failed or not,
    /// costs at least one derivation at the configured iterations (PROTOCOL.md §6): a hash of
    /// another form costs a `burn`, one with fewer iterations is topped up, so timing tells
    /// neither how a check failed nor how old an account's hash is.
    package func verify(_ password: String, against encoded: String) -> Bool {
        guard let parts = Self.parse(encoded) else {
            burn(password)
            return false
        }
        let computed = derive(password, salt: parts.salt, iterations: parts.iterations)
        hardenRuntime(password, salt: parts.salt, storedIterations: parts.iterations)
        return constantTimeEquals(Array(computed), parts.hash)
    }

    /// Django's `PBKDF2PasswordHasher.harden_runtime`: the rounds a stored hash lacks to the
    /// configured iterations, computed on a throwaway value. Django tops up failed checks
    /// only; we top up every check, so a success costs what a failure costs.
    private func hardenRuntime(_ password: String, salt: String, storedIterations: Int) {
        let extra = iterations - storedIterations
        if extra > 0 { _ = derive(password, salt: salt, iterations: extra) }
    }

    /// One derivation at the configured cost, with nothing to compare: Django's answer to
    /// timing probes for unknown users.
    package func burn(_ password: String) {
        _ = derive(password, salt: "toba-register-timing00", iterations: iterations)
    }

    /// True when a hash that just verified should be made again: other iterations or a salt
    /// shorter than today's (Django's `must_update`).
    package func needsUpgrade(_ encoded: String) -> Bool {
        guard let parts = Self.parse(encoded) else { return true }
        // Django's must_update_salt: len(salt) * log2(62) < 128 bits.
        return parts.iterations != iterations || Double(parts.salt.count) * log2(62) < 128
    }

    package static func isUsable(_ encoded: String) -> Bool {
        !encoded.hasPrefix("!") && parse(encoded) != nil
    }

    /// Django's unusable password: `!` and 40 random characters.
    package static func unusable() -> String {
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

/// The PBKDF2 rounds a hasher has computed: what a test asserts instead of wall time.
package final class HashWorkMeter: Sendable {
    private let rounds = Atomic<Int>(0)

    package init() {}

    package var total: Int { rounds.load(ordering: .relaxed) }

    func add(_ count: Int) {
        rounds.add(count, ordering: .relaxed)
    }
}

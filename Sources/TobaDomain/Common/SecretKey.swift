import Foundation

/// The service secret key (Django's SECRET_KEY): signs session tokens (through a derived key)
/// and password-reset tokens. Kept in a file created with mode 0600 on first start.
public struct SecretKey: Sendable {
    public let value: String

    public init(value: String) {
        self.value = value
    }

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)")

    /// 50 random characters, as Django's `get_random_secret_key()`.
    public static func generate() -> SecretKey {
        var generator = SystemRandomNumberGenerator()
        return SecretKey(value: String((0..<50).map { _ in alphabet.randomElement(using: &generator)! }))
    }

    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the key file, creating it (mode 0600, exclusively) when absent.
    public static func loadOrCreate(path: String) throws -> SecretKey {
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count >= 32 else {
                throw Unreadable(description: "the secret key file \(path) holds fewer than 32 characters")
            }
            return SecretKey(value: text)
        }
        let key = generate()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return try loadOrCreate(path: path) }
            throw Unreadable(description: "cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array((key.value + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw Unreadable(description: "cannot write the secret key file \(path)")
        }
        return key
    }
}

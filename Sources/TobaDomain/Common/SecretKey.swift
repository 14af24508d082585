import Foundation

/// The service secret key (Django's SECRET_KEY): signs session tokens (through a derived key)
/// and password-reset tokens. Kept in a file created with mode 0600 on first start.
package struct SecretKey: Sendable {
    package let value: String

    package init(value: String) {
        self.value = value
    }

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)")

    /// 50 random characters, as Django's `get_random_secret_key()`.
    package static func generate() -> SecretKey {
        var generator = SystemRandomNumberGenerator()
        return SecretKey(value: String((0..<50).map { _ in alphabet.randomElement(using: &generator)! }))
    }

    package struct Unreadable: Error, CustomStringConvertible {
        package let description: String
    }

    /// Reads the key file, creating it (mode 0600) when absent. Creation is atomic: the key is
    /// written to a private temporary file and linked into place, so a process starting at the
    /// same moment reads either nothing or the whole key, and exactly one key wins.
    package static func loadOrCreate(path: String) throws -> SecretKey {
        if let key = try read(path) { return key }
        let key = generate()
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw Unreadable(description: "cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let bytes = Array((key.value + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced else { throw Unreadable(description: "cannot write the secret key file \(path)") }
        if link(temporary, path) == 0 { return key }
        guard errno == EEXIST, let winner = try read(path) else {
            throw Unreadable(description: "cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        return winner
    }

    /// The key in `path`, or nil when there is no such file.
    private static func read(_ path: String) throws -> SecretKey? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw Unreadable(description: "cannot read the secret key file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 32 else {
            throw Unreadable(description: "the secret key file \(path) holds fewer than 32 characters")
        }
        return SecretKey(value: text)
    }
}

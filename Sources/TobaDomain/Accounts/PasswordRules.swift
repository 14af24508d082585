import Foundation

/// Django's default password validators, in Django's order; the first failure wins.
/// Reasons: `password_too_similar`, `password_too_short`, `password_too_common`,
/// `password_entirely_numeric`.
package struct PasswordRules: Sendable {
    package static let minimumLength = 8
    /// Django's `UserAttributeSimilarityValidator.DEFAULT_MAX_SIMILARITY`.
    static let maxSimilarity = 0.7

    package init() {}

    /// Builds the common-password set now (it is otherwise built at the first password check):
    /// the service calls this off the start-up path, so neither the first answer nor the first
    /// registration waits for it.
    package static func warmUp() {
        _ = CommonPasswords.all
    }

    /// - Parameter attributes: the email's local part, first and last name (empty ones skipped).
    package func check(_ password: String, attributes: [String]) throws(DomainError) {
        if Self.tooSimilar(password, attributes: attributes) {
            throw DomainError(.passwordTooSimilar, field: "password")
        }
        if password.count < Self.minimumLength {
            throw DomainError(.passwordTooShort, field: "password")
        }
        if CommonPasswords.all.contains(password.lowercased().trimmingCharacters(in: .whitespaces)) {
            throw DomainError(.passwordTooCommon, field: "password")
        }
        if password.allSatisfy(\.isNumber) {
            throw DomainError(.passwordEntirelyNumeric, field: "password")
        }
    }

    /// Django's check: each attribute and each of its `\W+`-separated parts, compared with
    /// difflib's `quick_ratio` (matching characters as multisets).
    static func tooSimilar(_ password: String, attributes: [String]) -> Bool {
        let pw = Array(password.lowercased())
        for attribute in attributes where !attribute.isEmpty {
            let lower = attribute.lowercased()
            let parts = lower.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init) + [lower]
            for part in parts {
                let value = Array(part)
                if pw.count >= 10 * value.count && Double(value.count) < maxSimilarity / 2 * Double(pw.count) { continue }
                if quickRatio(pw, value) >= maxSimilarity { return true }
            }
        }
        return false
    }

    static func quickRatio(_ a: [Character], _ b: [Character]) -> Double {
        guard a.count + b.count > 0 else { return 1 }
        var available: [Character: Int] = [:]
        for ch in b { available[ch, default: 0] += 1 }
        var matches = 0
        for ch in a where (available[ch] ?? 0) > 0 {
            available[ch]! -= 1
            matches += 1
        }
        return 2 * Double(matches) / Double(a.count + b.count)
    }
}

/// Django's list of 20,000 common passwords (lower-cased): Django 5.2's
/// `django/contrib/auth/common-passwords.txt.gz` (BSD licence), `common-passwords.txt` beside this
/// file, embedded in the binary at build time (the EmbedText plugin).
enum CommonPasswords {
    static let all: Set<String> = {
        var words = Set<String>(minimumCapacity: 20_000)
        for line in EmbeddedText.common_passwords_txt.utf8.split(separator: UInt8(ascii: "\n")) {
            var word = line
            while word.first == UInt8(ascii: " ") { word = word.dropFirst() }
            while word.last == UInt8(ascii: " ") { word = word.dropLast() }
            words.insert(String(Substring(word)))
        }
        return words
    }()
}

import Foundation

/// Small input rules shared by the domains.
package enum Validate {
    /// Stripped and lower-cased (PROTOCOL.md §5), then checked like Django's `EmailValidator`
    /// (simplified: a dot-atom local part, a domain of labels with a dot, or `localhost`).
    package static func email(_ raw: String, field: String = "email") throws(DomainError) -> String {
        let email = normalizedEmail(raw)
        guard email.utf8.count <= 254 else { throw DomainError(.valueTooLong, field: field) }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, isLocalPart(parts[0]), isDomain(parts[1]) else {
            throw DomainError(.emailInvalid, field: field)
        }
        return email
    }

    /// Stripped and lower-cased, unchecked (a login compares it and fails like any unknown email).
    package static func normalizedEmail(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    private static let localAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-.")

    private static func isLocalPart(_ s: Substring) -> Bool {
        !s.isEmpty && s.count <= 64 && !s.hasPrefix(".") && !s.hasSuffix(".") && !s.contains("..")
            && s.allSatisfy { localAllowed.contains($0) }
    }

    private static func isDomain(_ s: Substring) -> Bool {
        if s == "localhost" { return true }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter) || tld.hasPrefix("xn--") else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// `value_too_long` when `value` has more than `max` characters, counted as Django's
    /// `max_length` and PostgreSQL's `varchar(n)` count them: in code points, not in Swift's
    /// grapheme clusters (`"👍🏽"` is one `Character` but two code points).
    package static func length(_ value: String?, max: Int, field: String) throws(DomainError) {
        if let value, value.unicodeScalars.count > max { throw DomainError(.valueTooLong, field: field) }
    }

    /// At most the first `max` code points of `text`: a text cut to fit its column, as Django's
    /// `text[:max]` cuts it (Swift's `prefix` would count grapheme clusters and keep more).
    package static func clip(_ text: String, max: Int) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(max))
        return String(scalars)
    }

    /// A required text that is not blank.
    package static func nonBlank(_ value: String, field: String) throws(DomainError) {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw DomainError(.valueRequired, field: field)
        }
    }

    /// A required short text as Django's forms clean it: stripped, not blank, at most `max` characters.
    package static func text(_ raw: String, max: Int, field: String) throws(DomainError) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        try nonBlank(text, field: field)
        try length(text, max: max, field: field)
        return text
    }

    /// A random string of `count` characters of `[a-z0-9]` (confirmation and session keys).
    /// `count` characters of `[a-z0-9]`, uniformly, from the system's secure generator: eight
    /// characters per call into it, not one (rejection sampling keeps the 36 characters equally
    /// likely).
    package static func randomKey(_ count: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        var output: [UInt8] = []
        output.reserveCapacity(count)
        while output.count < count {
            var word = generator.next()
            for _ in 0..<8 where output.count < count {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                // 252 = 7 × 36: bytes above it would favour the first characters.
                if byte < 252 { output.append(alphabet[Int(byte % 36)]) }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

import Testing
@testable import TobaDomain
import TobaRPC

/// Django's PBKDF2PasswordHasher, reproduced (PROTOCOL.md §6).
@Suite struct PasswordHasherTests {
    let fast = PasswordHasher(iterations: 1000)

    /// Django 5.2: `make_password("password", "abcdefghijklmnopqrstuv", "pbkdf2_sha256")` at its
    /// default 1,000,000 iterations. The one test that pays the default cost.
    @Test func djangosDefaultCostVectorVerifies() {
        let encoded = "pbkdf2_sha256$1000000$abcdefghijklmnopqrstuv$hiSPLmmsEJ4SXtBDfUpBLIVuYXFfcubYcZtjeWt1s3U="
        let hasher = PasswordHasher(iterations: 1_000_000)
        #expect(hasher.verify("password", against: encoded))
        #expect(PasswordHasher.encode("password", salt: "abcdefghijklmnopqrstuv", iterations: 1_000_000) == encoded)
        #expect(!hasher.needsUpgrade(encoded))
    }

    /// Django 4.2's vector (600,000 iterations): verifies whatever our own cost, and is outdated.
    @Test func djangosOlderVectorVerifiesAndNeedsAnUpgrade() {
        let encoded = "pbkdf2_sha256$600000$abcdefghijklmnopqrstuv$r5ywZR7FQ1qbjU3er7HhCTPs1DQFG7VywroPduiUaMo="
        #expect(fast.verify("password", against: encoded))
        #expect(!fast.verify("Password", against: encoded))
        #expect(PasswordHasher(iterations: 1_000_000).needsUpgrade(encoded))
        #expect(!PasswordHasher(iterations: 600_000).needsUpgrade(encoded))
    }

    @Test func aHashVerifiesOnlyItsOwnPassword() {
        let encoded = fast.hash("correct horse")
        #expect(fast.verify("correct horse", against: encoded))
        for wrong in ["correct horse ", "Correct horse", "", "correct hors"] {
            #expect(!fast.verify(wrong, against: encoded), "\(wrong)")
        }
    }

    @Test func aHashHasDjangosFormatAndAFreshSaltEachTime() {
        let a = fast.hash("same password")
        let b = fast.hash("same password")
        #expect(a != b)
        for encoded in [a, b] {
            let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
            #expect(parts.count == 4)
            #expect(parts[0] == "pbkdf2_sha256")
            #expect(parts[1] == "1000")
            #expect(parts[2].count == 22)
            #expect(parts[2].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(parts[3].count == 44 && parts[3].hasSuffix("="))
        }
    }

    /// A hash made with Python's hashlib (what Django calls) with another salt and cost.
    @Test func aForeignHashWithAnyCostVerifies() {
        let encoded = "pbkdf2_sha256$1000$saltsaltsaltsaltsaltsa$rrFqfY54t+CcYpzPEaBDNhjkhYBmcvjLfi7UsJc1TIs="
        #expect(PasswordHasher(iterations: 5).verify("correct horse", against: encoded))
    }

    @Test func needsUpgradeWhenTheCostChangesOrTheSaltIsShort() {
        let current = fast.hash("pw")
        #expect(!fast.needsUpgrade(current))
        #expect(PasswordHasher(iterations: 2000).needsUpgrade(current))
        #expect(PasswordHasher(iterations: 500).needsUpgrade(current))
        // Django's must_update_salt: len(salt) * log2(62) < 128, i.e. fewer than 22 characters.
        for (length, outdated) in [(12, true), (20, true), (21, true), (22, false), (30, false)] {
            let salt = String(repeating: "s", count: length)
            let encoded = PasswordHasher.encode("pw", salt: salt, iterations: 1000)
            #expect(fast.verify("pw", against: encoded))
            #expect(fast.needsUpgrade(encoded) == outdated, "salt of \(length) characters")
        }
        #expect(fast.needsUpgrade("md5$abc$def"))
    }

    @Test func unusablePasswordsNeverVerify() {
        let unusable = PasswordHasher.unusable()
        #expect(unusable.hasPrefix("!"))
        #expect(unusable.count == 41)
        #expect(unusable != PasswordHasher.unusable())
        #expect(!PasswordHasher.isUsable(unusable))
        #expect(!PasswordHasher.isUsable(""))
        #expect(!PasswordHasher.isUsable("!"))
        #expect(PasswordHasher.isUsable(fast.hash("x")))
        for encoded in [unusable, "", "!", "pbkdf2_sha256$1000$salt$notbase64", "pbkdf2_sha256$0$salt$" + String(repeating: "A", count: 43) + "=",
                        "pbkdf2_sha1$1000$saltsaltsaltsaltsaltsa$rrFqfY54t+CcYpzPEaBDNhjkhYBmcvjLfi7UsJc1TIs=",
                        "pbkdf2_sha256$1000$saltsaltsaltsaltsaltsa$rrFqfY54t+CcYpzPEaBDNhjkhYBmcvjLfi7UsJc1TI=",
                        "!pbkdf2_sha256$1000$saltsaltsaltsaltsaltsa$rrFqfY54t+CcYpzPEaBDNhjkhYBmcvjLfi7UsJc1TIs="] {
            #expect(!fast.verify("correct horse", against: encoded), "\(encoded)")
            #expect(!fast.verify("", against: encoded), "\(encoded)")
        }
    }
}

@Suite struct PasswordRulesTests {
    let rules = PasswordRules()

    func reason(_ password: String, _ attributes: [String] = ["someone", "", ""]) -> DomainError.Reason? {
        do {
            try rules.check(password, attributes: attributes)
            return nil
        } catch {
            #expect(error.kind == .validation)
            #expect(error.details["field"] == "password")
            return error.reason
        }
    }

    @Test func eachRuleHasItsReason() {
        #expect(reason("correct horse battery") == nil)
        #expect(reason("abc") == .passwordTooShort)
        #expect(reason("seven77") == .passwordTooShort)
        #expect(reason("eight888") == nil)
        #expect(reason("84736291058473") == .passwordEntirelyNumeric)
        #expect(reason("password") == .passwordTooCommon)
        #expect(reason("PASSWORD123") == .passwordTooCommon)
        #expect(reason(" qwertyuiop ") == .passwordTooCommon)
        #expect(reason("johnsmith1", ["johnsmith", "", ""]) == .passwordTooSimilar)
        #expect(reason("bartholomew!", ["someone", "Bartholomew", ""]) == .passwordTooSimilar)
        #expect(reason("kennedyfitz", ["someone", "", "Fitzgerald-Kennedy"]) == .passwordTooSimilar)
        // Empty attributes are skipped, not "similar to everything".
        #expect(reason("correct horse battery", ["", "", ""]) == nil)
    }

    /// Values from Python's `difflib.SequenceMatcher(a=…, b=…).quick_ratio()`.
    @Test(arguments: [
        ("abcd", "bcde", 0.75),
        ("johnsmith1", "johnsmith", 0.9473684210526315),
        ("password", "drowssap", 1.0),
        ("bartholomew!", "bartholomew", 0.9565217391304348),
        ("correcthorse", "smith", 0.35294117647058826),
        ("", "", 1.0),
        ("abc", "", 0.0),
    ])
    func quickRatioMatchesDifflib(_ a: String, _ b: String, _ expected: Double) {
        #expect(abs(PasswordRules.quickRatio(Array(a), Array(b)) - expected) < 1e-12)
    }

    /// Django compares each `\W+`-separated part of an attribute as well as the whole: a long
    /// attribute can hide a short, matching part.
    @Test func eachPartOfAnAttributeIsComparedOnItsOwn() {
        let attribute = "bartholomew.zzzzzzzzzzzzzzzzzzzz"
        #expect(PasswordRules.quickRatio(Array("bartholomew1"), Array(attribute)) < 0.7)
        #expect(PasswordRules.tooSimilar("bartholomew1", attributes: [attribute]))
        #expect(!PasswordRules.tooSimilar("correct horse battery", attributes: [attribute]))
        // Case does not matter.
        #expect(PasswordRules.tooSimilar("BARTHOLOMEW1", attributes: ["Bartholomew"]))
    }

    @Test func theCommonListHoldsAtLeastTenThousandLowerCasedEntries() {
        #expect(CommonPasswords.all.count >= 10_000)
        for known in ["123456", "password", "qwerty", "iloveyou", "dragon", "monkey"] {
            #expect(CommonPasswords.all.contains(known))
        }
        #expect(!CommonPasswords.all.contains(""))
        #expect(CommonPasswords.all.allSatisfy { $0 == $0.lowercased() })
    }
}

import Testing
@testable import TobaDomain

@Suite struct RandomKeyTests {
    @Test func keysAreMadeOfLowercaseLettersAndDigitsEachEquallyLikely() {
        let keys = (0..<2000).map { _ in Validate.randomKey(64) }
        #expect(keys.allSatisfy { $0.utf8.count == 64 })
        #expect(Set(keys).count == keys.count)
        var counts: [Character: Int] = [:]
        for key in keys { for character in key { counts[character, default: 0] += 1 } }
        #expect(Set(counts.keys) == Set("abcdefghijklmnopqrstuvwxyz0123456789"))
        // 128,000 characters over 36: about 3,556 each; a biased generator would be far off.
        #expect(counts.values.allSatisfy { (3_200...3_900).contains($0) })
        #expect(Validate.randomKey(0).isEmpty && Validate.randomKey(5).utf8.count == 5)
    }
}

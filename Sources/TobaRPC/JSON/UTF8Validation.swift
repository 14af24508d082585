/// Well-formed UTF-8 as Unicode defines it (Table 3-7): no overlong forms, no encoded
/// surrogates (U+D800…U+DFFF), nothing above U+10FFFF, no truncated sequences.
enum UTF8Validation {
    /// The length of the well-formed sequence that starts at `i` with a non-ASCII byte, or nil
    /// when the bytes there are not well-formed (a stray continuation byte, 0xC0, 0xC1,
    /// 0xF5…0xFF, a bad or missing continuation).
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let n = bytes.count
        let lead = bytes[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard length <= n - i else { return nil }
        let second = bytes[i + 1]
        guard second >= low, second <= high else { return nil }
        var k = 2
        while k < length {
            guard bytes[i + k] & 0xC0 == 0x80 else { return nil }
            k += 1
        }
        return length
    }

    /// The offset of the first byte that does not start a well-formed sequence, or nil when the
    /// whole buffer is well-formed UTF-8.
    static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count
        var i = 0
        while i < n {
            if bytes[i] < 0x80 {
                i += 1
                continue
            }
            guard let length = sequenceLength(bytes, at: i) else { return i }
            i += length
        }
        return nil
    }
}

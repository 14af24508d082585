extension JSONReader {
    /// Reads a string whose opening quote is at the cursor and leaves the cursor after the
    /// closing quote. Raw control characters (< 0x20) are `invalid_json`; ill-formed UTF-8 is
    /// `invalid_utf8`.
    mutating func readString() throws(JSONParseError) -> String {
        let start = position + 1
        let n = bytes.count
        var i = start
        while i < n {
            i = skipPlainASCII(from: i)
            guard i < n else { break }
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                position = i + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                return try readEscapedString(start: start, firstEscape: i)
            }
            i = try skipCharacter(at: i)
        }
        throw failure(.invalidJSON, at: n)
    }

    /// Skips 8 bytes at a time while none of them is a quote, a backslash, a control character
    /// or non-ASCII; returns the index of the first byte that needs a closer look (or `count`).
    @inline(__always)
    private func skipPlainASCII(from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = start
        while i + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let special = (word &- ones &* 0x20) | (quote &- ones) | (backslash &- ones) | word
            // Each term sets the high bit of (at least) the first byte that is below 0x20, a
            // quote, a backslash or non-ASCII; borrows may flag more, which only sends the word
            // to the byte-by-byte path.
            if special & highs != 0 { return i }
            i += 8
        }
        return i
    }

    /// The index after the one unescaped character at `i` (not a quote or a backslash).
    @inline(__always)
    private func skipCharacter(at i: Int) throws(JSONParseError) -> Int {
        let byte = bytes[i]
        if byte < 0x20 { throw failure(.invalidJSON, at: i) }
        if byte < 0x80 { return i + 1 }
        guard let length = UTF8Validation.sequenceLength(bytes, at: i) else {
            throw failure(.invalidUTF8, at: i)
        }
        return i + length
    }

    /// The slow path: at least one escape. The decoded bytes are collected in `scratch`.
    private mutating func readEscapedString(start: Int, firstEscape: Int) throws(JSONParseError) -> String {
        var out = takeScratch()
        defer { scratch = out }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<firstEscape]))
        let n = bytes.count
        var i = firstEscape
        var runStart = i
        while i < n {
            i = skipPlainASCII(from: i)
            guard i < n else { break }
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                position = i + 1
                return String(decoding: out, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                i = try readEscape(at: i, into: &out)
                runStart = i
                continue
            }
            i = try skipCharacter(at: i)
        }
        throw failure(.invalidJSON, at: n)
    }

    private mutating func takeScratch() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &scratch)
        taken.removeAll(keepingCapacity: true)
        return taken
    }

    /// Decodes the escape whose backslash is at `i`, appends its UTF-8 to `out` and returns the
    /// index after it.
    private func readEscape(at i: Int, into out: inout [UInt8]) throws(JSONParseError) -> Int {
        guard i + 1 < bytes.count else { throw failure(.invalidJSON, at: bytes.count) }
        let decoded: UInt8
        switch bytes[i + 1] {
        case UInt8(ascii: "\""): decoded = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): decoded = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): decoded = UInt8(ascii: "/")
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"): return try readUnicodeEscape(at: i, into: &out)
        default: throw failure(.invalidJSON, at: i + 1)
        }
        out.append(decoded)
        return i + 2
    }

    /// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`. A lone surrogate is `invalid_json`.
    private func readUnicodeEscape(at i: Int, into out: inout [UInt8]) throws(JSONParseError) -> Int {
        let first = try hexQuad(at: i + 2)
        var scalar = UInt32(first)
        var end = i + 6
        switch first {
        case 0xD800...0xDBFF:
            guard end + 1 < bytes.count,
                  bytes[end] == UInt8(ascii: "\\"), bytes[end + 1] == UInt8(ascii: "u")
            else { throw failure(.invalidJSON, at: i) }
            let second = try hexQuad(at: end + 2)
            guard (0xDC00...0xDFFF).contains(second) else { throw failure(.invalidJSON, at: i) }
            scalar = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
            end += 6
        case 0xDC00...0xDFFF:
            throw failure(.invalidJSON, at: i)
        default:
            break
        }
        appendUTF8(scalar, to: &out)
        return end
    }

    private func hexQuad(at i: Int) throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for k in 0..<4 {
            guard i + k < bytes.count else { throw failure(.invalidJSON, at: bytes.count) }
            let byte = bytes[i + k]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure(.invalidJSON, at: i + k)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// `scalar` is a valid Unicode scalar value (surrogates were handled by the caller).
    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

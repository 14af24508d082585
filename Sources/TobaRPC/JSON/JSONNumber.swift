/// A JSON number kept exactly as it was spelled, so that it can be echoed verbatim
/// (`1.50`, `-0`, `1E+2`, `12345678901234567890123` all survive a round trip).
///
/// Equality and hashing compare the spelling: `1`, `1.0` and `1e0` are three different numbers.
package struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The exact spelling; always matches the JSON number grammar (RFC 8259 §6).
    package let text: String

    init(uncheckedText text: String) {
        self.text = text
    }

    package init(_ i: Int) {
        text = String(i)
    }

    package init(_ i: Int64) {
        text = String(i)
    }

    /// The shortest spelling that reads back as the same `Double` (Swift's `description`):
    /// `1.0`, `0.1`, `1e+16`, `1e-05`, `-0.0`. Integral values keep their `.0`, so a double
    /// stays recognisably a double; use `init(Int64)` for integers.
    ///
    /// Returns nil for NaN and infinities, which JSON cannot represent; mapping them to
    /// `null` (or refusing them) is the caller's decision.
    package init?(_ d: Double) {
        guard d.isFinite else { return nil }
        text = d.description
    }

    /// Accepts exactly the RFC 8259 number grammar: an optional `-`, no leading zeros, no `+`
    /// sign, digits on both sides of a `.`, an optional exponent. No surrounding whitespace.
    package init?(text: String) {
        var copy = text
        let valid = copy.withUTF8 { buffer in
            JSONNumber.grammarEnd(in: buffer, from: 0) == buffer.count
        }
        guard valid else { return nil }
        self.text = text
    }

    package var description: String { text }

    /// The value when the spelling is an integer (no fraction, no exponent) that fits in
    /// `Int64`; `-0` gives 0. `1.0`, `1e2` and integers beyond `Int64` give nil.
    package var int64: Int64? {
        for byte in text.utf8 where byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e") {
            return nil
        }
        return Int64(text)
    }

    /// The nearest `Double`, or nil when the magnitude overflows to infinity (`1e400`).
    /// Values too small for a `Double` become zero.
    package var double: Double? {
        guard let d = Double(text), d.isFinite else { return nil }
        return d
    }
}

extension JSONNumber {
    /// Scans one JSON number starting at `start` and returns the index just past it, or nil when
    /// the bytes there do not begin a valid number. What follows the number is not examined.
    static func grammarEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let n = bytes.count
        var i = start
        if i < n, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { return nil }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(bytes[i]) {
            i += 1
            while i < n, isDigit(bytes[i]) { i += 1 }
        } else {
            return nil
        }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(bytes[i]) else { return nil }
            while i < n, isDigit(bytes[i]) { i += 1 }
        }
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, isDigit(bytes[i]) else { return nil }
            while i < n, isDigit(bytes[i]) { i += 1 }
        }
        return i
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}

/// UUIDs as the protocol shows them (lowercase, dashed) and as Django stores them on SQLite
/// (32 lowercase hex characters). Byte-level, without Foundation: session ids are read and
/// written on every authenticated request.
package enum UUIDText {
    /// A new random (version 4) UUID, dashed lowercase.
    package static func random() -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return format(bytes, dashes: true)
    }

    /// A dashed UUID (or 32 hex characters), in any case → 32 lowercase hex characters; nil when
    /// `text` is not a UUID.
    package static func storage(_ text: String) -> String? {
        parse(text).map { format($0, dashes: false) }
    }

    /// 32 hex characters (Django's SQLite form) or a dashed UUID (PostgreSQL's), in any case →
    /// dashed lowercase; nil when `hex` is neither.
    package static func dashed(_ hex: String) -> String? {
        parse(hex).map { format($0, dashes: true) }
    }

    /// The 16 bytes of `text`: 32 hex digits, or 36 characters with dashes at 8, 13, 18 and 23.
    static func parse(_ text: String) -> [UInt8]? {
        text.utf8.withContiguousStorageIfAvailable(parse) ?? Array(text.utf8).withUnsafeBufferPointer(parse)
    }

    private static func parse(_ chars: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let dashed = chars.count == 36
        guard dashed || chars.count == 32 else { return nil }
        if dashed {
            for index in [8, 13, 18, 23] where chars[index] != UInt8(ascii: "-") { return nil }
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        var nibble = 0
        for (index, char) in chars.enumerated() {
            if dashed, index == 8 || index == 13 || index == 18 || index == 23 { continue }
            guard let value = hexValue(char) else { return nil }
            bytes[nibble / 2] |= nibble % 2 == 0 ? value << 4 : value
            nibble += 1
        }
        return bytes
    }

    private static func hexValue(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func format(_ bytes: [UInt8], dashes: Bool) -> String {
        String(unsafeUninitializedCapacity: dashes ? 36 : 32) { buffer in
            var at = 0
            for (index, byte) in bytes.enumerated() {
                if dashes, index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[at] = UInt8(ascii: "-")
                    at += 1
                }
                buffer[at] = digits[Int(byte >> 4)]
                buffer[at + 1] = digits[Int(byte & 0x0F)]
                at += 2
            }
            return at
        }
    }
}

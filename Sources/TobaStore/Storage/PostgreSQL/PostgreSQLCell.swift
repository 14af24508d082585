import PostgresNIO

/// PostgreSQL's binary values read into the values the domains read (`SQLValue`), in the forms
/// Django stores on SQLite, so that both engines answer alike: booleans as 0/1, timestamps as
/// UTC text `YYYY-MM-DD HH:MM:SS.ffffff`, UUIDs as 32 hexadecimal characters, JSON as text,
/// addresses as text without a `/32` or `/128`. A type outside the schema's is kept as bytes.
enum PostgreSQLCell {
    /// Seconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01.
    static let epochOffsetMicroseconds: Int64 = 946_684_800_000_000

    static func value(_ cell: PostgresCell) -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        guard cell.format == .binary else {
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        }
        switch cell.dataType {
        case .bool:
            return bytes.readInteger(as: UInt8.self).map { .integer($0 == 0 ? 0 : 1) } ?? .null
        case .int2:
            return bytes.readInteger(as: Int16.self).map { .integer(Int64($0)) } ?? .null
        case .int4, .oid:
            return bytes.readInteger(as: Int32.self).map { .integer(Int64($0)) } ?? .null
        case .int8:
            return bytes.readInteger(as: Int64.self).map { .integer($0) } ?? .null
        case .float4:
            return bytes.readInteger(as: UInt32.self).map { .real(Double(Float(bitPattern: $0))) } ?? .null
        case .float8:
            return bytes.readInteger(as: UInt64.self).map { .real(Double(bitPattern: $0)) } ?? .null
        case .numeric:
            return numeric(&bytes)
        case .timestamptz, .timestamp:
            guard let micros = bytes.readInteger(as: Int64.self) else { return .null }
            // ±infinity and instants outside what RFC 3339 writes stay text nobody reads as a time.
            guard micros != .max, micros != .min else { return .text(micros == .max ? "infinity" : "-infinity") }
            let (sum, overflow) = micros.addingReportingOverflow(epochOffsetMicroseconds)
            guard !overflow else { return .text("out of range") }
            return .text(Timestamp(microseconds: sum).databaseText)
        case .date:
            guard let days = bytes.readInteger(as: Int32.self) else { return .null }
            let (y, m, d) = Timestamp.civil(fromDays: Int64(days) + 10_957)
            return .text(pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2))
        case .uuid:
            guard let raw = bytes.readBytes(length: 16) else { return .null }
            return .text(hex(raw))
        case .jsonb:
            // Version byte 1, then the JSON text.
            guard bytes.readInteger(as: UInt8.self) == 1 else { return .blob(Array(bytes.readableBytesView)) }
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        case .inet, .cidr:
            return inet(&bytes)
        case .bytea:
            return .blob(Array(bytes.readableBytesView))
        case .text, .varchar, .bpchar, .name, .json, .char, .unknown:
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        default:
            return .blob(Array(bytes.readableBytesView))
        }
    }

    /// `numeric`: an integral value as an integer when it fits, any other as a double.
    private static func numeric(_ bytes: inout ByteBuffer) -> SQLValue {
        guard let count = bytes.readInteger(as: Int16.self), let weight = bytes.readInteger(as: Int16.self),
              let sign = bytes.readInteger(as: UInt16.self), bytes.readInteger(as: Int16.self) != nil else { return .null }
        if sign == 0xC000 { return .real(.nan) }
        var digits: [Int64] = []
        for _ in 0..<max(0, Int(count)) {
            guard let digit = bytes.readInteger(as: Int16.self) else { return .null }
            digits.append(Int64(digit))
        }
        // value = Σ digit[i] · 10000^(weight − i)
        var integral: Int64? = 0
        var value = 0.0
        for (index, digit) in digits.enumerated() {
            let power = Int(weight) - index
            value += Double(digit) * pow10000(power)
            if power < 0 {
                if digit != 0 { integral = nil }
            } else if let current = integral {
                var scaled: Int64? = digit
                for _ in 0..<power { scaled = scaled.flatMap { $0.multipliedReportingOverflow(by: 10_000).overflow ? nil : $0 * 10_000 } }
                integral = scaled.flatMap { current.addingReportingOverflow($0).overflow ? nil : current + $0 }
            }
        }
        let negative = sign == 0x4000
        if let integral { return .integer(negative ? -integral : integral) }
        return .real(negative ? -value : value)
    }

    private static func pow10000(_ power: Int) -> Double {
        var result = 1.0
        if power >= 0 { for _ in 0..<power { result *= 10_000 } } else { for _ in 0..<(-power) { result /= 10_000 } }
        return result
    }

    /// `inet`/`cidr`: family, prefix bits, is-cidr flag, address length, address bytes. Written
    /// as PostgreSQL writes it: dotted IPv4, RFC 5952 IPv6, a prefix only when not a host's.
    private static func inet(_ bytes: inout ByteBuffer) -> SQLValue {
        guard let family = bytes.readInteger(as: UInt8.self), let bits = bytes.readInteger(as: UInt8.self),
              let isCIDR = bytes.readInteger(as: UInt8.self), let length = bytes.readInteger(as: UInt8.self),
              let address = bytes.readBytes(length: Int(length)) else { return .null }
        let text: String
        let full: Int
        if family == 2, address.count == 4 {
            text = address.map(String.init).joined(separator: ".")
            full = 32
        } else if address.count == 16 {
            text = ipv6(address)
            full = 128
        } else {
            return .blob(address)
        }
        return .text(isCIDR != 0 || Int(bits) != full ? "\(text)/\(bits)" : text)
    }

    static func ipv6(_ address: [UInt8]) -> String {
        let groups = (0..<8).map { UInt16(address[2 * $0]) << 8 | UInt16(address[2 * $0 + 1]) }
        // An IPv4-mapped address keeps its dotted tail, as PostgreSQL writes it.
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xFFFF {
            return "::ffff:" + address[12...].map(String.init).joined(separator: ".")
        }
        // The longest run of two or more zero groups (the first of equal runs) becomes "::".
        var best: (start: Int, length: Int) = (-1, 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > best.length { best = (index, end - index) }
            index = end
        }
        func spell(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard best.length >= 2 else { return spell(0..<8) }
        return spell(0..<best.start) + "::" + spell((best.start + best.length)..<8)
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

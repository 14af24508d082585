import Foundation

/// An instant with microsecond precision (what Django and PostgreSQL keep), in UTC.
/// Stored as Django stores datetimes on SQLite (`2026-11-25 22:10:49.123456`) and shown as
/// RFC 3339 (`2026-11-25T22:10:49.123456Z`).
package struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let microseconds: Int64

    package init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    package init(seconds: Int64) {
        self.microseconds = seconds * 1_000_000
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: the instants every reader of the
    /// database holds — RFC 3339's four-digit years, Python's `datetime` (year 1 to 9999, so
    /// Django) and PostgreSQL (which has no year 0). Parsing refuses instants outside them and
    /// `adding` stops at them, so every stored timestamp reads back, on either engine and in
    /// Django, and sorts as text in time order.
    package static let earliest = Timestamp(microseconds: -62_135_596_800_000_000)
    package static let latest = Timestamp(microseconds: 253_402_300_799_999_999)
    package static let representable = earliest...latest

    package static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    package var seconds: Int64 { microseconds.floorDiv(1_000_000) }

    package static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    /// `seconds` later (earlier when negative), stopping at `earliest` and `latest`: a period,
    /// however long, never overflows nor leaves the writable years (it then ends with the calendar).
    package func adding(seconds: Int64) -> Timestamp {
        let (delta, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let (sum, overflowSum) = microseconds.addingReportingOverflow(delta)
        if overflow || overflowSum { return seconds < 0 ? Self.earliest : Self.latest }
        return Timestamp(microseconds: min(max(sum, Self.earliest.microseconds), Self.latest.microseconds))
    }

    package func adding(days: Int64) -> Timestamp {
        let (seconds, overflow) = days.multipliedReportingOverflow(by: 86_400)
        return overflow ? (days < 0 ? Self.earliest : Self.latest) : adding(seconds: seconds)
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff`, Django's SQLite storage format.
    package var databaseText: String { format(separator: " ", zulu: false) }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, the protocol's format.
    package var rfc3339: String { format(separator: "T", zulu: true) }

    package var description: String { rfc3339 }

    private func format(separator: Character, zulu: Bool) -> String {
        let days = microseconds.floorDiv(86_400_000_000)
        let micros = microseconds - days * 86_400_000_000
        let (y, m, d) = Self.civil(fromDays: days)
        let secondsOfDay = micros / 1_000_000
        let fraction = micros % 1_000_000
        var s = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        s.append(separator)
        s += pad(secondsOfDay / 3600, 2) + ":" + pad(secondsOfDay / 60 % 60, 2) + ":" + pad(secondsOfDay % 60, 2)
        s += "." + pad(fraction, 6)
        if zulu { s += "Z" }
        return s
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Parses RFC 3339 with any offset (`Z`, `+07:00`), or Django's storage text (no offset: UTC).
    /// Fractions beyond microseconds are truncated. `stored` also takes the offsets PostgreSQL
    /// writes (`+00`, `+0530`: hours alone or without a colon), for text other programs stored
    /// (PROTOCOL.md §10); parameters keep RFC 3339's `±HH:MM`.
    package init?(parsing text: String, stored: Bool = false) {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int64? {
            guard at + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in at..<(at + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 19,
              let year = digits(0, 4), b[4] == UInt8(ascii: "-"),
              let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
              let day = digits(8, 2),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              let hour = digits(11, 2), b[13] == UInt8(ascii: ":"),
              let minute = digits(14, 2), b[16] == UInt8(ascii: ":"),
              let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var n = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if n < 6 { fraction = fraction * 10 + Int64(b[i] - 48) }
                n += 1
                i += 1
            }
            guard n > 0 else { return nil }
            for _ in min(n, 6)..<6 { fraction *= 10 }
        }
        var offset: Int64 = 0
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
                guard let oh = digits(i + 1, 2), oh <= 23 else { return nil }
                var om: Int64 = 0
                if i + 3 < b.count, b[i + 3] == UInt8(ascii: ":") {
                    guard let m = digits(i + 4, 2) else { return nil }
                    om = m
                    i += 6
                } else if stored, i + 3 == b.count {
                    i += 3
                } else if stored, let m = digits(i + 3, 2) {
                    om = m
                    i += 5
                } else {
                    return nil
                }
                guard om <= 59 else { return nil }
                offset = (oh * 3600 + om * 60) * sign
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        let days = Self.days(fromCivil: year, month, day)
        let secs = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        // An offset can carry 0001-01-01 or 9999-12-31 out of the representable instants.
        guard Self.representable.contains(Timestamp(microseconds: secs * 1_000_000 + fraction)) else { return nil }
        self.microseconds = secs * 1_000_000 + fraction
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days-from-civil algorithms.
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}

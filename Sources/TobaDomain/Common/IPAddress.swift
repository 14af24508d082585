import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A client's `ipAddress` (PROTOCOL.md §6): an IPv4 or IPv6 address, parsed by `inet_pton`, in
/// canonical form (IPv6 as RFC 5952 writes it; an IPv4-mapped IPv6 address is its IPv4
/// address). Rate limits key IPv4 by address and IPv6 by /64, the block one subscriber gets.
package struct IPAddress: Sendable, Equatable {
    /// What is stored (session rows) and logged: `2001:DB8:0:0:0:0:0:1` is `2001:db8::1`.
    package let canonical: String
    /// What rate limits count under: the IPv4 address, or the IPv6 /64 (`2001:db8::/64`).
    package let limitKey: String

    /// Nil when `text` is no IPv4 or IPv6 address (zone ids such as `%eth0` included).
    package init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(v4: withUnsafeBytes(of: &v4) { Array($0) })
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                self.init(v4: Array(bytes[12..<16]))
            } else {
                self.init(canonical: Self.v6Text(bytes),
                          limitKey: Self.v6Text(Array(bytes[0..<8]) + Array(repeating: 0, count: 8)) + "/64")
            }
        } else {
            return nil
        }
    }

    private init(v4 bytes: [UInt8]) {
        let text = bytes.map { String($0) }.joined(separator: ".")
        self.init(canonical: text, limitKey: text)
    }

    private init(canonical: String, limitKey: String) {
        self.canonical = canonical
        self.limitKey = limitKey
    }

    /// The optional `ipAddress` parameter: blank (or white space) is absent; anything else must
    /// be an address, else 1000 `ip_invalid`.
    package static func parameter(_ raw: String?, field: String = "ipAddress") throws(DomainError) -> IPAddress? {
        guard let text = raw?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let address = IPAddress(text) else { throw DomainError(.ipInvalid, field: field) }
        return address
    }

    /// RFC 5952: lower-case hex without leading zeros, the longest run of two or more zero
    /// groups (the first of equals) written `::`.
    static func v6Text(_ bytes: [UInt8]) -> String {
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var best = (start: -1, length: 0)
        var run = (start: -1, length: 0)
        for (i, group) in groups.enumerated() {
            if group == 0 {
                run = run.start < 0 ? (i, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}

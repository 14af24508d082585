import Foundation

/// UUIDs as the protocol shows them (lowercase, dashed) and as Django stores them on SQLite
/// (32 lowercase hex characters).
public enum UUIDText {
    public static func random() -> String { UUID().uuidString.lowercased() }

    /// Dashed → 32 hex characters; nil when `text` is not a UUID.
    public static func storage(_ text: String) -> String? {
        guard let uuid = UUID(uuidString: text) ?? UUID(uuidString: dashed(text) ?? "") else { return nil }
        return uuid.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// 32 hex characters (Django's SQLite form) or a dashed UUID (PostgreSQL's), in any case →
    /// dashed lowercase; nil when `hex` is neither.
    public static func dashed(_ hex: String) -> String? {
        if hex.utf8.count == 36, let uuid = UUID(uuidString: hex) { return uuid.uuidString.lowercased() }
        let h = Array(hex.lowercased())
        guard h.count == 32, h.allSatisfy(\.isHexDigit) else { return nil }
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-"
            + String(h[16..<20]) + "-" + String(h[20..<32])
    }
}

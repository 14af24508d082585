import Foundation
import TobaRPC

/// Values between a dump's JSON and the storage form of PROTOCOL.md §10 (booleans 0/1, timestamps
/// `YYYY-MM-DD HH:MM:SS.ffffff` UTC, UUIDs as 32 hex digits, JSON as text).
///
/// Reading accepts every form Django writes (timestamps with `Z`, an offset or none — naive ones
/// are UTC —, UUIDs with or without dashes, JSON fields nested); writing gives one form only, so
/// an export read back and exported again is the same text.
enum DumpValue {
    /// `django-push-notifications`' `HexIntegerField`: an unsigned 64-bit value, stored signed.
    static let hexIntegerColumns: Set<String> = ["push_notifications_gcmdevice.device_id"]
    /// Stored stripped and lower-cased, as the service stores and compares them (§5).
    static let emailColumns: Set<String> = ["users_user.email", "account_emailaddress.email"]

    /// The stored value of `value`, read for `column` of `table`. Errors name what was expected,
    /// never the value (it may be a secret).
    static func storage(_ value: JSONValue, column: ColumnInfo, table: String) throws(DumpDataError) -> SQLValue {
        let qualified = table + "." + column.name
        if value.isNull {
            if column.nullable { return .null }
            if column.kind == .json { return .text("null") }
            throw DumpDataError("may not be null")
        }
        switch column.kind {
        case .integer:
            if hexIntegerColumns.contains(qualified), let hex = hexInteger(value) { return .integer(hex) }
            guard let integer = value.int64Value else { throw DumpDataError("expected an integer") }
            return .integer(integer)
        case .text, .inet:
            guard let text = value.stringValue else { throw DumpDataError("expected a string") }
            if emailColumns.contains(qualified) {
                return .text(text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
            }
            return .text(text)
        case .bool:
            if let flag = value.boolValue { return .integer(flag ? 1 : 0) }
            if let number = value.int64Value, number == 0 || number == 1 { return .integer(number) }
            throw DumpDataError("expected true or false")
        case .timestamp:
            guard let text = value.stringValue, let instant = Timestamp(parsing: text) else {
                throw DumpDataError("expected an ISO 8601 date and time (years 0000–9999)")
            }
            return .text(instant.databaseText)
        case .uuid:
            guard let text = value.stringValue, let hex = UUIDText.storage(text) else {
                throw DumpDataError("expected a UUID")
            }
            return .text(hex)
        case .json:
            return .text(value.databaseText)
        }
    }

    /// The JSON form of a stored value of `column`; a stored value that has no such form (a
    /// timestamp that does not parse, say) stops the export rather than being written wrong.
    static func json(_ stored: SQLValue, column: ColumnInfo) throws(DumpDataError) -> JSONValue {
        if case .null = stored { return .null }
        let unreadable = DumpDataError("column \(column.name) holds a value that is not a readable \(column.kind)")
        switch column.kind {
        case .integer:
            guard let integer = Int64.decode(stored) else { throw unreadable }
            return .number(JSONNumber(integer))
        case .text, .inet:
            guard let text = String.decode(stored) else { throw unreadable }
            return .string(text)
        case .bool:
            guard let flag = Bool.decode(stored) else { throw unreadable }
            return .bool(flag)
        case .timestamp:
            guard let instant = Timestamp.decode(stored) else { throw unreadable }
            return .string(djangoText(instant))
        case .uuid:
            guard let text = String.decode(stored), let hex = UUIDText.storage(text), let dashed = UUIDText.dashed(hex) else {
                throw unreadable
            }
            return .string(dashed)
        case .json:
            guard let text = String.decode(stored), let parsed = try? JSONParser.parse(Array(text.utf8)) else {
                throw unreadable
            }
            return parsed
        }
    }

    /// RFC 3339 in UTC as Django's JSON encoder writes it (`2024-05-01T08:30:00Z`,
    /// `2024-05-01T08:30:00.123Z`), with microseconds where Django would cut them off, so no
    /// instant is lost.
    static func djangoText(_ instant: Timestamp) -> String {
        var text = instant.rfc3339  // YYYY-MM-DDTHH:MM:SS.ffffffZ
        let micros = instant.microseconds - instant.seconds * 1_000_000
        let cut = micros == 0 ? 7 : micros % 1000 == 0 ? 3 : 0
        text.removeSubrange(text.index(text.endIndex, offsetBy: -1 - cut)..<text.index(before: text.endIndex))
        return text
    }

    /// A JSON integer up to 2^64 - 1, or a hexadecimal string (`0x` optional), as
    /// `HexIntegerField.to_python` takes it; values from 2^63 on become their two's complement.
    private static func hexInteger(_ value: JSONValue) -> Int64? {
        if let number = value.numberValue, let unsigned = UInt64(number.text) { return Int64(bitPattern: unsigned) }
        guard var text = value.stringValue?.lowercased() else { return nil }
        if text.hasPrefix("0x") { text.removeFirst(2) }
        guard !text.isEmpty, text.count <= 16, let unsigned = UInt64(text, radix: 16) else { return nil }
        return Int64(bitPattern: unsigned)
    }
}

/// Why a JSON text was refused, and the byte offset where the problem was found.
///
/// When the bytes are not well-formed UTF-8 the reason is always `invalidUTF8`, with the offset
/// of the first bad sequence, whatever else is wrong with the text.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case invalidUTF8 = "invalid_utf8"
        case invalidJSON = "invalid_json"
        case tooDeep = "too_deep"
    }

    public let reason: Reason
    public let offset: Int

    public init(reason: Reason, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason.rawValue) at byte \(offset)" }
}

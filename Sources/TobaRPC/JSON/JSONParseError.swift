/// Why a JSON text was refused, and the byte offset where the problem was found.
///
/// When the bytes are not well-formed UTF-8 the reason is always `invalidUTF8`, with the offset
/// of the first bad sequence, whatever else is wrong with the text.
package struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Reason: String, Sendable {
        case invalidUTF8 = "invalid_utf8"
        case invalidJSON = "invalid_json"
        case tooDeep = "too_deep"
    }

    package let reason: Reason
    package let offset: Int

    package init(reason: Reason, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    package var description: String { "\(reason.rawValue) at byte \(offset)" }
}

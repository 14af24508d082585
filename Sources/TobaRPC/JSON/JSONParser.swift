/// Parses one JSON text (RFC 8259) from UTF-8 bytes.
///
/// - The text is one value with optional whitespace (space, tab, CR, LF) around it and nothing
///   else. A leading byte order mark is not whitespace: it is `invalid_json`.
/// - Numbers keep their exact spelling (``JSONNumber/text``).
/// - A `\u` escape of a lone surrogate (a high one not followed by a low one, or a low one
///   alone) is `invalid_json`: a Swift `String` cannot hold it, and silently replacing it with
///   U+FFFD would change the caller's data.
/// - An object with a repeated key keeps the last value, at the key's first position.
/// - More than ``maxDepth`` nested arrays/objects is `too_deep`. Parsing is iterative, so no
///   input can exhaust the stack; no input can trap.
package enum JSONParser {
    package static let maxDepth = 256

    package static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer)
        }
    }

    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes)
        do throws(JSONParseError) {
            return try reader.readDocument()
        } catch {
            if error.reason != .invalidUTF8, let bad = UTF8Validation.firstInvalidOffset(in: bytes) {
                throw JSONParseError(reason: .invalidUTF8, offset: bad)
            }
            throw error
        }
    }
}

/// The cursor behind ``JSONParser``: containers live on an explicit stack, strings without
/// escapes are sliced straight out of the input, escaped ones go through one reused buffer.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Reused by every string that has escapes, so decoding them allocates once per document.
    var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// An array or object whose closing bracket has not been read yet.
    private struct OpenContainer {
        let isObject: Bool
        var values: [JSONValue]
        /// For objects: one key per value, plus the key whose value is being read.
        var keys: [String]

        init(isObject: Bool) {
            self.isObject = isObject
            values = []
            values.reserveCapacity(4)
            keys = []
            if isObject { keys.reserveCapacity(4) }
        }
    }

    mutating func readDocument() throws(JSONParseError) -> JSONValue {
        var stack: [OpenContainer] = []
        var value: JSONValue

        readValue: while true {
            skipWhitespace()
            guard position < bytes.count else { throw failure(.invalidJSON) }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                guard stack.count < JSONParser.maxDepth else { throw failure(.tooDeep) }
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    value = .object(JSONObject())
                } else {
                    var container = OpenContainer(isObject: true)
                    container.keys.append(try readKey())
                    stack.append(container)
                    continue readValue
                }
            case UInt8(ascii: "["):
                guard stack.count < JSONParser.maxDepth else { throw failure(.tooDeep) }
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    value = .array([])
                } else {
                    stack.append(OpenContainer(isObject: false))
                    continue readValue
                }
            case UInt8(ascii: "\""):
                value = .string(try readString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try readNumber())
            case UInt8(ascii: "t"):
                try readLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try readLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try readLiteral("null")
                value = .null
            default:
                throw failure(.invalidJSON)
            }

            // `value` is complete: hand it to the innermost open container, closing as many
            // containers as the following brackets say.
            while true {
                guard !stack.isEmpty else {
                    skipWhitespace()
                    guard position == bytes.count else { throw failure(.invalidJSON) }
                    return value
                }
                let top = stack.count - 1
                stack[top].values.append(value)
                skipWhitespace()
                guard position < bytes.count else { throw failure(.invalidJSON) }
                let byte = bytes[position]
                if stack[top].isObject {
                    if byte == UInt8(ascii: ",") {
                        position += 1
                        skipWhitespace()
                        let key = try readKey()
                        stack[top].keys.append(key)
                        continue readValue
                    }
                    if byte == UInt8(ascii: "}") {
                        position += 1
                        let closed = stack.removeLast()
                        value = .object(JSONObject(parsedKeys: closed.keys, values: closed.values))
                        continue
                    }
                } else {
                    if byte == UInt8(ascii: ",") {
                        position += 1
                        continue readValue
                    }
                    if byte == UInt8(ascii: "]") {
                        position += 1
                        value = .array(stack.removeLast().values)
                        continue
                    }
                }
                throw failure(.invalidJSON)
            }
        }
    }

    func failure(_ reason: JSONParseError.Reason, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(reason: reason, offset: offset ?? position)
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                position += 1
            default:
                return
            }
        }
    }

    /// Reads `"key"` then the `:` after it, leaving the cursor where the value starts.
    private mutating func readKey() throws(JSONParseError) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw failure(.invalidJSON)
        }
        let key = try readString()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
            throw failure(.invalidJSON)
        }
        position += 1
        return key
    }

    private mutating func readNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        guard let end = JSONNumber.grammarEnd(in: bytes, from: start) else {
            throw failure(.invalidJSON)
        }
        position = end
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        return JSONNumber(uncheckedText: text)
    }

    private mutating func readLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for k in 0..<count {
            guard position + k < bytes.count, bytes[position + k] == expected[k] else {
                throw failure(.invalidJSON, at: position + k)
            }
        }
        position += count
    }
}

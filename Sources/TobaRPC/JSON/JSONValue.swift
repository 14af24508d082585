/// A JSON value as received or about to be sent.
///
/// Equality is structural over the representation: numbers compare by their exact spelling
/// (`1` ≠ `1.0`) and objects by their ordered pairs (`{"a":1,"b":2}` ≠ `{"b":2,"a":1}`).
///
/// Values built by ``JSONParser`` are at most ``JSONParser/maxDepth`` containers deep. Values
/// built in code may nest deeper, but writing, comparing and releasing them recurses once per
/// level, so keep them within a few thousand levels.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    package var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    package var numberValue: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The number as an `Int64` when it is spelled as an integer that fits (see ``JSONNumber/int64``).
    package var int64Value: Int64? {
        if case .number(let n) = self { return n.int64 }
        return nil
    }

    package var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    package var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    package var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }
}

// MARK: - Literals

/// `nil` as a `JSONValue` literal is JSON `null`. Where a `JSONValue?` is expected (for example
/// `object["key"] = nil`), `nil` is `Optional.none` instead; write `.null` to store a JSON null.
extension JSONValue: ExpressibleByNilLiteral {
    package init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    package init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    package init(integerLiteral value: Int64) { self = .number(JSONNumber(value)) }
}

extension JSONValue: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

/// Keys keep the order in which they are written; a repeated key keeps its first position and
/// its last value.
extension JSONValue: ExpressibleByDictionaryLiteral {
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

/// Named parameters of one request, read one by one. Reading marks a name as known; `finish()`
/// refuses any name the method did not read, so a typo is an error rather than a silent default.
package struct Params: Sendable {
    private let object: JSONObject
    private var consumed: Set<String> = []

    package init(_ object: JSONObject) {
        self.object = object
    }

    /// A required parameter: `missing` when absent or null, `type` when of another type.
    package mutating func required<T: ParamValue>(_ name: String, as type: T.Type = T.self) throws(RPCError) -> T {
        consumed.insert(name)
        guard let raw = object[name], raw != .null else {
            throw RPCError.invalidParams(.missing, field: name)
        }
        guard let value = T(param: raw) else {
            throw RPCError.invalidParams(.type, field: name, detail: "expected \(T.paramTypeName)")
        }
        try Self.refuseNullCharacters(raw, field: name)
        return value
    }

    /// An optional parameter: nil when absent or null.
    package mutating func optional<T: ParamValue>(_ name: String, as type: T.Type = T.self) throws(RPCError) -> T? {
        consumed.insert(name)
        guard let raw = object[name], raw != .null else { return nil }
        guard let value = T(param: raw) else {
            throw RPCError.invalidParams(.type, field: name, detail: "expected \(T.paramTypeName)")
        }
        try Self.refuseNullCharacters(raw, field: name)
        return value
    }

    /// A field of an update: absent (leave as is), null (clear it) or a value.
    package mutating func patch<T: ParamValue>(_ name: String, as type: T.Type = T.self) throws(RPCError) -> Patch<T> {
        consumed.insert(name)
        guard let raw = object[name] else { return .absent }
        if raw == .null { return .null }
        guard let value = T(param: raw) else {
            throw RPCError.invalidParams(.type, field: name, detail: "expected \(T.paramTypeName)")
        }
        try Self.refuseNullCharacters(raw, field: name)
        return .value(value)
    }

    /// U+0000 in a string, or in a string or key inside a JSON value: PostgreSQL's text cannot hold
    /// it and Django refuses it (`ProhibitNullCharactersValidator`), so no engine ever gets it.
    static func refuseNullCharacters(_ value: JSONValue, field: String) throws(RPCError) {
        switch value {
        case .string(let text):
            if text.utf8.contains(0) { throw RPCError.invalidParams(.nullCharacter, field: field) }
        case .array(let items):
            for item in items { try refuseNullCharacters(item, field: field) }
        case .object(let object):
            for key in object.keys {
                if key.utf8.contains(0) { throw RPCError.invalidParams(.nullCharacter, field: field) }
                if let item = object[key] { try refuseNullCharacters(item, field: field) }
            }
        case .number, .bool, .null:
            break
        }
    }

    /// Refuses parameters nobody read.
    package func finish() throws(RPCError) {
        for key in object.keys where !consumed.contains(key) {
            throw RPCError.invalidParams(.unknown, field: key)
        }
    }
}

package enum Patch<T: Sendable>: Sendable {
    case absent
    case null
    case value(T)

    /// The new value when one is given (nil for absent and null).
    package var value: T? {
        if case .value(let v) = self { return v }
        return nil
    }
}

/// A Swift type a parameter can be read as.
package protocol ParamValue: Sendable {
    init?(param: JSONValue)
    static var paramTypeName: String { get }
}

extension String: ParamValue {
    package init?(param: JSONValue) {
        guard case .string(let s) = param else { return nil }
        self = s
    }
    package static var paramTypeName: String { "string" }
}

extension Int: ParamValue {
    package init?(param: JSONValue) {
        guard case .number(let n) = param, let i = n.int64, let v = Int(exactly: i) else { return nil }
        self = v
    }
    package static var paramTypeName: String { "integer" }
}

extension Int64: ParamValue {
    package init?(param: JSONValue) {
        guard case .number(let n) = param, let i = n.int64 else { return nil }
        self = i
    }
    package static var paramTypeName: String { "integer" }
}

extension Double: ParamValue {
    package init?(param: JSONValue) {
        guard case .number(let n) = param, let d = n.double, d.isFinite else { return nil }
        self = d
    }
    package static var paramTypeName: String { "number" }
}

extension Bool: ParamValue {
    package init?(param: JSONValue) {
        guard case .bool(let b) = param else { return nil }
        self = b
    }
    package static var paramTypeName: String { "boolean" }
}

extension JSONValue: ParamValue {
    package init?(param: JSONValue) { self = param }
    package static var paramTypeName: String { "JSON value" }
}

extension JSONObject: ParamValue {
    package init?(param: JSONValue) {
        guard case .object(let o) = param else { return nil }
        self = o
    }
    package static var paramTypeName: String { "object" }
}

extension Array: ParamValue where Element: ParamValue {
    package init?(param: JSONValue) {
        guard case .array(let items) = param else { return nil }
        var out: [Element] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let v = Element(param: item) else { return nil }
            out.append(v)
        }
        self = out
    }
    package static var paramTypeName: String { "array of \(Element.paramTypeName)" }
}

import Foundation
import TobaRPC

/// One documented parameter of a method, its schema's `$ref` resolved.
struct FuzzParam {
    let name: String
    let required: Bool
    let schema: JSONValue
    /// The JSON types the schema allows ("integer" also allows "number" spelled as an integer);
    /// empty when any JSON value is allowed.
    let types: Set<String>

    var allowsString: Bool { types.isEmpty || types.contains("string") }
    var allowsInteger: Bool { types.isEmpty || types.contains("integer") || types.contains("number") }
}

/// One documented method of `protocol/openrpc.json`.
struct FuzzMethod {
    let name: String
    let params: [FuzzParam]

    var takesToken: Bool { params.contains { $0.name == "token" } }
}

/// Reads the OpenRPC document the way a client generator would, so every method documented
/// there (new ones too) is fuzzed from its own parameter list.
enum FuzzSchema {
    static func load() throws -> [FuzzMethod] {
        let url = Sidecar.packageRoot.appendingPathComponent("protocol/openrpc.json")
        let document = try JSONParser.parse(Array(try Data(contentsOf: url)))
        return (document["methods"]?.arrayValue ?? []).compactMap { method in
            guard let name = method["name"]?.stringValue else { return nil }
            let params = (method["params"]?.arrayValue ?? []).compactMap { param -> FuzzParam? in
                guard let paramName = param["name"]?.stringValue else { return nil }
                let schema = resolve(param["schema"] ?? .object([:]), in: document)
                return FuzzParam(name: paramName, required: param["required"]?.boolValue ?? false, schema: schema,
                                 types: types(of: schema))
            }
            return FuzzMethod(name: name, params: params)
        }
    }

    /// The schema with `$ref`s (at any depth) replaced by what they point at.
    static func resolve(_ schema: JSONValue, in document: JSONValue, depth: Int = 0) -> JSONValue {
        guard depth < 16 else { return schema }
        switch schema {
        case .object(let object):
            if let ref = object["$ref"]?.stringValue {
                var target: JSONValue? = document
                for part in ref.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
                return resolve(target ?? .object([:]), in: document, depth: depth + 1)
            }
            return .object(JSONObject(object.map { ($0.key, resolve($0.value, in: document, depth: depth + 1)) }))
        case .array(let items):
            return .array(items.map { resolve($0, in: document, depth: depth + 1) })
        default:
            return schema
        }
    }

    static func types(of schema: JSONValue) -> Set<String> {
        switch schema["type"] {
        case .string(let type)?: [type]
        case .array(let list)?: Set(list.compactMap(\.stringValue))
        default: []
        }
    }
}

/// Hostile values for one parameter, by kind.
enum FuzzValues {
    static func number(_ text: String) -> JSONValue { .number(JSONNumber(text: text)!) }

    /// Integers and numbers at and beyond every limit a decoder or a column may have.
    static let numbers: [JSONValue] = [
        "0", "-0", "-1", "1", "1.5", "1.0", "-1.5", "1e2", "1E+2", "0.000001", "1e308", "-1e308", "1e400", "-1e400",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296", "9007199254740993",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "123456789012345678901234567890", "36500", "36501", "106751991", "106751992",
    ].map(number)

    /// Text of every awkward shape: empty, blank, emoji, right-to-left, NUL, combining marks, SQL.
    static let strings: [String] = [
        "", " ", "\t\n\r ", "😀👍🏽‍🔥🇮🇩", "مرحبا بالعالم \u{202E}cba\u{202C}", "a\u{0000}b", "\u{0000}", "Ω≈ç√∫˜µ≤",
        "ｆｕｌｌｗｉｄｔｈ", "e\u{301}\u{301}\u{301}\u{301}", "\u{FEFF}bom", "𝕏𝕐ℤ", "\u{10FFFF}\u{FFFD}",
        "'; DROP TABLE users_user; --", "%s%n%x", "../../etc/passwd", "\\", "\"quoted\"", "null", "0", "-1",
        "true", "[]", "{}", "0x", "0xZZ", "00000000-0000-0000-0000-000000000000", "ABCDEF0123456789ABCDEF0123456789",
        "2026-06-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+23:59", "a@b", "A@EXAMPLE.COM",
        String(repeating: "x", count: 255), String(repeating: "y", count: 256), String(repeating: "ü", count: 1001),
    ]

    /// About 100 kB of text (ASCII, or two-byte characters).
    static func huge(_ rng: inout SeededGenerator) -> String {
        Bool.random(using: &rng) ? String(repeating: "a", count: 100_000) : String(repeating: "é", count: 50_000)
    }

    /// Arrays or objects nested `depth` levels around `leaf`. A request line's own object and
    /// its `params` are two more levels, so 254 here is exactly the parser's limit of 256.
    static func nested(_ depth: Int, leaf: JSONValue, objects: Bool) -> JSONValue {
        var value = leaf
        for _ in 0..<max(0, depth - 1) { value = objects ? ["k": value] : [value] }
        return objects ? ["k": value] : [value]
    }

    /// A value of a JSON type the parameter does not take (nil when it takes any).
    static func wrongType(for param: FuzzParam, _ rng: inout SeededGenerator) -> JSONValue? {
        var candidates: [JSONValue] = []
        if !param.types.contains("string") { candidates += ["12", "", "true"] }
        if !param.types.contains("integer"), !param.types.contains("number") { candidates += [42, number("1.5")] }
        if !param.types.contains("boolean") { candidates += [.bool(true), .bool(false)] }
        if !param.types.contains("array") { candidates += [[], [1, "two"]] }
        if !param.types.contains("object") { candidates += [.object([:]), ["a": 1]] }
        if param.types.contains("array") { candidates += [[.object([:])], [.null], ["x", 1, true]] }
        if param.types.contains("integer") { candidates += [number("1.5"), number("1e2"), "7"] }
        guard !param.types.isEmpty, !candidates.isEmpty else { return nil }
        return candidates.randomElement(using: &rng)
    }

    static let timestamps: [String] = [
        "2026-06-01T00:00:00Z", "2026-06-30T12:00:00.123456+07:00", "2027-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+23:59",
        "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2026-06-01T24:00:00Z", "2026-06-01T23:59:60Z", "2026-06-01",
        "2026-06-01T00:00:00.1234567890123Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z", "2026-06-01 00:00:00",
    ]

    /// Any small JSON value.
    static func anyValue(_ rng: inout SeededGenerator) -> JSONValue {
        let choices: [JSONValue] = [.null, true, 7, "text", [1, "a", .null], ["k": ["nested": [1, 2]]], number("1e400"),
                                    ["😀": "\u{0000}"], .object([:]), []]
        return choices.randomElement(using: &rng)!
    }
}

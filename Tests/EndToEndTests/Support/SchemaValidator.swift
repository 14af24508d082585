import Foundation
import TobaRPC

/// A JSON Schema (draft-07) validator for the keywords the OpenRPC meta-schema uses, so the tests
/// check `protocol/openrpc.json` without Python. A keyword it does not know is an error, never
/// ignored: a newer meta-schema that needs more is noticed. `format` is an annotation, as in
/// draft-07 validators by default. `$ref`s are local (`#/definitions/…`); `external` maps the
/// remote ones to a check of their own.
struct SchemaValidator {
    let root: JSONValue
    /// Remote `$ref` → a check of the value found there (returns the violations).
    let external: [String: (JSONValue, String) -> [String]]

    static let annotations: Set<String> = ["title", "description", "default", "format", "$schema", "$id", "definitions", "examples"]
    static let keywords: Set<String> = [
        "$ref", "type", "enum", "const", "required", "properties", "patternProperties", "additionalProperties",
        "items", "additionalItems", "oneOf", "anyOf", "allOf", "minLength", "minItems",
    ]
    /// Decide together which members of an object are "additional": checked in one pass.
    static let memberKeywords: Set<String> = ["properties", "patternProperties", "additionalProperties"]

    /// Every violation of `schema` by `value`, each with the JSON pointer of the value.
    func violations(_ value: JSONValue, _ schema: JSONValue, at path: String = "") -> [String] {
        if case .bool(let allowed) = schema { return allowed ? [] : ["\(path): no value is allowed here"] }
        guard let schema = schema.objectValue else { return ["\(path): the schema is not an object"] }
        var found: [String] = []
        for (keyword, argument) in schema {
            guard !Self.annotations.contains(keyword), !Self.memberKeywords.contains(keyword) else { continue }
            guard Self.keywords.contains(keyword) else { return ["\(path): unsupported keyword \(keyword)"] }
            found += check(keyword, argument, value, schema, path)
        }
        if Self.memberKeywords.contains(where: { schema[$0] != nil }) { found += checkMembers(value, schema, path) }
        return found
    }

    private func check(_ keyword: String, _ argument: JSONValue, _ value: JSONValue, _ schema: JSONObject, _ path: String) -> [String] {
        switch keyword {
        case "$ref":
            let reference = argument.stringValue ?? ""
            if let check = external[reference] { return check(value, path) }
            guard let target = resolve(reference) else { return ["\(path): unresolvable $ref \(reference)"] }
            return violations(value, target, at: path)
        case "type":
            let names = argument.arrayValue?.compactMap(\.stringValue) ?? [argument.stringValue ?? ""]
            return names.contains { Self.has(value, type: $0) } ? [] : ["\(path): not of type \(names.joined(separator: "|"))"]
        case "enum":
            return (argument.arrayValue ?? []).contains(value) ? [] : ["\(path): not one of the enum values"]
        case "const":
            return argument == value ? [] : ["\(path): not the const value"]
        case "required":
            guard let object = value.objectValue else { return [] }
            return (argument.arrayValue ?? []).compactMap(\.stringValue).filter { object[$0] == nil }.map { "\(path): missing \($0)" }
        case "items":
            guard let items = value.arrayValue else { return [] }
            if let tuple = argument.arrayValue {
                return zip(items, tuple).enumerated().flatMap { violations($1.0, $1.1, at: "\(path)/\($0)") }
            }
            return items.enumerated().flatMap { violations($1, argument, at: "\(path)/\($0)") }
        case "additionalItems":
            // Only constrains arrays validated by a tuple `items`; the meta-schema never uses one.
            return schema["items"]?.arrayValue == nil ? [] : ["\(path): additionalItems with tuple items is not supported"]
        case "oneOf":
            let outcomes = (argument.arrayValue ?? []).map { violations(value, $0, at: path) }
            let passing = outcomes.filter(\.isEmpty).count
            if passing == 1 { return [] }
            // None: say why the branch that came closest failed.
            let closest = outcomes.min { $0.count < $1.count } ?? []
            return ["\(path): matches \(passing) of the oneOf schemas, not exactly 1"] + (passing == 0 ? closest : [])
        case "anyOf":
            return (argument.arrayValue ?? []).contains { violations(value, $0, at: path).isEmpty } ? [] : ["\(path): matches none of anyOf"]
        case "allOf":
            return (argument.arrayValue ?? []).flatMap { violations(value, $0, at: path) }
        case "minLength":
            guard let text = value.stringValue else { return [] }
            return text.unicodeScalars.count >= Int(argument.int64Value ?? 0) ? [] : ["\(path): shorter than \(argument)"]
        case "minItems":
            guard let items = value.arrayValue else { return [] }
            return items.count >= Int(argument.int64Value ?? 0) ? [] : ["\(path): fewer than \(argument) items"]
        default:
            return ["\(path): unsupported keyword \(keyword)"]
        }
    }

    /// `properties`, `patternProperties` and `additionalProperties`: a member matched by neither of
    /// the first two is checked against the third.
    private func checkMembers(_ value: JSONValue, _ schema: JSONObject, _ path: String) -> [String] {
        guard let object = value.objectValue else { return [] }
        let properties = schema["properties"]?.objectValue ?? JSONObject()
        var patterns: [(Regex<AnyRegexOutput>, JSONValue)] = []
        for (pattern, memberSchema) in schema["patternProperties"]?.objectValue ?? JSONObject() {
            guard let regex = try? Regex(pattern) else { return ["\(path): unsupported pattern \(pattern)"] }
            patterns.append((regex, memberSchema))
        }
        var found: [String] = []
        for (name, member) in object {
            var matched = false
            if let property = properties[name] {
                matched = true
                found += violations(member, property, at: "\(path)/\(name)")
            }
            for (regex, memberSchema) in patterns where (try? regex.firstMatch(in: name)) != nil {
                matched = true
                found += violations(member, memberSchema, at: "\(path)/\(name)")
            }
            if !matched, let additional = schema["additionalProperties"] {
                found += violations(member, additional, at: "\(path)/\(name)")
            }
        }
        return found
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return reference == "#" ? root : nil }
        var node: JSONValue? = root
        for part in reference.dropFirst(2).split(separator: "/") {
            node = node?[String(part).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")]
        }
        return node
    }

    /// A light check of an embedded JSON Schema (where the meta-schema refers to the draft-07
    /// meta-schema, which is not in the repository): a boolean or an object whose `type`,
    /// `required`, `properties`, `items` and combinators have the right shapes, recursively.
    static func lightSchemaCheck(_ value: JSONValue, _ path: String) -> [String] {
        if case .bool = value { return [] }
        guard let object = value.objectValue else { return ["\(path): a schema must be an object or a boolean"] }
        var found: [String] = []
        let typeNames: Set<String> = ["null", "boolean", "object", "array", "number", "string", "integer"]
        if let type = object["type"] {
            let names = type.arrayValue?.map(\.stringValue) ?? [type.stringValue]
            if names.contains(where: { $0.map { !typeNames.contains($0) } ?? true }) { found.append("\(path)/type: not a JSON Schema type") }
        }
        if let required = object["required"], required.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true {
            found.append("\(path)/required: not an array of strings")
        }
        for key in ["properties", "patternProperties", "definitions"] {
            guard let members = object[key] else { continue }
            guard let map = members.objectValue else { found.append("\(path)/\(key): not an object"); continue }
            for (name, member) in map { found += lightSchemaCheck(member, "\(path)/\(key)/\(name)") }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let member = object[key] { found += lightSchemaCheck(member, "\(path)/\(key)") }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            guard let members = object[key] else { continue }
            guard let list = members.arrayValue else { found.append("\(path)/\(key): not an array"); continue }
            for (index, member) in list.enumerated() { found += lightSchemaCheck(member, "\(path)/\(key)/\(index)") }
        }
        return found
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("number", .number):
            return true
        case ("integer", .number(let number)):
            return number.int64 != nil || (number.double.map { $0.rounded() == $0 } ?? false)
        default:
            return false
        }
    }
}

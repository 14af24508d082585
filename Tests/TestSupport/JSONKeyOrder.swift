import TobaRPC

/// A JSON value with every object's keys sorted: JSON objects are unordered, and PostgreSQL's
/// `jsonb` gives a stored object back in its own key order (as Django on PostgreSQL does).
package func keysSorted(_ value: JSONValue?) -> JSONValue? {
    guard let value else { return nil }
    switch value {
    case .object(let object):
        return .object(JSONObject(object.keys.sorted().map { ($0, keysSorted(object[$0]) ?? .null) }))
    case .array(let items):
        return .array(items.map { keysSorted($0) ?? .null })
    default:
        return value
    }
}

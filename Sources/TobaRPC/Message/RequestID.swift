/// A JSON-RPC request id: a string, a number kept in its exact spelling, or null.
package enum RequestID: Sendable, Hashable {
    case string(String)
    case number(JSONNumber)
    case null

    /// The id of a request object, or nil when the value is not a valid id.
    init?(_ value: JSONValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .number(let n): self = .number(n)
        case .null: self = .null
        default: return nil
        }
    }

    package var json: JSONValue {
        switch self {
        case .string(let s): .string(s)
        case .number(let n): .number(n)
        case .null: .null
        }
    }
}

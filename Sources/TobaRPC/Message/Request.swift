/// One JSON-RPC request or notification, validated against JSON-RPC 2.0's request object.
package struct Request: Sendable {
    package let method: String
    /// Named parameters; absent params read as an empty object.
    package let params: JSONObject
    /// Nil for a notification, which is executed but never answered.
    package let id: RequestID?
    /// True when the params member was an array (positional): refused by the dispatcher with -32602.
    let positional: Bool

    /// Validates a decoded JSON value. On failure returns the error and the id to answer it with
    /// (the request's id when that much was readable, null otherwise).
    static func validate(_ value: JSONValue) -> Result<Request, InvalidRequest> {
        guard case .object(let object) = value else {
            return .failure(InvalidRequest(id: .null, error: .invalidRequest(.notAnObject)))
        }
        var id: RequestID? = nil
        if let rawID = object["id"] {
            guard let valid = RequestID(rawID) else {
                return .failure(InvalidRequest(id: .null, error: .invalidRequest(.invalidID)))
            }
            id = valid
        }
        let answerID = id ?? .null
        guard object["jsonrpc"] == .string("2.0") else {
            return .failure(InvalidRequest(id: answerID, error: .invalidRequest(.invalidJSONRPCVersion)))
        }
        guard case .string(let method) = object["method"] else {
            return .failure(InvalidRequest(id: answerID, error: .invalidRequest(.invalidMethod)))
        }
        switch object["params"] {
        case nil:
            return .success(Request(method: method, params: JSONObject(), id: id, positional: false))
        case .object(let params)?:
            return .success(Request(method: method, params: params, id: id, positional: false))
        case .array?:
            return .success(Request(method: method, params: JSONObject(), id: id, positional: true))
        default:
            return .failure(InvalidRequest(id: answerID, error: .invalidRequest(.invalidParamsMember)))
        }
    }

    struct InvalidRequest: Error {
        let id: RequestID
        let error: RPCError
    }
}

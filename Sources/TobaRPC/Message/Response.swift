/// A JSON-RPC response: `{"jsonrpc":"2.0","result":…,"id":…}` or `{"jsonrpc":"2.0","error":…,"id":…}`.
public struct Response: Sendable {
    public let id: RequestID
    public let outcome: Result<JSONValue, RPCError>

    public init(id: RequestID, outcome: Result<JSONValue, RPCError>) {
        self.id = id
        self.outcome = outcome
    }

    public var json: JSONValue {
        var object: JSONObject = ["jsonrpc": "2.0"]
        switch outcome {
        case .success(let result): object["result"] = result
        case .failure(let error): object["error"] = error.json
        }
        object["id"] = id.json
        return .object(object)
    }
}

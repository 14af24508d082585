/// A JSON-RPC response: `{"jsonrpc":"2.0","result":…,"id":…}` or `{"jsonrpc":"2.0","error":…,"id":…}`.
package struct Response: Sendable {
    package let id: RequestID
    package let outcome: Result<JSONValue, RPCError>

    package init(id: RequestID, outcome: Result<JSONValue, RPCError>) {
        self.id = id
        self.outcome = outcome
    }

    package var json: JSONValue {
        var object: JSONObject = ["jsonrpc": "2.0"]
        switch outcome {
        case .success(let result): object["result"] = result
        case .failure(let error): object["error"] = error.json
        }
        object["id"] = id.json
        return .object(object)
    }
}

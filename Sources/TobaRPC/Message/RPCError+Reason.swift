extension RPCError {
    /// Every `data.reason` a JSON-RPC error (-32700 … -32603) carries: the first table of
    /// protocol/errors.md, kept equal to `allCases` by a test.
    package enum Reason: String, Sendable, CaseIterable, CustomStringConvertible {
        // -32700 Parse error
        case invalidJSON = "invalid_json"
        case invalidUTF8 = "invalid_utf8"
        case tooDeep = "too_deep"
        // -32600 Invalid Request
        case tooLarge = "too_large"
        case emptyBatch = "empty_batch"
        case notAnObject = "not_an_object"
        case invalidJSONRPCVersion = "invalid_jsonrpc_version"
        case invalidMethod = "invalid_method"
        case invalidParamsMember = "invalid_params_member"
        case invalidID = "invalid_id"
        // -32601 Method not found
        case methodNotFound = "method_not_found"
        // -32602 Invalid params
        case missing
        case unknown
        case type
        case nullCharacter = "null_character"
        // -32603 Internal error
        case internalError = "internal_error"

        /// The code as sent, so that interpolation and logs show what a client sees.
        package var description: String { rawValue }
    }
}

extension JSONParseError.Reason {
    /// The `data.reason` of the parse error answered for a line refused for this reason.
    var rpcReason: RPCError.Reason {
        switch self {
        case .invalidUTF8: .invalidUTF8
        case .invalidJSON: .invalidJSON
        case .tooDeep: .tooDeep
        }
    }
}

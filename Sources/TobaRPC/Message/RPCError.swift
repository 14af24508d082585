/// A JSON-RPC error object. Application errors carry `data.reason`; protocol errors carry it
/// where a reason helps the caller (`too_large`, `missing`, `unknown`, `type`).
package struct RPCError: Error, Sendable, Equatable {
    package var code: Int
    package var message: String
    package var data: JSONObject

    package init(code: Int, message: String, data: JSONObject = JSONObject()) {
        self.code = code
        self.message = message
        self.data = data
    }

    package var reason: String? { data["reason"]?.stringValue }

    package var json: JSONValue {
        var object = JSONObject()
        object["code"] = .number(JSONNumber(code))
        object["message"] = .string(message)
        if !data.isEmpty { object["data"] = .object(data) }
        return .object(object)
    }

    package static func parseError(_ reason: JSONParseError.Reason) -> RPCError {
        RPCError(code: -32700, message: "Parse error", data: ["reason": .string(reason.rpcReason.rawValue)])
    }

    package static func invalidRequest(_ reason: Reason) -> RPCError {
        RPCError(code: -32600, message: "Invalid Request", data: ["reason": .string(reason.rawValue)])
    }

    package static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, message: "Method not found",
                 data: ["reason": .string(Reason.methodNotFound.rawValue), "method": .string(method)])
    }

    /// `reason` is `missing`, `unknown` or `type`; `field` names the parameter.
    package static func invalidParams(_ reason: Reason, field: String, detail: String? = nil) -> RPCError {
        var data: JSONObject = ["reason": .string(reason.rawValue), "field": .string(field)]
        if let detail { data["detail"] = .string(detail) }
        return RPCError(code: -32602, message: "Invalid params", data: data)
    }

    /// Never carries SQL, paths or stack traces: those go to the log, not to the caller.
    package static let internalError = RPCError(
        code: -32603, message: "Internal error", data: ["reason": .string(Reason.internalError.rawValue)])
}

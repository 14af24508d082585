// Request.validate and Params over whatever the parser accepted (see FuzzTarget.swift).

extension FuzzProperties {
    static let invalidRequestReasons: Set<String> = [
        "not_an_object", "invalid_id", "invalid_jsonrpc_version", "invalid_method", "invalid_params_member",
    ]

    /// A single request, or each member of a batch.
    static func requests(_ value: JSONValue) {
        if case .array(let members) = value {
            members.forEach(request)
        } else {
            request(value)
        }
    }

    static func request(_ value: JSONValue) {
        switch Request.validate(value) {
        case .success(let request):
            guard case .object(let object) = value else { fatalError("property violated: a non-object validated") }
            require(object["jsonrpc"] == .string("2.0"), "validated without jsonrpc 2.0")
            require(object["method"] == .string(request.method), "method not taken from the object")
            require(request.id?.json == object["id"], "id not echoed verbatim")
            switch object["params"] {
            case nil: require(request.params.isEmpty && !request.positional, "absent params")
            case .object(let params)?: require(request.params == params && !request.positional, "params not kept")
            case .array?: require(request.positional && request.params.isEmpty, "positional params not flagged")
            default: fatalError("property violated: params of another type validated")
            }
            roundTrip(Response(id: request.id ?? .null, outcome: .success(.object(request.params))))
            parameters(request.params)
        case .failure(let invalid):
            require(invalid.error.code == -32600, "invalid request code \(invalid.error.code)")
            require(invalid.error.reason.map(invalidRequestReasons.contains) == true, "reason \(String(describing: invalid.error.reason))")
            if case .object(let object) = value, let id = object["id"], RequestID(id) != nil {
                require(invalid.id.json == id, "a readable id was not used to answer")
            } else {
                require(invalid.id == .null, "an unreadable id was not answered with null")
            }
            roundTrip(Response(id: invalid.id, outcome: .failure(invalid.error)))
        }
    }

    /// A response is one line of JSON that reads back as itself.
    static func roundTrip(_ response: Response) {
        let bytes = JSONWriter.bytes(response.json)
        require(!bytes.contains(0x0A), "a response spans lines")
        require((try? JSONParser.parse(bytes)) == response.json, "a response does not read back as itself")
    }

    /// Every name read as every parameter type, through `required`, `optional` and `patch`, must
    /// agree with `ParamValue.init(param:)`; `finish()` refuses exactly the names nobody read.
    static func parameters(_ object: JSONObject) {
        let names = object.keys + ["\u{0}absent"]
        for name in names {
            check(object, name, as: String.self)
            check(object, name, as: Int.self)
            check(object, name, as: Int64.self)
            check(object, name, as: Double.self)
            check(object, name, as: Bool.self)
            check(object, name, as: JSONValue.self)
            check(object, name, as: JSONObject.self)
            check(object, name, as: [String].self)
            check(object, name, as: [Int64].self)
            check(object, name, as: [JSONValue].self)
        }
        var all = Params(object)
        for name in object.keys { _ = try? all.optional(name, as: JSONValue.self) }
        require((try? all.finish()) != nil, "finish() refused names that were read")
        guard let unread = object.keys.last else { return }
        var partial = Params(object)
        for name in object.keys.dropLast() { _ = try? partial.patch(name, as: JSONValue.self) }
        do throws(RPCError) {
            try partial.finish()
            fatalError("property violated: finish() accepted an unread name")
        } catch {
            require(error.code == -32602 && error.reason == "unknown" && error.data["field"] == .string(unread), "unknown: \(error)")
        }
    }

    static func check<T: ParamValue & Equatable>(_ object: JSONObject, _ name: String, as type: T.Type) {
        let raw = object[name]
        let present = raw != nil && raw != .null
        let decoded = raw.flatMap { T(param: $0) }
        var params = Params(object)
        do throws(RPCError) {
            let value = try params.required(name, as: T.self)
            require(present && decoded == value, "required \(name) as \(T.self) gave a value it should not")
        } catch {
            require(error.code == -32602 && error.data["field"] == .string(name), "required: \(error)")
            require(present ? error.reason == "type" && decoded == nil : error.reason == "missing", "required \(name) as \(T.self): \(error)")
        }
        do throws(RPCError) {
            let value = try params.optional(name, as: T.self)
            require(value == (present ? decoded : nil) && (value != nil || !present), "optional \(name) as \(T.self)")
        } catch {
            require(present && decoded == nil && error.reason == "type", "optional \(name) as \(T.self): \(error)")
        }
        do throws(RPCError) {
            switch try params.patch(name, as: T.self) {
            case .absent: require(raw == nil, "patch absent")
            case .null: require(raw == .null, "patch null")
            case .value(let value): require(present && value == decoded, "patch value")
            }
        } catch {
            require(present && decoded == nil && error.reason == "type", "patch \(name) as \(T.self): \(error)")
        }
    }
}

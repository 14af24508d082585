/// What a method's preparation produced: either the final answer (nothing to apply in order),
/// or an effect to apply on the ordered writer, in arrival order.
public enum Prepared<Context>: Sendable {
    case done(JSONValue)
    case ordered(@Sendable (Context) throws -> Outcome)
}

/// The result of applying a request. `deferred` work runs after the group's durable commit, off
/// the writer (e.g. signing a token), and produces the response.
public enum Outcome: Sendable {
    case value(JSONValue)
    case deferred(@Sendable () async throws -> JSONValue)
}

/// One JSON-RPC method: a name, and how to prepare a call from its parameters. Preparation runs
/// concurrently with other requests' (decode params, hash a password, check a signature); it must
/// not read state that earlier requests may change: that belongs in the ordered apply step.
public struct Method<Context>: Sendable {
    public let name: String
    let prepare: @Sendable (Params) async throws -> Prepared<Context>

    /// `decode` reads the parameters synchronously (unknown names are refused after it);
    /// `prepare` does the CPU-heavy, order-independent part.
    public init<Input: Sendable>(
        _ name: String,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        prepare: @escaping @Sendable (Input) async throws -> Prepared<Context>
    ) {
        self.name = name
        self.prepare = { params in
            var params = params
            let input = try decode(&params)
            try params.finish()
            return try await prepare(input)
        }
    }

    /// A method whose whole work is applied in order.
    public init<Input: Sendable>(
        _ name: String,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        apply: @escaping @Sendable (Input, Context) throws -> JSONValue
    ) {
        self.init(name, decode: decode) { input in
            .ordered { context in .value(try apply(input, context)) }
        }
    }
}

/// The methods a service answers, by name.
public struct MethodTable<Context>: Sendable {
    private var methods: [String: Method<Context>] = [:]

    public init() {}

    public mutating func register(_ method: Method<Context>) {
        precondition(methods[method.name] == nil, "method \(method.name) registered twice")
        methods[method.name] = method
    }

    public mutating func register(_ list: [Method<Context>]) {
        for method in list { register(method) }
    }

    public subscript(name: String) -> Method<Context>? { methods[name] }

    public var names: [String] { methods.keys.sorted() }
}

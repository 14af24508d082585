/// What a method's preparation produced: either the final answer (nothing to apply in order),
/// or an effect to apply on the ordered writer, in arrival order.
package enum Prepared<Context>: Sendable {
    case done(JSONValue)
    case ordered(@Sendable (Context) throws -> Outcome)
}

/// The result of applying a request. `deferred` work runs after the group's durable commit, off
/// the writer (e.g. signing a token), and produces the response.
package enum Outcome: Sendable {
    case value(JSONValue)
    case deferred(@Sendable () async throws -> JSONValue)
}

/// One JSON-RPC method: a name, and how to start a call from its parameters. Decoding runs on
/// the reader thread, in arrival order, and names the call's `Footprint`; preparation then runs
/// concurrently with other requests' (hash a password, check a signature); it must not read
/// state that earlier requests may change: that belongs in the ordered apply step.
package struct Method<Context>: Sendable {
    /// A decoded call: what it touches, and its preparation.
    package struct Call: Sendable {
        let footprint: Footprint
        let preparation: Preparation
    }

    enum Preparation: Sendable {
        /// Prepared while decoding (cheap work: a signature check, nothing at all): no task, no
        /// thread hop.
        case ready(Prepared<Context>)
        /// Prepared concurrently, on a task of its own (a password hash).
        case later(@Sendable () async throws -> Prepared<Context>)
    }

    package let name: String
    let start: @Sendable (Params) throws -> Call

    /// `decode` reads the parameters synchronously (unknown names are refused after it);
    /// `footprint` names what the call touches (default: everything); `prepare` does the
    /// CPU-heavy, order-independent part.
    package init<Input: Sendable>(
        _ name: String,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        footprint: @escaping @Sendable (Input) -> Footprint = { _ in .everything },
        prepare: @escaping @Sendable (Input) async throws -> Prepared<Context>
    ) {
        self.name = name
        self.start = { params in
            var params = params
            let input = try decode(&params)
            try params.finish()
            return Call(footprint: footprint(input), preparation: .later { try await prepare(input) })
        }
    }

    /// A method whose preparation is cheap enough to run while decoding, on the reader thread
    /// (checking a token's signature costs about a microsecond; a task would cost more).
    package init<Input: Sendable>(
        _ name: String,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        footprint: @escaping @Sendable (Input) -> Footprint = { _ in .everything },
        prepareNow: @escaping @Sendable (Input) throws -> Prepared<Context>
    ) {
        self.name = name
        self.start = { params in
            var params = params
            let input = try decode(&params)
            try params.finish()
            return Call(footprint: footprint(input), preparation: .ready(try prepareNow(input)))
        }
    }

    /// A method whose footprint is known only once its cheap preparation ran (the account a
    /// token stands for is read from its verified claims), both while decoding.
    package init<Input: Sendable>(
        _ name: String,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        prepareNow: @escaping @Sendable (Input) throws -> (Footprint, Prepared<Context>)
    ) {
        self.name = name
        self.start = { params in
            var params = params
            let input = try decode(&params)
            try params.finish()
            let (footprint, prepared) = try prepareNow(input)
            return Call(footprint: footprint, preparation: .ready(prepared))
        }
    }

    /// A method whose whole work is applied in order.
    package init<Input: Sendable>(
        _ name: String,
        decode: @escaping @Sendable (inout Params) throws -> Input,
        footprint: @escaping @Sendable (Input) -> Footprint = { _ in .everything },
        apply: @escaping @Sendable (Input, Context) throws -> JSONValue
    ) {
        self.init(name, decode: decode, footprint: footprint, prepareNow: { input in
            .ordered { context in .value(try apply(input, context)) }
        })
    }
}

/// The methods a service answers, by name.
package struct MethodTable<Context>: Sendable {
    private var methods: [String: Method<Context>] = [:]

    package init() {}

    package mutating func register(_ method: Method<Context>) {
        precondition(methods[method.name] == nil, "method \(method.name) registered twice")
        methods[method.name] = method
    }

    package mutating func register(_ list: [Method<Context>]) {
        for method in list { register(method) }
    }

    package subscript(name: String) -> Method<Context>? { methods[name] }

    package var names: [String] { methods.keys.sorted() }
}

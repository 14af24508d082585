import Foundation
package import Logging
import Synchronization

/// The ordered pipeline of PROTOCOL.md §4. Frames arrive in order from the reader; each request
/// is decoded there (naming its footprint), prepared concurrently (a task each), then applied by
/// one writer thread as soon as every earlier request it conflicts with has been applied, in
/// groups that commit together; answers leave as soon as each is ready, a write's only after its
/// group is durable.
package final class Pipeline<Context>: Sendable {
    private let table: MethodTable<Context>
    private let executor: any OrderedExecutor<Context>
    private let queue = OrderedQueue<Context>()
    private let sink: ResponseSink
    private let limits: TransportLimits
    private let maxGroup: Int
    private let mapError: @Sendable (any Error) -> RPCError
    private let logger: Logger
    private let prepareDelay: (@Sendable () async -> Void)?
    private let accepting = Atomic<Bool>(true)
    private let writerDone = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// - Parameters:
    ///   - mapError: turns any error thrown while preparing or applying a request into its
    ///     JSON-RPC form (the application's one error mapping; `RPCError`s pass through it too).
    ///   - prepareDelay: awaited before each preparation; tests use it to shake the order in
    ///     which preparations finish (nil in service).
    package init(
        table: MethodTable<Context>,
        executor: any OrderedExecutor<Context>,
        output: StdoutWriter,
        maxGroup: Int,
        limits: TransportLimits = TransportLimits(),
        logger: Logger,
        prepareDelay: (@Sendable () async -> Void)? = nil,
        mapError: @escaping @Sendable (any Error) -> RPCError
    ) {
        self.prepareDelay = prepareDelay
        self.table = table
        self.executor = executor
        self.limits = limits
        self.sink = ResponseSink(output: output, limits: limits)
        self.maxGroup = max(1, maxGroup)
        self.logger = logger
        self.mapError = mapError
    }

    /// Starts the writer thread.
    package func start() {
        let thread = Thread { [self] in
            runWriter()
        }
        thread.name = "toba-writer"
        thread.start()
    }

    /// True until `close()`; the reader stops handing frames once it turns false.
    package var isAccepting: Bool { accepting.load(ordering: .acquiring) }

    /// Takes one frame from the reader, in arrival order.
    /// Blocks while too much is open (see `TransportLimits`).
    package func accept(_ frame: LineFramer.Frame) {
        let lineBytes: Int
        switch frame {
        case .tooLarge: lineBytes = 0
        case .line(let bytes): lineBytes = bytes.count
        }
        // Before parsing: a parsed line takes several times its size.
        guard waitForCapacity(requests: 1, lineBytes: lineBytes) else { return }
        switch frame {
        case .tooLarge:
            sink.output.write(Response(id: .null, outcome: .failure(.invalidRequest(.tooLarge))).json)
        case .line(let bytes):
            acceptLine(bytes)
        }
    }

    /// False when the input was closed before or during the wait (a signal, system.shutdown):
    /// input stops there.
    private func waitForCapacity(requests: Int, lineBytes: Int) -> Bool {
        guard isAccepting else { return false }
        sink.waitForCapacity(requests: requests, lineBytes: lineBytes)
        return isAccepting
    }

    /// Requests read and not yet answered (tests wait on it instead of on the clock).
    var openRequests: Int { sink.openRequests }

    /// No more input: what was accepted is still finished and answered.
    package func close() {
        if accepting.exchange(false, ordering: .acquiringAndReleasing) {
            queue.close()
        }
    }

    /// Returns when the input is closed, every accepted request applied and every answer written.
    package func waitUntilFinished() async {
        await withCheckedContinuation { continuation in
            let done = writerDone.withLock { state -> Bool in
                if state.done { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        await sink.waitUntilIdle()
    }

    private func acceptLine(_ bytes: [UInt8]) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            sink.output.write(Response(id: .null, outcome: .failure(.parseError(error.reason))).json)
            return
        }
        guard case .array(let items) = value else {
            dispatch(value, target: nil, lineBytes: bytes.count)
            return
        }
        guard !items.isEmpty else {
            sink.output.write(Response(id: .null, outcome: .failure(.invalidRequest(.emptyBatch))).json)
            return
        }
        guard items.count <= limits.maxBatchRequests else {
            var error = RPCError.invalidRequest(.tooLarge)
            error.data["detail"] = .string("a batch holds at most \(limits.maxBatchRequests) requests; none of this one ran")
            sink.output.write(Response(id: .null, outcome: .failure(error)).json)
            return
        }
        // Each member counts as one open request.
        guard waitForCapacity(requests: items.count, lineBytes: bytes.count) else { return }
        let answered = items.filter { !Self.isNotification($0) }.count
        let collector = answered > 0 ? BatchCollector(count: answered, sink: sink) : nil
        let share = bytes.count / items.count
        var index = 0
        for (position, item) in items.enumerated() {
            // The first member carries the remainder, so the shares add up to the line.
            let lineBytes = position == 0 ? bytes.count - share * (items.count - 1) : share
            if Self.isNotification(item) {
                dispatch(item, target: .notification, lineBytes: lineBytes)
            } else {
                dispatch(item, target: .batch(collector!, index: index, id: .null), lineBytes: lineBytes)
                index += 1
            }
        }
    }

    /// A valid-looking request object without an id. Invalid requests are always answered.
    private static func isNotification(_ value: JSONValue) -> Bool {
        guard case .object(let object) = value, object["id"] == nil else { return false }
        if case .success = Request.validate(value) { return true }
        return false
    }

    private func dispatch(_ value: JSONValue, target: Responder.Target?, lineBytes: Int) {
        let request: Request
        switch Request.validate(value) {
        case .failure(let invalid):
            responder(for: target, id: invalid.id, lineBytes: lineBytes).send(.failure(invalid.error))
            return
        case .success(let valid):
            request = valid
        }
        let responder: Responder
        if let id = request.id {
            responder = self.responder(for: target, id: id, lineBytes: lineBytes)
        } else {
            responder = Responder(target: .notification, sink: sink, lineBytes: lineBytes)
        }
        logger.trace("request", metadata: ["method": "\(request.method)", "id": "\(request.id?.json ?? .null)"])
        guard let method = table[request.method] else {
            responder.send(.failure(.methodNotFound(request.method)))
            return
        }
        guard !request.positional else {
            responder.send(.failure(.invalidParams(.type, field: "params", detail: "parameters must be named (an object)")))
            return
        }
        let label = RequestLogContext.Label(id: request.id, method: request.method)
        let call: Method<Context>.Call
        do {
            call = try RequestLogContext.with(label) { try method.start(Params(request.params)) }
        } catch {
            RequestLogContext.with(label) { responder.send(.failure(mapError(error))) }
            return
        }
        if case .ready(let prepared) = call.preparation, prepareDelay == nil {
            switch prepared {
            case .done(let result):
                responder.send(.success(result))
            case .ordered(let effect):
                let slot = Slot<Context>(responder: responder, footprint: call.footprint, label: label, state: .effect(effect))
                if !queue.append(slot) { responder.abandon() }
            }
            return
        }
        let slot = Slot<Context>(responder: responder, footprint: call.footprint, label: label)
        guard queue.append(slot) else {
            // Closed meanwhile and the writer may be gone: this request was read too late to run.
            responder.abandon()
            return
        }
        Task { [queue, mapError, prepareDelay] in
            await prepareDelay?()
            await RequestLogContext.$task.withValue(label) {
            do {
                let prepared: Prepared<Context>
                switch call.preparation {
                case .ready(let ready): prepared = ready
                case .later(let prepare): prepared = try await prepare()
                }
                switch prepared {
                case .done(let result):
                    queue.resolve(slot, .skip)
                    responder.send(.success(result))
                case .ordered(let effect):
                    queue.resolve(slot, .effect(effect))
                }
            } catch {
                queue.resolve(slot, .skip)
                responder.send(.failure(mapError(error)))
            }
            }
        }
    }

    private func responder(for target: Responder.Target?, id: RequestID, lineBytes: Int) -> Responder {
        switch target {
        case .batch(let collector, let index, _)?:
            Responder(target: .batch(collector, index: index, id: id), sink: sink, lineBytes: lineBytes)
        case .notification?:
            Responder(target: .notification, sink: sink, lineBytes: lineBytes)
        case .line?, nil:
            Responder(target: .line(id), sink: sink, lineBytes: lineBytes)
        }
    }

    private func runWriter() {
        while let group = queue.nextGroup(max: maxGroup) {
            let effects = group.map { slot, effect in
                { @Sendable (context: Context) throws -> Outcome in try RequestLogContext.with(slot.label) { try effect(context) } }
            }
            let results = group.allSatisfy(\.0.footprint.readOnly) ? executor.runReads(effects) : executor.runGroup(effects)
            for ((slot, _), result) in zip(group, results) {
                RequestLogContext.with(slot.label) { deliver(result, to: slot.responder, label: slot.label) }
            }
        }
        let waiters = writerDone.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.done = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func deliver(_ result: Result<Outcome, any Error>, to responder: Responder, label: RequestLogContext.Label) {
        switch result {
        case .success(.value(let value)):
            responder.send(.success(value))
        case .success(.deferred(let finish)):
            Task { [mapError] in
                await RequestLogContext.$task.withValue(label) {
                    do { responder.send(.success(try await finish())) } catch { responder.send(.failure(mapError(error))) }
                }
            }
        case .failure(let error):
            responder.send(.failure(mapError(error)))
        }
    }
}

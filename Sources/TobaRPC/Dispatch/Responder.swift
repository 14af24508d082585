import Foundation
import Synchronization

/// Answers one request exactly once: as its own line, into its batch, or not at all for a
/// notification. Every responder is counted by the pipeline until it has answered.
final class Responder: Sendable {
    enum Target: Sendable {
        case line(RequestID)
        case batch(BatchCollector, index: Int, id: RequestID)
        case notification
    }

    private let target: Target
    private let answered = Atomic<Bool>(false)
    private let sink: ResponseSink

    init(target: Target, sink: ResponseSink) {
        self.target = target
        self.sink = sink
        sink.begin()
    }

    func send(_ outcome: Result<JSONValue, RPCError>) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        switch target {
        case .line(let id):
            sink.output.write(Response(id: id, outcome: outcome).json)
        case .batch(let collector, let index, let id):
            collector.fill(index, with: Response(id: id, outcome: outcome).json)
        case .notification:
            break
        }
        sink.end()
    }

    /// Leaves the request unanswered (it came after the input was closed) and stops counting it.
    /// In a batch it gives up its place, so the members already answered are still written.
    func abandon() {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if case .batch(let collector, let index, _) = target { collector.fill(index, with: nil) }
        sink.end()
    }
}

/// Collects the answers of one batch and writes them as one line once all have answered.
/// Notifications in a batch take no place in it.
final class BatchCollector: Sendable {
    private let state: Mutex<(slots: [JSONValue?], remaining: Int)>
    private let output: StdoutWriter

    init(count: Int, output: StdoutWriter) {
        self.state = Mutex((Array(repeating: nil, count: count), count))
        self.output = output
    }

    /// `response` nil: the member was abandoned and takes no place in the answer.
    func fill(_ index: Int, with response: JSONValue?) {
        let complete: [JSONValue]? = state.withLock { state in
            state.slots[index] = response
            state.remaining -= 1
            return state.remaining == 0 ? state.slots.compactMap { $0 } : nil
        }
        if let complete, !complete.isEmpty { output.write(.array(complete)) }
    }
}

/// Where answers go, and the count of requests not yet answered (for a clean drain at exit, and
/// for back-pressure: the reader stops reading while too many requests are open).
final class ResponseSink: @unchecked Sendable {
    let output: StdoutWriter
    private let state = Mutex<(open: Int, waiters: [CheckedContinuation<Void, Never>])>((0, []))
    private let capacity = NSCondition()
    private let maxOpen: Int

    init(output: StdoutWriter, maxOpen: Int = 8192) {
        self.output = output
        self.maxOpen = maxOpen
    }

    func begin() {
        state.withLock { $0.open += 1 }
    }

    func end() {
        let (open, waiters) = state.withLock { state -> (Int, [CheckedContinuation<Void, Never>]) in
            state.open -= 1
            guard state.open == 0 else { return (state.open, []) }
            defer { state.waiters = [] }
            return (0, state.waiters)
        }
        for waiter in waiters { waiter.resume() }
        if open < maxOpen {
            capacity.lock(); capacity.broadcast(); capacity.unlock()
        }
    }

    /// Blocks the calling (reader) thread while `maxOpen` requests are still unanswered, so a
    /// flood of input cannot grow memory without bound.
    func waitForCapacity() {
        capacity.lock(); defer { capacity.unlock() }
        while state.withLock({ $0.open }) >= maxOpen {
            capacity.wait(until: Date().addingTimeInterval(0.1))
        }
    }

    /// Returns once every request begun so far has been answered.
    func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                if state.open == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}

import Synchronization

/// Answers one request exactly once: as its own line, into its batch, or not at all for a
/// notification. Every responder is counted by the pipeline until it has answered, with its
/// share of the bytes of the line it came in.
final class Responder: Sendable {
    enum Target: Sendable {
        case line(RequestID)
        case batch(BatchCollector, index: Int, id: RequestID)
        case notification
    }

    private let target: Target
    private let lineBytes: Int
    private let answered = Atomic<Bool>(false)
    private let sink: ResponseSink

    init(target: Target, sink: ResponseSink, lineBytes: Int = 0) {
        self.target = target
        self.sink = sink
        self.lineBytes = lineBytes
        sink.begin(lineBytes: lineBytes)
    }

    func send(_ outcome: Result<JSONValue, RPCError>) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        switch target {
        case .line(let id):
            sink.output.write(Response(id: id, outcome: outcome).json)
        case .batch(let collector, let index, let id):
            collector.fill(index, id: id, outcome: outcome)
        case .notification:
            break
        }
        sink.end(lineBytes: lineBytes)
    }

    /// Leaves the request unanswered (it came after the input was closed) and stops counting it.
    /// In a batch it gives up its place, so the members already answered are still written.
    func abandon() {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if case .batch(let collector, let index, _) = target { collector.fill(index, id: .null, outcome: nil) }
        sink.end(lineBytes: lineBytes)
    }
}
